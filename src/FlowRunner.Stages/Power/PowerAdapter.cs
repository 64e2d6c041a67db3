using FlowRunner.Abstractions;
using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Stages.Power;

/// <summary>What an estimator gives the power stage: the breakdown (power.json, without the software baseline, which the stage adds) and the
/// metrics and artifacts of its own beyond the ones every adapter reports (<see cref="PowerMetrics.From"/>).</summary>
public sealed record PowerEstimate(PowerBreakdown Breakdown, IReadOnlyList<Metric> Metrics, IReadOnlyList<Artifact> Artifacts);

/// <summary>An adapter of `power`: the stage's three steps with the estimator in the middle. Gathering reads the views (<see cref="PowerViews"/>),
/// activity runs the bit-accurate model (<see cref="PowerActivity"/>), the adapter estimates (<see cref="EstimateAsync"/>); then the stage
/// prices the same network in software once (<see cref="SoftwareBaseline"/>), writes activity.json and power.json and reports the metrics
/// every adapter shares. A new estimator implements only <see cref="EstimateAsync"/> (and its tools).</summary>
public abstract class PowerAdapter : IToolAdapter
{
    public string StageKind => PowerStage.KindName;
    public abstract string Id { get; }
    public abstract int Priority { get; }
    public abstract IReadOnlyList<string> RequiredTools { get; }
    public virtual IReadOnlyList<string> OptionalTools => [];

    public abstract Task<IReadOnlyList<ToolInfo>> ProbeAsync(IToolLocator locator, CancellationToken cancellationToken);

    /// <summary>The estimate of the point from the gathered views and the measured activity.</summary>
    protected abstract Task<PowerEstimate> EstimateAsync(StageContext context, PowerViews views, PowerActivity activity, CancellationToken cancellationToken);

    public async Task<StageResult> RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        PowerViews views;
        PowerActivity activity;
        try
        {
            views = PowerViews.Gather(context);
            activity = await PowerActivity.MeasureAsync(context, views, cancellationToken);
        }
        catch (Exception e) when (e is ModelFormatException or FixedFormatException)
        {
            throw new StageFailedException($"stage '{context.StageId}': {e.Message}");
        }
        var estimate = await EstimateAsync(context, views, activity, cancellationToken);
        var software = SoftwareBaseline.Estimate(views.Model.Net.Spec, SoftwareCore.Load(PowerViews.SoftwareFile(context)));
        var p = estimate.Breakdown with { DieAreaUm2 = views.DieAreaUm2, Software = software };
        await File.WriteAllTextAsync(context.PathOf(PowerMetrics.ActivityFile), activity.Report.ToJson(), cancellationToken);
        await File.WriteAllTextAsync(context.PathOf(PowerMetrics.PowerFile), p.ToJson(), cancellationToken);
        Log(context, p);
        return new StageResult([.. PowerMetrics.From(p, activity), .. estimate.Metrics], PowerMetrics.Artifacts([.. estimate.Artifacts]));
    }

    private static void Log(StageContext context, PowerBreakdown p)
    {
        var s = p.Software!;
        context.Log.Info($"{p.Adapter} on {p.Tech} at {p.ClockNs:G4} ns: {p.Cycles:N0} cycles = {p.LatencyUs:G4} us; {p.EnergyPj / 1e6:G4} uJ an inference = {p.PowerMw:G4} mW "
            + $"(logic {p.LogicPj / 1e6:G3} uJ, memory {p.MemoryPj / 1e6:G3}, clock {(p.ClockPj is { } clock ? (clock / 1e6).ToString("G3") : "in the logic")}, "
            + $"leakage {p.LeakagePj / 1e6:G3}); area {p.AreaUm2:N0} um2");
        context.Log.Info($"software on {s.Core}: {s.LatencyUs / 1000:G4} ms, {s.PowerMw:G3} mW, {s.EnergyUj:G4} uJ; hardware {s.LatencyUs / p.LatencyUs:G3}x faster, "
            + $"{s.EnergyUj * 1e6 / p.EnergyPj:G3}x less energy");
    }
}
