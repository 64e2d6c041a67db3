using System.Globalization;
using System.Text;
using System.Text.Json;
using FlowRunner.Abstractions;
using FlowRunner.Engine.Tools.Scripting;
using FlowRunner.Tech;
using FlowRunner.Tech.Liberty;

namespace FlowRunner.Stages.Power;

/// <summary>Adapter "opensta" of `power`: OpenSTA's report_power on the synthesized netlist with the tech's Liberty and one Liberty cell a
/// memory module, the clock of the point, and the measured activity annotated pin by pin (<see cref="ActivityAnnotation"/>). Reports
/// OpenSTA's total as power_mw, the analytical model's beside it and their ratio (power_ratio_analytical_to_opensta).</summary>
/// <remarks>OpenSTA's figure covers the logic, the clock pins and the macros' access energy as their Liberty charges it on the clock edge; it
/// has no wire parasitics (no layout) and no clock-tree buffers.</remarks>
public sealed class OpenStaPowerAdapter : IToolAdapter
{
    public const string Tool = "sta";

    public string StageKind => PowerStage.KindName;
    public string Id => "opensta";
    public int Priority => 20;
    public IReadOnlyList<string> RequiredTools => [Tool];

    public async Task<IReadOnlyList<ToolInfo>> ProbeAsync(IToolLocator locator, CancellationToken cancellationToken)
    {
        var path = locator.Find(Tool);
        if (path is null) return [ToolInfo.Missing(Tool)];
        return [new ToolInfo(Tool, path, await locator.VersionAsync(Tool, ["-version"], cancellationToken))];
    }

    public async Task<StageResult> RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        var inputs = await AnalyticalPowerAdapter.Gather(context, cancellationToken);
        if (inputs.Synth is not { } synth || !synth.HasArtifact("netlist"))
        {
            // `tool: auto` picks this adapter wherever sta is installed; a recipe without synthesis still gets its power, from the model.
            context.Log.Warn($"stage '{context.StageId}': no synth stage with a netlist upstream, so no OpenSTA run: reporting the analytical model only");
            return await AnalyticalPowerAdapter.Finish(context, inputs, cancellationToken);
        }
        var netlist = synth.ArtifactPath("netlist");
        var liberty = StdCellLiberty(context, inputs.Tech);
        var memoryDir = context.FindView(Views.Memories)?.Directory;
        var memoryLibs = inputs.Memories is null || memoryDir is null ? [] : MemoryLiberty.Write(inputs.Memories, memoryDir, inputs.Schedule.Record.MemoryModules, context.PathOf("memlib"),
            inputs.Schedule.Record.CyclesPerInference).ToList();

        var flops = LibertyReader.ReadFile(liberty).Cells.Where(c => c.Group.Group("ff") is not null || c.Group.Group("latch") is not null).Select(c => c.Name).ToHashSet();
        var netlistText = Synthesis.StaTiming.WithoutInstanceParameters(await File.ReadAllTextAsync(netlist, cancellationToken));
        var staNetlist = context.PathOf(Synthesis.StaTiming.NetlistFile);
        await File.WriteAllTextAsync(staNetlist, netlistText, cancellationToken);
        var instances = NetlistScan.Read(netlistText);
        // A netlist synthesized with memory.generate's wrappers instantiates the macros themselves: read their own Liberty views.
        var memoryCells = inputs.Schedule.Record.MemoryModules.ToHashSet();
        if (inputs.Memories is not null && memoryDir is not null)
            foreach (var macro in inputs.Memories.Macros.Where(m => instances.Any(i => i.Cell == m.Name)))
            {
                memoryLibs.Add(Path.Combine(memoryDir, macro.Lib));
                memoryCells.Add(macro.Name);
            }
        // Registers measured by hls.emit's RTL simulation (simulate_images) keep their own rates; the others get their role's.
        var vcd = inputs.Simulated;
        var annotation = ActivityAnnotation.Build(instances, flops, memoryCells, inputs.Activity,
            inputs.Schedule.Record.CyclesPerInference, context.Options.Double("control_activity", 0.1), vcd?.ByNet);
        if (vcd is not null)
            context.Log.Info($"activity.vcd: {vcd.Cycles:N0} cycles, {vcd.ByNet.Count} register bits; {annotation.Measured.Count} flip-flops annotated with their measured rate and duty");
        var memoryInstances = instances.Where(i => memoryCells.Contains(i.Cell) && !i.Name.StartsWith('\\')).Select(i => i.Name).ToList();
        // Files of this stage's folder by their relative path: the folder moves into the cache when the stage commits (replay.sh runs there).
        string Named(string path) => StagePaths.For(context.Directory, path);
        string Library(string path) => Synthesis.StaTiming.ReadableLiberty(context.Directory, Named(path));
        var script = Script(Library(liberty), memoryLibs.Select(Library).ToList(), Named(staNetlist), inputs.Schedule.Record.Top, inputs.ClockNs, annotation, memoryInstances);
        await File.WriteAllTextAsync(context.PathOf("power.tcl"), script, cancellationToken);
        context.Log.Info($"{annotation.AnnotatedPins} pins annotated: " + string.Join(", ", annotation.PinsByRole.Where(r => r.Value.Count > 0)
            .Select(r => $"{r.Key} {r.Value.Count} at {annotation.RateOf(r.Key):F4}")));

        var result = await context.Tools.RunAsync(new ToolInvocation(Tool, ["-no_splash", "-exit", "power.tcl"]) { WorkingDirectory = context.Directory }, cancellationToken);
        var log = result.StandardOutput + "\n" + result.StandardError;
        await File.WriteAllTextAsync(context.PathOf("sta.log"), log, cancellationToken);
        OpenStaPowerReport report;
        try { report = OpenStaPowerReport.Parse(log, context.PathOf("sta.log")); }
        catch (FormatException e) { throw new StageFailedException(e.Message); }
        foreach (var line in log.Split('\n').Where(l => l.StartsWith("Error", StringComparison.Ordinal)).Take(5)) context.Log.Warn("sta: " + line);

        var analytical = inputs.Analytical;
        var staMw = report.TotalW * 1000;
        var breakdown = analytical with
        {
            Adapter = "opensta",
            OpenSta = new OpenStaPower(report.TotalW, report.GroupsW, analytical.PowerMw, annotation.ControlRate, annotation.AnnotatedPins),
        };
        await File.WriteAllTextAsync(context.PathOf(PowerMetrics.ActivityFile), inputs.Activity.ToJson(), cancellationToken);
        await File.WriteAllTextAsync(context.PathOf(PowerMetrics.PowerFile), breakdown.ToJson(), cancellationToken);
        AnalyticalPowerAdapter.Log(context, analytical);
        context.Log.Info($"OpenSTA: {staMw:G4} mW ({string.Join(", ", report.GroupsW.Select(g => $"{g.Key} {g.Value * 1000:G3}"))}); analytical {analytical.PowerMw:G4} mW, ratio {analytical.PowerMw / staMw:G3}");

        var latencyNs = analytical.Cycles * analytical.ClockNs;
        var energyUj = staMw * latencyNs * 1e-6;
        var metrics = PowerMetrics.From(analytical, inputs).Where(m => m.Name is not ("power_mw" or "energy_per_inference_uj" or "energy_ratio_vs_software")).ToList();
        metrics.AddRange(
        [
            new("power_mw", staMw, "mW"),
            new("energy_per_inference_uj", energyUj, "uJ"),
            new("energy_ratio_vs_software", inputs.Software.EnergyUj / energyUj),
            new("opensta_power_mw", staMw, "mW"),
            new("opensta_leakage_mw", report.LeakageW * 1000, "mW"),
            new("opensta_memory_power_mw", memoryInstances.Sum(i => report.InstancesW.GetValueOrDefault(i)) * 1000, "mW"),
            new("analytical_power_mw", analytical.PowerMw, "mW"),
            new("analytical_energy_per_inference_uj", analytical.EnergyPj * 1e-6, "uJ"),
            new("power_ratio_analytical_to_opensta", analytical.PowerMw / staMw),
            new("annotated_pins", annotation.AnnotatedPins),
            new("simulated_activity_pins", annotation.Measured.Count),
        ]);
        return new StageResult(metrics, PowerMetrics.Artifacts(
            new Artifact("sta_script", "power.tcl", "the OpenSTA script: libraries, netlist, clock, activity annotation, report_power"),
            new Artifact("sta_log", "sta.log", "OpenSTA's output with the report_power table")));
    }

    /// <summary>The Liberty synthesis mapped to (the synth stage's liberty view); the tech's when no stage upstream wrote one.</summary>
    private static string StdCellLiberty(StageContext c, TechDescription tech)
    {
        if (c.FindView(Views.Liberty) is { } synth) return synth.ArtifactPath(Views.Liberty.Name);
        c.Log.Warn("no stage upstream wrote a liberty view: OpenSTA reads the tech's Liberty");
        try { return StandardCells.LibertyPath(tech, c.PathOf("stdcells")); }
        catch (FileNotFoundException e) { throw new StageFailedException(e.Message, e); }
    }

    /// <summary>The power.tcl script; every path and name is quoted by <see cref="Tcl"/> (files of the stage folder are named relative to it by the caller).</summary>
    public static string Script(string liberty, IReadOnlyList<string> memoryLibs, string netlist, string top, double clockNs, ActivityAnnotation annotation,
        IReadOnlyList<string> memoryInstances)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# FlowRunner power stage: OpenSTA report_power with the measured activity (OpenSTA 2.0.17 reads no VCD)");
        sb.Append("read_liberty ").AppendLine(Tcl.Word(liberty, "the standard-cell Liberty file"));
        foreach (var lib in memoryLibs) sb.Append("read_liberty ").AppendLine(Tcl.Word(lib, "the memory Liberty file"));
        sb.Append("read_verilog ").AppendLine(Tcl.Word(netlist, "the netlist"));
        sb.Append("link_design ").AppendLine(Tcl.Word(top, "the top module (schedule.json top)"));
        sb.Append("create_clock -name clk -period ").Append(clockNs.ToString("0.####", CultureInfo.InvariantCulture)).AppendLine(" [get_ports clk]");
        sb.Append(annotation.ToTcl());
        sb.AppendLine("report_power");
        if (memoryInstances.Count > 0) sb.Append("report_power -instances [get_cells ").Append(Tcl.List(memoryInstances, "a memory instance")).AppendLine("]");
        return sb.ToString();
    }
}
