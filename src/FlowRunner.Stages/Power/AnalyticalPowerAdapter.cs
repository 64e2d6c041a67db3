using FlowRunner.Abstractions;
using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Stages.Power;

/// <summary>Adapter "analytical" of `power`: the documented model of <see cref="AnalyticalPowerModel"/>, no tool needed.</summary>
public sealed class AnalyticalPowerAdapter : IToolAdapter
{
    public string StageKind => PowerStage.KindName;
    public string Id => "analytical";
    public int Priority => 10;
    public IReadOnlyList<string> RequiredTools => [];

    public Task<IReadOnlyList<ToolInfo>> ProbeAsync(IToolLocator locator, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ToolInfo>>([]);

    public async Task<StageResult> RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        var inputs = await Gather(context, cancellationToken);
        return await Finish(context, inputs, cancellationToken);
    }

    /// <summary>Writes activity.json and power.json of the analytical estimate and returns its metrics.</summary>
    internal static async Task<StageResult> Finish(StageContext context, PowerInputs inputs, CancellationToken cancellationToken)
    {
        var p = inputs.Analytical;
        await File.WriteAllTextAsync(context.PathOf(PowerMetrics.ActivityFile), inputs.Activity.ToJson(), cancellationToken);
        await File.WriteAllTextAsync(context.PathOf(PowerMetrics.PowerFile), p.ToJson(), cancellationToken);
        Log(context, p);
        return new StageResult(PowerMetrics.From(p, inputs), PowerMetrics.Artifacts());
    }

    /// <summary>Runs <see cref="PowerInputs.GatherAsync"/>, turning model errors into stage errors.</summary>
    internal static async Task<PowerInputs> Gather(StageContext context, CancellationToken ct)
    {
        try { return await PowerInputs.GatherAsync(context, ct); }
        catch (Exception e) when (e is ModelFormatException or FixedFormatException)
        {
            throw new StageFailedException($"stage '{context.StageId}': {e.Message}");
        }
    }

    internal static void Log(StageContext context, PowerBreakdown p)
    {
        var s = p.Software!;
        context.Log.Info($"{p.Tech} at {p.ClockNs:G4} ns: {p.Cycles:N0} cycles = {p.LatencyUs:G4} us; {p.EnergyPj / 1e6:G4} uJ an inference = {p.PowerMw:G4} mW "
            + $"(logic {p.LogicPj / 1e6:G3} uJ, memory {p.MemoryPj / 1e6:G3}, clock {p.ClockPj / 1e6:G3}, leakage {p.LeakagePj / 1e6:G3}); area {p.AreaUm2:N0} um2");
        context.Log.Info($"software on {s.Core}: {s.LatencyUs / 1000:G4} ms, {s.PowerMw:G3} mW, {s.EnergyUj:G4} uJ; hardware {s.LatencyUs / p.LatencyUs:G3}x faster, "
            + $"{s.EnergyUj * 1e6 / p.EnergyPj:G3}x less energy");
    }
}
