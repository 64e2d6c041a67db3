using FlowRunner.Abstractions;

namespace FlowRunner.Stages.Power;

/// <summary>The metrics and artifacts every power adapter reports, from its <see cref="PowerBreakdown"/> and the activity run (the clock's only when
/// the estimator separates it).</summary>
public static class PowerMetrics
{
    public const string ActivityFile = "activity.json";
    public const string PowerFile = "power.json";

    public static List<Metric> From(PowerBreakdown p, PowerActivity activity)
    {
        var ns = p.Cycles * p.ClockNs;
        var s = p.Software!;
        var energyUj = p.EnergyPj * 1e-6;
        var metrics = new List<Metric>
        {
            new("power_mw", p.PowerMw, "mW"),
            new("energy_per_inference_uj", energyUj, "uJ"),
            new("leakage_mw", p.LeakageMw, "mW"),
            new("logic_energy_uj", p.LogicPj * 1e-6, "uJ"),
            new("memory_energy_uj", p.MemoryPj * 1e-6, "uJ"),
            new("clock_energy_uj", (p.ClockPj ?? 0) * 1e-6, "uJ"),
            new("leakage_energy_uj", p.LeakagePj * 1e-6, "uJ"),
            new("logic_power_mw", p.LogicPj / ns, "mW"),
            new("memory_power_mw", p.MemoryPj / ns, "mW"),
            new("clock_power_mw", (p.ClockPj ?? 0) / ns, "mW"),
            new("latency_us", p.LatencyUs, "us"),
            new("clock_ns", p.ClockNs, "ns"),
            new("cycles_per_inference", p.Cycles),
            new("area_um2", p.AreaUm2, "um2"),
            new("logic_area_um2", p.LogicAreaUm2, "um2"),
            new("memory_area_um2", p.MemoryAreaUm2, "um2"),
            new("flip_flops", p.FlipFlops),
            new("activity_images", activity.Report.Images),
            new("activity_time_s", activity.Seconds, "s"),
            new("operand_toggle_rate", Mean(activity, l => (l.OperandA.TogglesPerInference + l.OperandB.TogglesPerInference) / Math.Max(1.0, l.Steps * l.OperandA.Units * (double)(l.OperandA.Bits + l.OperandB.Bits)))),
            new("accumulator_toggle_rate", Mean(activity, l => l.Accumulator.ToggleRate)),
            new("software_latency_us", s.LatencyUs, "us"),
            new("software_power_mw", s.PowerMw, "mW"),
            new("software_energy_per_inference_uj", s.EnergyUj, "uJ"),
            new("software_area_um2", s.AreaUm2, "um2"),
            new("speedup_vs_software", s.LatencyUs / p.LatencyUs),
            new("energy_ratio_vs_software", s.EnergyUj / energyUj),
        };
        if (p.ClockPj is null) metrics.RemoveAll(m => m.Name is "clock_energy_uj" or "clock_power_mw");
        if (p.DieAreaUm2 is { } die) metrics.Add(new("die_area_um2", die, "um2"));
        return metrics;
    }

    /// <summary>Mean over layers weighted by their active cycles.</summary>
    private static double Mean(PowerActivity activity, Func<Models.Activity.LayerActivity, double> rate)
    {
        var layers = activity.Report.Layers;
        var steps = layers.Sum(l => (double)l.Steps);
        return steps == 0 ? 0 : layers.Sum(l => rate(l) * l.Steps) / steps;
    }

    public static IReadOnlyList<Artifact> Artifacts(IReadOnlyList<Artifact> extra) =>
    [
        new("activity", ActivityFile, "toggle rates of the MAC array per layer (operands, adder tree, accumulators) and memory traffic per inference"),
        new("power", PowerFile, "energy per inference by part, power, latency, area, and the software baseline"),
        .. extra,
    ];
}
