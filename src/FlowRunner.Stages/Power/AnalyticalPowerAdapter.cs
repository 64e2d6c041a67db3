using FlowRunner.Abstractions;

namespace FlowRunner.Stages.Power;

/// <summary>Adapter "analytical" of `power`: the documented model of <see cref="AnalyticalPowerModel"/> on the measured activity, no tool needed.</summary>
public sealed class AnalyticalPowerAdapter : PowerAdapter
{
    public override string Id => "analytical";
    public override int Priority => 10;
    public override IReadOnlyList<string> RequiredTools => [];

    public override Task<IReadOnlyList<ToolInfo>> ProbeAsync(IToolLocator locator, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ToolInfo>>([]);

    protected override Task<PowerEstimate> EstimateAsync(StageContext context, PowerViews views, PowerActivity activity, CancellationToken cancellationToken) =>
        Task.FromResult(new PowerEstimate(Estimate(context, views, activity), [], []));

    /// <summary>The analytical breakdown of the point. The RTL simulation measured the control registers (counters, FSM, addresses): their mean
    /// rate replaces the 0.1 assumption, unless the recipe sets control_activity.</summary>
    internal static PowerBreakdown Estimate(StageContext c, PowerViews views, PowerActivity activity)
    {
        var o = c.Options;
        var control = o.Double("control_activity", 0.1);
        var simulated = views.Simulated;
        var registers = views.Registers;
        if (!o.Has("control_activity") && simulated is not null && registers is null)
            c.Log.Warn($"activity.vcd is there but no register map (registers.json; hls.emit of an older run?): register roles are unknown, so the analytical model keeps control_activity {control}");
        else if (!o.Has("control_activity") && simulated?.MeanRate(net => ActivityAnnotation.RoleOf(net, registers) == "control") is { } measured)
        {
            control = measured;
            c.Log.Info($"activity.vcd ({simulated.Cycles:N0} cycles): control registers (by registers.json) toggle {measured:F4} a bit a cycle; the analytical model uses it for control_activity");
        }
        var assumptions = new PowerAssumptions(control, o.Double("clock_tree_overhead", 0.5));
        var synth = views.Synth;
        return AnalyticalPowerModel.Estimate(views.Schedule.Record, activity.Report, views.Memories, TechEnergy.From(views.Tech), views.ClockNs, assumptions,
            synth?.Metric("logic_area_um2"), synth?.Metric("flip_flops") is { } ff ? (long)ff : null);
    }
}
