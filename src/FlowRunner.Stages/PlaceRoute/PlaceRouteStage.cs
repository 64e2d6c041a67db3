using FlowRunner.Abstractions;

namespace FlowRunner.Stages.PlaceRoute;

/// <summary>Stage `place.route`: places the synthesized netlist in the floor plan's cell region and routes it with real tools; post-route timing and power from the extracted parasitics.</summary>
/// <remarks>
/// Reads (<see cref="PlaceRouteInputs"/>): synth's `netlist` and `synth_report` (top, Liberty, clock), hls.emit's schedule (the memory modules'
/// ports), floorplan's `floorplan` (cell region, die, utilization, macros) and the tech's LEF.
/// Writes: routed.def ("routed_def"), routed.spef ("spef"), routed.sdf ("sdf", rc2dly as qflow does), routed.rc ("rc", qrouter -d),
/// routed.v ("routed_netlist", the placed netlist as blif2Verilog writes it), layout.png ("layout", KLayout), place_route.json ("place_route").
/// Reports: placement_s, routing_s, core_width_um, core_height_um, core_area_um2, cell_rows, placed_cells, utilization, wirelength_um, vias,
/// routed_nets, failed_routes_first_pass, failed_routes (left unrouted), pre_route_critical_path_ns / pre_route_fmax_mhz / pre_route_power_mw
/// (the block's netlist with no wires), post_route_critical_path_ns / post_route_fmax_mhz / post_route_power_mw (with the SPEF), and
/// synth_critical_path_ns (the synth stage's figure for the whole design).
/// </remarks>
public sealed class PlaceRouteStage : IStage
{
    public const string KindName = "place.route";

    public string Kind => KindName;

    public string Description => "place (graywolf) and route (qrouter) the netlist in the floor plan's cell region; routed DEF, wire length, parasitics (SPEF, SDF), post-route timing and power (OpenSTA), KLayout picture";

    public IReadOnlyList<StageOption> Options { get; } =
    [
        new("density", OptionType.Double, 0.0, "target cell density of the placement (decongest fill); 0 takes the floor plan's utilization"),
        new("route_attempts", OptionType.Int, 2, "placements tried when routing leaves nets unrouted: each retry lowers the density by `density_step`"),
        new("density_step", OptionType.Double, 0.15, "how much each retry lowers the density"),
        new("route_layers", OptionType.Int, 0, "metal layers qrouter may use; 0: every routing layer of the tech LEF"),
        new("stripe_width_um", OptionType.Double, 2.0, "power stripe width (qflow addspacers -stripe; osu018.sh's default)", "um"),
        new("stripe_pitch_um", OptionType.Double, 50.0, "power stripe pitch", "um"),
        new("fill_cell", OptionType.String, "FILL", "the tech's spacer cell (qflow tech script's fillcell)"),
        new("activity", OptionType.Double, 0.1, "input-port activity for the pre- and post-route power (OpenSTA set_power_activity -input), the same on both so they differ by the wires only"),
        new("clock_port", OptionType.String, "clk", "clock port of the top"),
        new("picture", OptionType.Bool, true, "render layout.png with KLayout in batch mode when `klayout` is installed"),
        new("seed", OptionType.Int, null, "graywolf's random seed; the recipe's seed when not given"),
    ];

    public IReadOnlyList<string> Consumes => [Synthesis.SynthStage.KindName, Floorplan.FloorplanStage.KindName];

    public IReadOnlyList<string> Produces => ["routed_def", "spef", "sdf", "rc", "routed_netlist", "layout", "place_route"];
}
