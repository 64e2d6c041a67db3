using FlowRunner.Abstractions;
using FlowRunner.Tech;

namespace FlowRunner.Stages.PlaceRoute;

/// <summary>Stage `place.route`: places the synthesized netlist in the floor plan's cell region and routes it with real tools; post-route timing and power from the extracted parasitics.</summary>
/// <remarks>Inputs are read by <see cref="PlaceRouteInputs"/>; the pre-route figures are the block's netlist with no wires, the post-route ones the
/// same netlist with the SPEF, so the two differ by the wires only.</remarks>
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
        new("fill_cell", OptionType.String, "FILL", "the tech's spacer cell (qflow tech script's fillcell)") { PlainName = true },
        new("buffer_cell", OptionType.String, "BUFX2", "buffer blifFanout inserts on high-fanout nets and qflow puts on the outputs (the tech script's bufcell)") { PlainName = true },
        new("clock_buffer_cell", OptionType.String, "CLKBUF1", "buffer blifFanout inserts on the clock (the tech script's clkbufcell)") { PlainName = true },
        new("fanout_latency_ps", OptionType.Double, 100.0, "blifFanout -l: the largest latency a buffered net may add (osu018.sh's fanout_options)", "ps"),
        new("fanout_max_load_ff", OptionType.Double, 20.0, "blifFanout -c: the largest load a gate drives before it is buffered or upsized", "fF"),
        new("activity", OptionType.Double, 0.1, "input-port activity for the pre- and post-route power (OpenSTA set_power_activity -input), the same on both so they differ by the wires only"),
        new("clock_port", OptionType.String, "clk", "clock port of the top") { PlainName = true },
        new("picture", OptionType.Bool, true, "render layout.png with KLayout in batch mode when `klayout` is installed"),
        new("seed", OptionType.Int, null, "graywolf's random seed; the recipe's seed when not given"),
    ];

    /// <summary>qrouter's own RC file (`-d`), kept beside the SPEF made from it.</summary>
    public static readonly View RcTrees = new("rc", "routed.rc: qrouter's RC trees (-d), read with RcFile");

    /// <summary>The KLayout picture for the run report.</summary>
    public static readonly View Layout = new("layout", "layout.png: the floor plan's macros with the routed block at the cell region (KLayout)");

    private const string BlackBoxes = "the memory modules' ports, when the netlist has black boxes";

    public IReadOnlyList<ViewUse> Reads =>
    [
        Views.Netlist.Optional("synth writes it only with the yosys adapter; place.route refuses to run without it"), Views.Synthesis, Views.Liberty.Optional("the Liberty the netlist was mapped to, else synth.json's"), Views.Floorplan,
        Views.FloorplanDef.Optional("the picture's die and macros"), Views.Schedule.Optional(BlackBoxes), Views.Rtl.Optional(BlackBoxes),
    ];

    public IReadOnlyList<ViewUse> Writes =>
    [
        Views.RoutedDef, Views.Parasitics, Views.InterconnectDelays.Optional("rc2dly converted the RC file"), RcTrees, Views.RoutedNetlist,
        Layout.Optional("`picture` and klayout installed"), Views.PlaceRoute,
    ];

    /// <summary>A tech without a cell LEF (generic45) is refused by `validate`; a missing installation is found when the stage runs.</summary>
    public string? TechProblem(string techFile)
    {
        try { return PlaceRouteInputs.Unsupported(TechLoader.LoadFile(techFile)); }
        catch (Exception e) when (e is TechFormatException or FileNotFoundException or YamlDotNet.Core.YamlException) { return null; }
    }

    private const string Constrained = "OpenSTA found a constrained path";

    public IReadOnlyList<MetricSpec> Reports { get; } =
    [
        new("placement_s", "s", "graywolf and the DEF scripts, every attempt"), new("routing_s", "s", "qrouter, every attempt"),
        new("core_width_um", "um"), new("core_height_um", "um"), new("core_area_um2", "um2"), new("cell_rows", ""), new("placed_cells", "", "fill excluded"),
        new("utilization", "", "cell area (LEF sizes, fill excluded) / core area"), new("wirelength_um", "um", "routed wire, every layer"), new("vias", ""),
        new("routed_nets", ""), new("failed_routes_first_pass", ""), new("failed_routes", "", "nets left unrouted"),
        new("wire_capacitance_pf", "pF", "sum of the RC trees' wire capacitance"), new("rc_unresolved_pins", "", "RC sinks qrouter named ERROR"),
        new MetricSpec("pre_route_critical_path_ns", "ns").Optional(Constrained), new MetricSpec("pre_route_fmax_mhz", "MHz").Optional(Constrained),
        new("pre_route_power_mw", "mW", "OpenSTA, no wires, input activity `activity`"),
        new MetricSpec("post_route_critical_path_ns", "ns").Optional(Constrained), new MetricSpec("post_route_fmax_mhz", "MHz").Optional(Constrained),
        new("post_route_power_mw", "mW", "OpenSTA with the SPEF, same activity"),
        new MetricSpec("synth_critical_path_ns", "ns").Optional("the synth stage reports critical_path_ns"),
    ];
}
