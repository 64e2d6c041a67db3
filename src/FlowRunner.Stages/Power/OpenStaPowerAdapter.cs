using System.Globalization;
using System.Text;
using System.Text.Json;
using FlowRunner.Abstractions;
using FlowRunner.Engine.Tools.Scripting;
using FlowRunner.Tech;
using FlowRunner.Tech.Liberty;

namespace FlowRunner.Stages.Power;

/// <summary>Adapter "opensta" of `power`: OpenSTA's report_power on the synthesized netlist with the Liberty synthesis mapped to and memory.generate's
/// Liberty view of every memory, the clock of the point, and the measured activity annotated pin by pin (<see cref="ActivityAnnotation"/>).
/// Its breakdown and totals are OpenSTA's: the memories are their instances' rows (report_power -instances), leakage the Total row's, the
/// logic the rest (its Sequential group holds the clock pins, so there is no separate clock part); areas and flip-flops are the synth
/// stage's, the memories' area memory.json's. It runs no analytical model.</summary>
/// <remarks>OpenSTA's figure covers the logic, the clock pins and the macros' access energy as their Liberty charges it on the clock edge; it
/// has no wire parasitics (no layout) and no clock-tree buffers.</remarks>
public sealed class OpenStaPowerAdapter : PowerAdapter
{
    public const string Tool = "sta";

    public override string Id => "opensta";
    public override int Priority => 20;
    public override IReadOnlyList<string> RequiredTools => [Tool];

    public override async Task<IReadOnlyList<ToolInfo>> ProbeAsync(IToolLocator locator, CancellationToken cancellationToken)
    {
        var path = locator.Find(Tool);
        if (path is null) return [ToolInfo.Missing(Tool)];
        return [new ToolInfo(Tool, path, await locator.VersionAsync(Tool, ["-version"], cancellationToken))];
    }

    protected override async Task<PowerEstimate> EstimateAsync(StageContext context, PowerViews views, PowerActivity activity, CancellationToken cancellationToken)
    {
        if (views.Synth is not { } synth || !synth.HasArtifact("netlist"))
        {
            // `tool: auto` picks this adapter wherever sta is installed; a recipe without synthesis still gets its power, from the model.
            context.Log.Warn($"stage '{context.StageId}': no synth stage with a netlist upstream, so no OpenSTA run: the analytical model estimates the power");
            return new PowerEstimate(AnalyticalPowerAdapter.Estimate(context, views, activity), [], []);
        }
        var schedule = views.Schedule.Record;
        var netlist = synth.ArtifactPath("netlist");
        var liberty = StdCellLiberty(context, views.Tech);
        var memoryDir = views.MemoryDirectory;
        var memoryLibs = views.Memories is null || memoryDir is null ? [] : MemoryLiberty.Write(views.Memories, memoryDir, schedule.MemoryModules, context.PathOf("memlib"),
            schedule.CyclesPerInference).ToList();

        var flops = LibertyReader.ReadFile(liberty).Cells.Where(c => c.Group.Group("ff") is not null || c.Group.Group("latch") is not null).Select(c => c.Name).ToHashSet();
        var netlistText = Synthesis.StaTiming.WithoutInstanceParameters(await File.ReadAllTextAsync(netlist, cancellationToken));
        var staNetlist = context.PathOf(Synthesis.StaTiming.NetlistFile);
        await File.WriteAllTextAsync(staNetlist, netlistText, cancellationToken);
        var instances = NetlistScan.Read(netlistText);
        // A netlist synthesized with memory.generate's wrappers instantiates the macros themselves: read their own Liberty views.
        var memoryCells = schedule.MemoryModules.ToHashSet();
        if (views.Memories is not null && memoryDir is not null)
            foreach (var macro in views.Memories.Macros.Where(m => instances.Any(i => i.Cell == m.Name)))
            {
                memoryLibs.Add(Path.Combine(memoryDir, macro.Lib));
                memoryCells.Add(macro.Name);
            }
        // Registers measured by hls.emit's RTL simulation (simulate_images) keep their own rates; the others get their role's.
        var vcd = views.Simulated;
        var annotation = ActivityAnnotation.Build(instances, flops, memoryCells, activity.Report,
            schedule.CyclesPerInference, context.Options.Double("control_activity", 0.1), views.Registers, vcd?.ByNet);
        if (views.Registers is null)
            context.Log.Warn($"no register map upstream (registers.json; hls.emit of an older run?): register roles are unknown, {annotation.PinsByRole[ActivityAnnotation.Unknown].Count} flip-flop outputs are annotated at the control activity as role 'unknown'");
        if (vcd is not null)
            context.Log.Info($"activity.vcd: {vcd.Cycles:N0} cycles, {vcd.ByNet.Count} register bits; {annotation.Measured.Count} flip-flops annotated with their measured rate and duty");
        var memoryInstances = instances.Where(i => memoryCells.Contains(i.Cell) && !i.Name.StartsWith('\\')).Select(i => i.Name).ToList();
        // Files of this stage's folder by their relative path: the folder moves into the cache when the stage commits (replay.sh runs there).
        string Named(string path) => StagePaths.For(context.Directory, path);
        string Library(string path) => Synthesis.StaTiming.ReadableLiberty(context.Directory, Named(path));
        var script = Script(Library(liberty), memoryLibs.Select(Library).ToList(), Named(staNetlist), schedule.Top, views.ClockNs, annotation, memoryInstances);
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

        var breakdown = Breakdown(context, views, report, memoryInstances, annotation, instances.Count(i => flops.Contains(i.Cell)));
        context.Log.Info($"OpenSTA: {report.TotalW * 1000:G4} mW ({string.Join(", ", report.GroupsW.Select(g => $"{g.Key} {g.Value * 1000:G3}"))}); "
            + $"memories {breakdown.OpenSta!.MemoryW * 1000:G4} mW, leakage {report.LeakageW * 1000:G4} mW");
        var groups = report.GroupsW;
        return new PowerEstimate(breakdown,
        [
            new("opensta_power_mw", report.TotalW * 1000, "mW"),
            new("opensta_leakage_mw", report.LeakageW * 1000, "mW"),
            new("opensta_memory_power_mw", breakdown.OpenSta.MemoryW * 1000, "mW"),
            new("opensta_sequential_power_mw", groups.GetValueOrDefault("Sequential") * 1000, "mW"),
            new("opensta_combinational_power_mw", groups.GetValueOrDefault("Combinational") * 1000, "mW"),
            new("annotated_pins", annotation.AnnotatedPins),
            new("simulated_activity_pins", annotation.Measured.Count),
        ],
        [
            new Artifact("sta_script", "power.tcl", "the OpenSTA script: libraries, netlist, clock, activity annotation, report_power"),
            new Artifact("sta_log", "sta.log", "OpenSTA's output with the report_power table"),
        ]);
    }

    /// <summary>OpenSTA's report as the stage's parts: memory = the memory instances' internal and switching power, leakage = the Total row's,
    /// logic = the rest of the total; areas and flip-flops from the synth stage and memory.json.</summary>
    private static PowerBreakdown Breakdown(StageContext context, PowerViews views, OpenStaPowerReport report, IReadOnlyList<string> memoryInstances,
        ActivityAnnotation annotation, long netlistFlops)
    {
        var synth = views.Synth!;
        var cycles = views.Schedule.Record.CyclesPerInference;
        var ns = cycles * views.ClockNs;
        var memoryW = memoryInstances.Sum(i => report.InstancesW.GetValueOrDefault(i));
        var memoryLeakageW = memoryInstances.Sum(i => report.InstancesLeakageW.GetValueOrDefault(i));
        var memoryPj = (memoryW - memoryLeakageW) * 1000 * ns;
        var leakageMw = report.LeakageW * 1000;
        var logicArea = synth.Metric("logic_area_um2")
            ?? throw new StageFailedException($"stage '{context.StageId}': stage '{synth.StageId}' reports no logic_area_um2 for the power stage's area");
        return new PowerBreakdown
        {
            Adapter = "opensta",
            Tech = views.Tech.Name,
            ClockNs = views.ClockNs,
            Cycles = cycles,
            LogicPj = report.TotalW * 1000 * ns - memoryPj - leakageMw * cycles * views.ClockNs,
            MemoryPj = memoryPj,
            ClockPj = null,
            LeakageMw = leakageMw,
            LogicAreaUm2 = logicArea,
            LogicAreaSource = "synth",
            MemoryAreaUm2 = views.Memories?.Logical.Sum(l => l.AreaUm2) ?? 0,
            FlipFlops = synth.Metric("flip_flops") is { } ff ? (long)ff : netlistFlops,
            Memories = MemoryEnergy.Of(views.Memories),
            Assumptions =
            [
                "OpenSTA report_power at the annotated activity: no wire parasitics (no layout), no clock-tree buffers; the clock pins are in its Sequential group",
                $"{annotation.AnnotatedPins} pins annotated with the measured activity by role; others at control_activity {annotation.ControlRate}",
            ],
            OpenSta = new OpenStaPower(report.TotalW, report.InternalW, report.SwitchingW, report.LeakageW, report.GroupsW, memoryW, annotation.ControlRate,
                annotation.AnnotatedPins),
        };
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
