using System.Diagnostics;
using System.Globalization;
using FlowRunner.Abstractions;
using FlowRunner.Engine.Tools;
using FlowRunner.Engine.Tools.Scripting;
using FlowRunner.Stages.Hls;
using FlowRunner.Stages.Services;
using FlowRunner.Stages.Synthesis;
using FlowRunner.Tech;
using FlowRunner.Tech.CellLibrary;
using FlowRunner.Tech.Liberty;
using FlowRunner.Tech.Netlist;

namespace FlowRunner.Stages.GateSim;

/// <summary>Adapter "icarus" of `sim.gate`: iverilog compiles hls.emit's test bench with the netlist, its cells' models, the RTL's memory
/// modules and the toggle counter (<see cref="ToggleCounterVerilog"/>); vvp runs it on the vectors. The bench's PASS line is the gate-level
/// equivalence check; the counts become gate_activity.json.</summary>
public sealed class IcarusGateSimAdapter : IToolAdapter
{
    private static readonly SimGateStage Stage = new();

    public string StageKind => SimGateStage.KindName;
    public string Id => "icarus";
    public int Priority => 20;
    public IReadOnlyList<string> RequiredTools => ["iverilog", "vvp"];

    public async Task<IReadOnlyList<ToolInfo>> ProbeAsync(IToolLocator locator, CancellationToken cancellationToken) =>
        [await ToolLocator.ProbeAsync(locator, "iverilog", ["-V"], cancellationToken), await ToolLocator.ProbeAsync(locator, "vvp", ["-V"], cancellationToken)];

    /// <summary>One simulated netlist: its model, the nets counted and the run's outcome.</summary>
    private sealed record Run(string Label, GateNetlist Netlist, IReadOnlyList<NetBit> Nets, IReadOnlyList<ToggleCounterVerilog.MemoryPorts> Memories,
        ToggleCounts Counts, long CyclesPerInference, double Seconds);

    public async Task<StageResult> RunAsync(StageContext c, CancellationToken ct)
    {
        StageFailedException Fail(string what) => new($"stage '{c.StageId}' (sim.gate): {what}");
        Services.OptionRecheck.Require(Stage, c, x => x.Choices is not null);
        var netlistStage = c.FindView(Views.Netlist) ?? throw Fail("no stage upstream wrote a netlist: sim.gate needs synth with the yosys adapter in `needs:`");
        var report = SynthReport.Read(c.ViewPath(Views.Synthesis));
        var liberty = c.FindView(Views.Liberty) is { } lib ? lib.ArtifactPath(Views.Liberty.Name) : report.Liberty;
        var hls = c.View(Views.Schedule);
        var schedule = ScheduleFile.Read(hls.ArtifactPath(Views.Schedule.Name), hls.Directory);
        var testbench = c.ViewPath(HlsEmitStage.Testbench);
        var vectors = c.ViewPath(HlsEmitStage.Vectors);
        var images = c.Options.Int("images", 2);
        if (images < 1) throw Fail($"`with.images` must be at least 1, got {images}");

        LibertyLibrary library;
        try { library = LibertyReader.ReadFile(liberty); }
        catch (LibertyFormatException e) { throw new StageFailedException(e.Message, e); }
        var models = c.PathOf("cells.v");
        await File.WriteAllTextAsync(models, await CellModelsAsync(c, library, ct), ct);

        // The memories stay behavioral: the RTL's own modules (the files of the schedule's RTL that define them), ROM images beside the run.
        var memoryModules = schedule.Record.MemoryModules.ToHashSet(StringComparer.Ordinal);
        var memoryFiles = schedule.RtlPaths.Where(f => VerilogModules.Read(f) is var m && m.Any(x => memoryModules.Contains(x.Name)) && m.All(x => x.Name != schedule.Record.Top)).ToList();
        foreach (var init in schedule.Record.Memories.Select(schedule.InitPath).OfType<string>())
            File.Copy(init, c.PathOf(Path.GetFileName(init)), true);

        var runs = new List<Run>();
        var synthNetlist = Read(netlistStage.ArtifactPath(Views.Netlist.Name));
        runs.Add(await SimulateAsync(c, "synth", synthNetlist, netlistStage.ArtifactPath(Views.Netlist.Name), library, memoryModules, memoryFiles, models, testbench, vectors, images, schedule, ct));
        var last = runs[^1];
        var activity = Activity(last, images, report.ClockNs > 0 ? report.ClockNs : c.Tech().ClockNs, schedule.Record.Top);
        await File.WriteAllTextAsync(c.PathOf("gate_activity.json"), activity.ToJson(), ct);
        var first = runs[0];
        double Rate(Run r) => r.Counts.Toggles.Length == 0 ? 0 : r.Counts.Toggles.Average() / Math.Max(1, r.Counts.Cycles);
        var metrics = new List<Metric>
        {
            new("gate_images_checked", images, "images"),
            new("gate_cycles_per_inference", first.CyclesPerInference, "cycles"),
            new("gate_sim_s", runs.Sum(r => r.Seconds), "s"),
            new("gate_nets", first.Nets.Count),
            new("gate_toggle_rate", Rate(first)),
            new("gate_clock_cycles", first.Counts.Cycles, "cycles"),
            new("gate_memory_reads", first.Counts.Memories.Sum(m => m.Reads)),
            new("gate_memory_writes", first.Counts.Memories.Sum(m => m.Writes)),
        };
        return new StageResult(metrics,
        [
            new Artifact(Views.GateActivity.Name, "gate_activity.json", $"per-net transitions and memory traffic of the {last.Label} netlist over {images} image(s)"),
            new Artifact(SimGateStage.CellModels.Name, "cells.v", "the cells' Verilog models that were simulated"),
        ]);
    }

    private static GateNetlist Read(string file)
    {
        try { return GateNetlistReader.ReadFile(file); }
        catch (FormatException e) { throw new StageFailedException(e.Message, e); }
    }

    private static async Task<string> CellModelsAsync(StageContext c, LibertyLibrary library, CancellationToken ct)
    {
        if (c.Options.String("cell_models", "generated") == "tech")
        {
            var tech = c.Tech("the tech's cell models");
            if (tech.StdCells.Generate || tech.StdCells.Liberty is null)
                throw new StageFailedException($"stage '{c.StageId}': `cell_models: tech`: {tech.Name} generates its Liberty and ships no cell models; use `generated`");
            var file = Path.ChangeExtension(Path.Combine(StandardCells.LibraryFolder(tech) ?? tech.Directory, tech.StdCells.Liberty), ".v");
            if (!File.Exists(file)) throw new StageFailedException($"stage '{c.StageId}': `cell_models: tech`: '{file}' does not exist (the Verilog models beside {tech.StdCells.Liberty})");
            return await File.ReadAllTextAsync(file, ct);
        }
        try { return VerilogCellModels.Write(library); }
        catch (FormatException e) { throw new StageFailedException($"stage '{c.StageId}': {e.Message}", e); }
    }

    private static async Task<Run> SimulateAsync(StageContext c, string label, GateNetlist netlist, string netlistFile, LibertyLibrary library, ISet<string> memoryModules,
        IReadOnlyList<string> memoryFiles, string models, string testbench, string vectors, int images, ScheduleFile schedule, CancellationToken ct, string? shownFile = null)
    {
        var unknown = netlist.Cells.Select(x => x.Cell).Where(x => library.Cell(x) is null && !memoryModules.Contains(x)).Distinct().Take(3).ToList();
        if (unknown.Count > 0)
            throw new StageFailedException($"{shownFile ?? netlistFile}: cell(s) {string.Join(", ", unknown)} are neither in {library.File} nor memory modules of the schedule: no model to simulate them with");
        var nets = netlist.Nets();
        var counted = nets.Values.Where(b => !b.IsConstant).Distinct().OrderBy(b => b.Wire, StringComparer.Ordinal).ThenBy(b => b.Index).ToList();
        NetBit Net(NetBit b) => nets.GetValueOrDefault(b, b);
        NetBit? Pin(NetlistCell cell, string pin) => cell.Pins.TryGetValue(pin, out var bits) && bits.Count == 1 ? Net(bits[0]) : null;
        var clockWire = netlist.Wires.ContainsKey("clk") ? new NetBit("clk", 0) : throw new StageFailedException($"{netlistFile}: no port 'clk' to count clock cycles by");
        var memories = netlist.Cells.Where(x => memoryModules.Contains(x.Cell))
            .Select(x => new ToggleCounterVerilog.MemoryPorts(x.Name, Pin(x, "clk") ?? Net(clockWire), Pin(x, "ce"), Pin(x, "we"))).ToList();
        var counts = $"toggles_{label}.txt";
        var counter = $"toggles_{label}.v";
        await File.WriteAllTextAsync(c.PathOf(counter), ToggleCounterVerilog.Emit(netlist, counted, memories, Net(clockWire), counts), ct);

        string Named(string path) => StagePaths.For(c.Directory, path);
        var program = $"gate_{label}.vvp";
        var sources = new List<string> { "-g2005", "-o", program, "-s", ToggleCounterVerilog.Bench, "-s", ToggleCounterVerilog.Module, Named(testbench), Named(netlistFile), Named(models), counter };
        sources.AddRange(memoryFiles.Select(Named));
        var sw = Stopwatch.StartNew();
        ToolResult run;
        try
        {
            await c.Tools.RunAsync(new ToolInvocation("iverilog", sources) { WorkingDirectory = c.Directory }, ct);
            run = await c.Tools.RunAsync(new ToolInvocation("vvp", ["-n", program, "+vectors=" + Named(vectors), $"+images={images}"]) { WorkingDirectory = c.Directory }, ct);
        }
        catch (ToolFailedException e) { throw new StageFailedException($"stage '{c.StageId}': the {label} netlist's simulation failed: {e.Message}", e); }
        finally { File.Delete(c.PathOf(program)); }
        var seconds = sw.Elapsed.TotalSeconds;
        await File.WriteAllTextAsync(c.PathOf($"sim_{label}.log"), run.StandardOutput + run.StandardError, ct);
        var output = run.StandardOutput;
        if (!output.Contains($"PASS {images} images", StringComparison.Ordinal))
            throw new StageFailedException($"stage '{c.StageId}': {FirstMismatch(output, label, shownFile ?? netlistFile)}");
        var cycles = output.Split('\n').Select(l => l.Trim().Split(' ')).FirstOrDefault(t => t.Length == 2 && t[0] == "cycles_per_inference") is { } line
            && long.TryParse(line[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
        if (cycles != schedule.Record.CyclesPerInference)
            throw new StageFailedException($"stage '{c.StageId}': the {label} netlist took {cycles} cycles per inference, the schedule says {schedule.Record.CyclesPerInference}");
        ToggleCounts parsed;
        try { parsed = ToggleCounts.Parse(await File.ReadAllTextAsync(c.PathOf(counts), ct), c.PathOf(counts), counted.Count, memories.Count); }
        catch (Exception e) when (e is FormatException or FileNotFoundException) { throw new StageFailedException($"stage '{c.StageId}': {e.Message}", e); }
        c.Log.Info($"Icarus: the {label} netlist ({netlist.Cells.Count:N0} cells, {counted.Count:N0} nets) computes the RTL's logits on {images} image(s), " +
                   $"{cycles:N0} cycles each, in {seconds:F1} s; {parsed.Toggles.Sum():N0} transitions over {parsed.Cycles:N0} cycles");
        return new Run(label, netlist, counted, memories, parsed, cycles, seconds);
    }

    /// <summary>The bench's first mismatch line (<c>image I logit J: rtl X, model Y</c>) as the stage's one line.</summary>
    private static string FirstMismatch(string output, string label, string file)
    {
        foreach (var raw in output.Split('\n'))
        {
            var l = raw.Trim();
            if (!l.StartsWith("image ", StringComparison.Ordinal) || !l.Contains(" logit ", StringComparison.Ordinal)) continue;
            var t = l.Replace(":", "").Replace(",", "").Split(' ');
            // image I logit J rtl X model Y
            if (t.Length == 8) return $"{file}: the {label} netlist's output logit {t[3]} of image {t[1]} is {t[5]}, the RTL's is {t[7]} (gate-level equivalence check failed)";
        }
        var tail = string.Join('\n', output.Split('\n').TakeLast(8));
        return $"{file}: the {label} netlist's simulation did not pass the test bench:\n{tail}";
    }

    private static GateActivity Activity(Run r, int images, double clockNs, string top)
    {
        string Name(NetBit b) => r.Netlist.Wires[b.Wire!].Ranged ? $"{b.Wire}[{b.Index}]" : b.Wire!;
        return new GateActivity(GateActivity.FormatName, r.Label, r.Netlist.File, top, images, r.Counts.Cycles, clockNs,
            r.Nets.Select((b, k) => new NetToggles(Name(b), r.Counts.Toggles[k])).ToList(),
            r.Memories.Select((m, k) => new MemoryTraffic(m.Instance, r.Netlist.Cells.First(x => x.Name == m.Instance).Cell, r.Counts.Memories[k].Reads, r.Counts.Memories[k].Writes)).ToList());
    }
}
