using FlowRunner.Abstractions;
using FlowRunner.Stages.GateSim;
using FlowRunner.Tech.Liberty;
using FlowRunner.Tech.Netlist;

namespace FlowRunner.Stages.Power;

/// <summary>Adapter "gatesim" of `power`: <see cref="GateLevelPower"/> on sim.gate's per-net toggle counts of the synthesized netlist and the
/// Liberty it was mapped to, in-process. Reports the gate-level total as power_mw, the analytical model's beside it and their ratio
/// (power_ratio_analytical_to_gatesim).</summary>
/// <remarks>Wire capacitance before routing: the tech's capacitance per um times an estimated length of
/// <c>wire_pitches_per_sink</c> cell pitches per sink, a cell pitch being sqrt(mean cell area / utilization); Debian's osu018 Liberty and
/// generic45's generated one carry no wire-load tables to take it from.</remarks>
public sealed class GateSimPowerAdapter : IToolAdapter
{
    public string StageKind => PowerStage.KindName;
    public string Id => "gatesim";

    /// <summary>Below opensta: `tool: auto` never picks it, since it needs a sim.gate stage upstream; recipes name it.</summary>
    public int Priority => 5;
    public IReadOnlyList<string> RequiredTools => [];

    public Task<IReadOnlyList<ToolInfo>> ProbeAsync(IToolLocator locator, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ToolInfo>>([]);

    public async Task<StageResult> RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        StageFailedException Fail(string what) => new($"stage '{context.StageId}' (power, gatesim): {what}");
        var inputs = await AnalyticalPowerAdapter.Gather(context, cancellationToken);
        var activityStage = context.FindView(Views.GateActivity) ?? throw Fail("no sim.gate stage upstream wrote gate_activity: add one to `needs:`");
        var activity = GateActivity.Read(activityStage.ArtifactPath(Views.GateActivity.Name));
        if (activity.Netlist != "synth") throw Fail($"gate_activity is of the {activity.Netlist} netlist; this adapter prices the synthesized one (set sim.gate `routed: false`)");
        var netlistFile = context.FindView(Views.Netlist)?.ArtifactPath(Views.Netlist.Name) ?? throw Fail("no synth stage upstream wrote a netlist");
        var libertyFile = context.FindView(Views.Liberty)?.ArtifactPath(Views.Liberty.Name) ?? throw Fail("no synth stage upstream wrote its liberty view");
        GateNetlist netlist;
        LibertyLibrary library;
        try
        {
            netlist = GateNetlistReader.ReadFile(netlistFile);
            library = LibertyReader.ReadFile(libertyFile);
        }
        catch (Exception e) when (e is FormatException or LibertyFormatException) { throw new StageFailedException(e.Message, e); }

        var cells = netlist.Cells.Select(i => library.Cell(i.Cell)).OfType<LibertyCell>().ToList();
        // The cells' packing: the floor plan's cell-region utilization, else the floorplan stage's default.
        var utilization = context.FindView(Views.Floorplan) is { } fp
            ? Records.RecordFile.Read(fp.ArtifactPath(Views.Floorplan.Name), Records.ViewJson.Records.FloorplanJson, "format", Floorplan.FloorplanJson.FormatName).CellRegion.Utilization
            : 0.7;
        var pitchUm = cells.Count == 0 ? 0 : Math.Sqrt(cells.Average(c => c.Area) / utilization);
        var pitches = context.Options.Double("wire_pitches_per_sink", 2.5);
        var pfPerUm = inputs.Tech.Wire.CapacitanceFfPerUm * 1e-3;
        double WirePf(NetBit net, int sinks) => pfPerUm * pitches * pitchUm * sinks;

        var macros = new Dictionary<string, MacroEnergy>(StringComparer.Ordinal);
        foreach (var l in inputs.Memories?.Logical ?? []) macros[l.Module] = new MacroEnergy(l.ReadEnergyPj, l.WriteEnergyPj, l.LeakageUw);
        // The simulated clock is the bench's 10 ns; power is charged at the point's clock: toggles per cycle do not depend on the period.
        var scaled = activity with { ClockNs = inputs.ClockNs };
        GatePower g;
        try { g = GateLevelPower.Compute(netlist, scaled, library, inputs.Tech.SupplyV, WirePf, macros); }
        catch (FormatException e) { throw new StageFailedException(e.Message, e); }
        if (g.UnmatchedNets > 0) context.Log.Warn($"{activity.NetlistFile}: {g.UnmatchedNets} net(s) of {netlistFile} have no toggle count; they are charged nothing");
        context.Log.Info($"gatesim over {activity.Images} image(s), {activity.Cycles:N0} cycles at {inputs.ClockNs:G4} ns: {g.TotalMw:G4} mW = switching {g.SwitchingMw:G3} + internal {g.InternalMw:G3} "
            + $"+ leakage {g.LeakageMw:G3} + memories {g.MemoryMw:G3} (+ {g.MemoryLeakageMw:G3} leakage); clock {g.ClockMw:G3} of it; {g.Nets:N0} nets, "
            + $"{g.PinCapacitancePf:G4} pF of pins and {g.WireCapacitancePf:G4} pF of estimated wire ({pitches} pitches of {pitchUm:G3} um a sink)");

        var analytical = inputs.Analytical;
        var breakdown = analytical with { Adapter = "gatesim", GateSim = g };
        await File.WriteAllTextAsync(context.PathOf(PowerMetrics.ActivityFile), inputs.Activity.ToJson(), cancellationToken);
        await File.WriteAllTextAsync(context.PathOf(PowerMetrics.PowerFile), breakdown.ToJson(), cancellationToken);
        AnalyticalPowerAdapter.Log(context, analytical);
        var latencyNs = analytical.Cycles * analytical.ClockNs;
        var energyUj = g.TotalMw * latencyNs * 1e-6;
        var metrics = PowerMetrics.From(analytical, inputs).Where(m => m.Name is not ("power_mw" or "energy_per_inference_uj" or "energy_ratio_vs_software")).ToList();
        metrics.AddRange(
        [
            new("power_mw", g.TotalMw, "mW"),
            new("energy_per_inference_uj", energyUj, "uJ"),
            new("energy_ratio_vs_software", inputs.Software.EnergyUj / energyUj),
            new("gatesim_power_mw", g.TotalMw, "mW"),
            new("gatesim_switching_mw", g.SwitchingMw, "mW"),
            new("gatesim_internal_mw", g.InternalMw, "mW"),
            new("gatesim_leakage_mw", g.LeakageMw + g.MemoryLeakageMw, "mW"),
            new("gatesim_memory_mw", g.MemoryMw, "mW"),
            new("gatesim_clock_mw", g.ClockMw, "mW"),
            new("gatesim_wire_capacitance_pf", g.WireCapacitancePf, "pF"),
            new("analytical_power_mw", analytical.PowerMw, "mW"),
            new("analytical_energy_per_inference_uj", analytical.EnergyPj * 1e-6, "uJ"),
            new("power_ratio_analytical_to_gatesim", analytical.PowerMw / g.TotalMw),
        ]);
        return new StageResult(metrics, PowerMetrics.Artifacts());
    }
}
