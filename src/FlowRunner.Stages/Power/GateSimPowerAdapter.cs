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
public sealed class GateSimPowerAdapter : PowerAdapter
{
    public override string Id => "gatesim";

    /// <summary>Below opensta: `tool: auto` never picks it, since it needs a sim.gate stage upstream; recipes name it.</summary>
    public override int Priority => 5;
    public override IReadOnlyList<string> RequiredTools => [];

    public override Task<IReadOnlyList<ToolInfo>> ProbeAsync(IToolLocator locator, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ToolInfo>>([]);

    /// <remarks>gate_activity, the netlist, its Liberty and the floor plan's utilization are read here: the gathered views do not carry them.</remarks>
    protected override async Task<PowerEstimate> EstimateAsync(StageContext context, PowerViews inputs, PowerActivity measured, CancellationToken cancellationToken)
    {
        StageFailedException Fail(string what) => new($"stage '{context.StageId}' (power, gatesim): {what}");
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

        var analytical = AnalyticalPowerAdapter.Estimate(context, inputs, measured);
        var ns = analytical.Cycles * analytical.ClockNs; // one inference; mW x ns = pJ
        var breakdown = analytical with
        {
            Adapter = "gatesim",
            // The logic is every net and cell but the clock net, its buffer trees and the clock pins, which are the clock.
            LogicPj = (g.SwitchingMw + g.InternalMw - g.ClockMw) * ns,
            ClockPj = g.ClockMw * ns,
            MemoryPj = g.MemoryMw * ns,
            LeakageMw = g.LeakageMw + g.MemoryLeakageMw,
            Analytical = null,
            GateSim = g,
            Assumptions = [.. analytical.Assumptions, $"gatesim: {activity.Images} image(s) simulated at gate level; wire {pitches} cell pitches of {pitchUm:G3} um a sink at {inputs.Tech.Wire.CapacitanceFfPerUm} fF/um"],
        };
        context.Log.Info($"analytical model on the same point: {analytical.PowerMw:G4} mW, {analytical.PowerMw / g.TotalMw:G3} x gatesim");
        List<Metric> metrics =
        [
            new("gatesim_power_mw", g.TotalMw, "mW"),
            new("gatesim_switching_mw", g.SwitchingMw, "mW"),
            new("gatesim_internal_mw", g.InternalMw, "mW"),
            new("gatesim_leakage_mw", g.LeakageMw + g.MemoryLeakageMw, "mW"),
            new("gatesim_memory_mw", g.MemoryMw, "mW"),
            new("gatesim_clock_mw", g.ClockMw, "mW"),
            new("gatesim_wire_capacitance_pf", g.WireCapacitancePf, "pF"),
            new("analytical_power_mw", analytical.PowerMw, "mW"),
            new("power_ratio_analytical_to_gatesim", analytical.PowerMw / g.TotalMw),
        ];
        return new PowerEstimate(breakdown, metrics, []);
    }
}
