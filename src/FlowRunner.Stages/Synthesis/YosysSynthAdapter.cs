using System.Globalization;
using FlowRunner.Abstractions;
using FlowRunner.Engine.Tools;

namespace FlowRunner.Stages.Synthesis;

/// <summary>Adapter "yosys" of `synth`: Yosys maps the RTL onto the tech Liberty; OpenSTA, when installed, times the netlist.</summary>
public sealed class YosysSynthAdapter : IToolAdapter
{
    public string StageKind => SynthStage.KindName;
    public string Id => "yosys";
    public int Priority => 20;
    public IReadOnlyList<string> RequiredTools => ["yosys"];

    /// <summary>OpenSTA times the netlist when installed (`timing`); without it the critical path is the analytical estimate.</summary>
    public IReadOnlyList<string> OptionalTools => ["sta"];

    public async Task<IReadOnlyList<ToolInfo>> ProbeAsync(IToolLocator locator, CancellationToken cancellationToken) =>
        [await ToolLocator.ProbeAsync(locator, "yosys", ["-V"], cancellationToken), await ToolLocator.ProbeAsync(locator, "sta", ["-version"], cancellationToken)];

    public async Task<StageResult> RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        var setup = SynthSetup.From(context);
        var s = setup.Schedule.Record;
        if (s.RtlFiles.Count == 0) throw new StageFailedException($"{setup.Schedule.File}: rtl_files: the schedule lists no RTL files");
        context.Log.Info($"yosys: {s.RtlFiles.Count} RTL file(s), top {s.Top}, black boxes: {(s.MemoryModules.Count == 0 ? "none" : string.Join(", ", s.MemoryModules))}; liberty {setup.LibertyPath}");
        context.Log.Progress(0.1, "yosys");
        var run = await YosysFlow.SynthesizeAsync(context.Tools, context.Directory, s.Top, setup.Schedule.RtlPaths, s.MemoryModules.ToHashSet(), setup.LibertyPath, setup.Library, cancellationToken);
        context.Log.Info($"yosys: {run.Stat.ChipArea:F1} um2, {run.CellCount} cells, {run.FlipFlops} flip-flops in {run.Duration.TotalSeconds:F1} s");
        if (run.Latches > 0) context.Log.Warn($"the netlist has {run.Latches} latch(es): some RTL signal is not assigned on every path");

        var metrics = new List<Metric>
        {
            new("logic_area_um2", run.Stat.ChipArea, "um2"),
            new("cell_count", run.CellCount),
            new("flip_flops", run.FlipFlops),
            new("latches", run.Latches),
            new("synth_runtime_s", run.Duration.TotalSeconds, "s"),
        };
        SynthTiming? timing = null;
        if (context.Options.Bool("timing", true) && context.Locator.Find("sta") is not null)
        {
            context.Log.Progress(0.8, "sta");
            var report = await YosysFlow.TimeAsync(context.Tools, context.Directory, setup.LibertyPath, run, s.Top, setup.ClockNs, setup.Tech.SupplyV, cancellationToken);
            if (report is null)
            {
                context.Log.Warn("OpenSTA found no constrained path (no register-to-register logic); the critical path is the analytical estimate");
                metrics.AddRange(AnalyticalTiming(setup));
            }
            else
            {
                context.Log.Info($"sta: slack {report.SlackNs:F3} ns at {setup.ClockNs} ns ({report.Startpoint} -> {report.Endpoint})");
                metrics.Add(new("critical_path_ns", report.CriticalPathNs, "ns"));
                metrics.Add(new("fmax_mhz", report.FmaxMhz, "MHz"));
                metrics.Add(new("wns_ns", report.WnsNs, "ns"));
                metrics.Add(new("slack_ns", report.SlackNs, "ns"));
                timing = new SynthTiming("opensta", Math.Round(report.SlackNs, 6), report.Startpoint, report.Endpoint);
            }
        }
        else
        {
            context.Log.Warn(context.Options.Bool("timing", true)
                ? "OpenSTA (`sta`) is not installed: the critical path is the analytical estimate"
                : "timing: false: the critical path is the analytical estimate");
            metrics.AddRange(AnalyticalTiming(setup));
        }
        metrics.AddRange(run.StandardCells.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new Metric("cells_" + kv.Key.ToLower(CultureInfo.InvariantCulture), kv.Value)));

        var report2 = new SynthReport(SynthReport.FormatName, Id, s.Top, setup.Tech.Name, setup.LibertyPath, setup.ClockNs,
            SynthReport.MetricMap(metrics), run.StandardCells, run.Blackboxes.Select(b => b.Name).ToList()) { Timing = timing ?? new SynthTiming("analytical", 0, "", "") };
        File.WriteAllText(context.PathOf(SynthReport.FileName), report2.ToJson());
        context.Log.Progress(1, "done");
        return new StageResult(metrics,
        [
            new("netlist", YosysScript.NetlistFile, "gate-level Verilog of the top on the tech's cells (memories as black-box instances)"),
            new("synth_report", SynthReport.FileName, "top, liberty, clock, metrics and cells by type"),
            setup.LibertyView(context),
        ]);
    }

    private static IEnumerable<Metric> AnalyticalTiming(SynthSetup setup)
    {
        var e = AnalyticalModel.Estimate(setup.Schedule.Record.Operators, CellCatalog.From(setup.Library), AnalyticalCalibration.For(setup.Tech.Name));
        return [new("critical_path_ns", e.CriticalPathNs, "ns"), new("fmax_mhz", e.FmaxMhz, "MHz")];
    }
}
