using FlowRunner.Hls;
using FlowRunner.Hls.Architecture;
using FlowRunner.Hls.Schedule;
using FlowRunner.Models.Activity;
using FlowRunner.Models.Inference;
using FlowRunner.Stages.Memory;
using FlowRunner.Stages.Power;
using FlowRunner.Stages.Synthesis;
using FlowRunner.Tech;
using FlowRunner.Tech.Liberty;
using FlowRunner.Tech.Memories;

namespace FlowRunner.Stages.QuantSearch;

/// <summary>What quant.search minimizes: energy per inference (uJ), area (logic and memories, um2) or latency (us); the bits of the weights
/// and activations when the hardware generator cannot build the network.</summary>
public enum SearchObjective { Energy, Area, Latency, Bits }

/// <summary>The analytical PPA of one design, as the main job's analytical stages compute it, in one call: hls.emit's plan and schedule,
/// synth's analytical model (area, critical path), memory.generate's compiler (area, energy per access), power's analytical model on the
/// activity of a few images, clocked at fmax (the main job's use_fmax). Only the floor plan is left out (area is logic plus memories, as the
/// power stage reports it).</summary>
public sealed class SearchPpa(TechDescription tech, LibertyLibrary library, SplitOptions memorySplit, int busBits, IReadOnlyList<float[]> activityImages,
    int threads)
{
    private readonly CellCatalog _cells = CellCatalog.From(library);
    private readonly AnalyticalCalibration _calibration = AnalyticalCalibration.For(tech.Name);
    private readonly TechEnergy _energy = TechEnergy.From(tech);
    private readonly MemoryCompiler _compiler = new(tech);

    /// <summary>The PPA of the network at <paramref name="lanes"/> (0: as many as fit the bus); null, with why in <paramref name="problem"/>,
    /// when the formats and lanes do not fit the bus or the hardware generator or memory compiler refuses them.</summary>
    public PowerBreakdown? Estimate(BitAccurateNetwork net, int lanes, out string? problem)
    {
        problem = null;
        Accelerator a;
        try { a = Accelerator.Plan(net, new Directives(busBits, lanes)); }
        catch (HlsException e) { problem = e.Message; return null; }
        var schedule = ScheduleReport.Of(a, []);
        var synth = AnalyticalModel.Estimate(schedule.Operators, _cells, _calibration);
        List<MemoryPlan> plans;
        try { plans = AcceleratorMemories.Of(a).Select(m => _compiler.Plan(m.Memory, memorySplit)).ToList(); }
        catch (MemoryCompileException e) { problem = e.Message; return null; }
        var memories = MemoryManifest.From(plans, null);
        var accBits = schedule.Layers.Where(l => l.AccumBits > 0).ToDictionary(l => l.Name, l => l.AccumBits);
        var activity = ActivityRecorder.Record(net, activityImages, new Models.Activity.MacArray(schedule.Lanes, schedule.MultipliersPerLane, accBits), threads);
        activity = activity with { Memories = memories.Logical.Select(m => new MemoryActivity(m.Name, m.Width, m.ReadsPerInference, m.WritesPerInference)).ToList() };
        var clock = synth.CriticalPathNs > 0 ? synth.CriticalPathNs : tech.ClockNs;
        return AnalyticalPowerModel.Estimate(schedule, activity, memories, _energy, clock, new PowerAssumptions(), synth.LogicAreaUm2, synth.FlipFlops);
    }

    /// <summary>Why the hardware generator refuses the network on one lane, or null when it builds it.</summary>
    public string? Refuses(BitAccurateNetwork net)
    {
        try { Accelerator.Plan(net, new Directives(busBits, 1)); return null; }
        catch (HlsException e) { return e.Message; }
    }

    public static double Value(PowerBreakdown p, SearchObjective objective) => objective switch
    {
        SearchObjective.Energy => p.EnergyPj * 1e-6,
        SearchObjective.Area => p.AreaUm2,
        _ => p.LatencyUs,
    };
}
