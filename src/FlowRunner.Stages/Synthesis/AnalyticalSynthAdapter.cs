using FlowRunner.Abstractions;

namespace FlowRunner.Stages.Synthesis;

/// <summary>Adapter "analytical" of `synth`: logic area, flip-flops and critical path from the schedule's operator inventory and the tech's cells, no tool.</summary>
public sealed class AnalyticalSynthAdapter : IToolAdapter
{
    public string StageKind => SynthStage.KindName;
    public string Id => "analytical";
    public int Priority => 10;
    public IReadOnlyList<string> RequiredTools => [];

    public Task<IReadOnlyList<ToolInfo>> ProbeAsync(IToolLocator locator, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ToolInfo>>([]);

    public Task<StageResult> RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        var setup = SynthSetup.From(context);
        var s = setup.Schedule.Record;
        if (s.Operators.Count == 0) throw new StageFailedException($"{setup.Schedule.File}: operators: the schedule lists no operators; the analytical model has nothing to count");
        CellCatalog cells;
        try
        {
            cells = CellCatalog.From(setup.Library);
        }
        catch (InvalidOperationException ex)
        {
            throw new StageFailedException(ex.Message, ex);
        }
        var calibration = AnalyticalCalibration.For(setup.Tech.Name);
        var e = AnalyticalModel.Estimate(s.Operators, cells, calibration);
        context.Log.Info($"analytical: {e.LogicAreaUm2:F1} um2 ({e.ControlAreaUm2:F1} of it control), {e.FlipFlops} flip-flops, critical path {e.CriticalPathNs:F3} ns; cells {string.Join(", ", cells.CellNames.Select(kv => $"{kv.Key}={kv.Value}"))}");

        var metrics = new List<Metric>
        {
            new("logic_area_um2", e.LogicAreaUm2, "um2"),
            new("flip_flops", e.FlipFlops),
            new("critical_path_ns", e.CriticalPathNs, "ns"),
            new("fmax_mhz", e.FmaxMhz, "MHz"),
        };
        var report = new SynthReport(SynthReport.FormatName, Id, s.Top, setup.Tech.Name, setup.LibertyPath, setup.ClockNs,
            SynthReport.MetricMap(metrics), new Dictionary<string, int>(), s.MemoryModules)
        {
            Operators = e.Operators.Select(o => new SynthOperatorEntry(o.Operator.ToString(), Math.Round(o.AreaUm2, 3), o.FlipFlops, Math.Round(o.DelayNs, 4))).ToList(),
        };
        File.WriteAllText(context.PathOf(SynthReport.FileName), report.ToJson());
        return Task.FromResult(new StageResult(metrics,
            [new Artifact("synth_report", SynthReport.FileName, "top, liberty, clock, metrics and per-operator estimates"), setup.LibertyView(context)]));
    }
}
