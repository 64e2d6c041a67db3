using FlowRunner.Abstractions;

namespace FlowRunner.Stages.Power;

/// <summary>Stage `power`: latency, power, energy per inference and area of a design point from the activity the bit-accurate model measures,
/// and the same network in software on the host processor for comparison.</summary>
/// <remarks>
/// Three steps (<see cref="PowerAdapter"/>): gathering reads the views (<see cref="PowerViews"/>: hls.emit's schedule, memory.generate's
/// memory.json, the model (model.train, model.load or model.import) and its test images (or, for a model imported without a dataset, hls.emit's
/// vectors.txt, "vectors"), optionally synth's figures, netlist and liberty, the floor plan's die area, hls.emit's
/// activity.vcd); activity runs the bit-accurate model on the MAC array (<see cref="PowerActivity"/>); the adapter estimates (analytical:
/// <see cref="AnalyticalPowerModel"/>; opensta: OpenSTA's report_power). The stage then prices the network in software once
/// (<see cref="SoftwareBaseline"/>) whatever the adapter.
/// Writes: activity.json ("activity", see FlowRunner.Models.Activity.ActivityReport), power.json ("power", see <see cref="PowerBreakdown"/>),
/// and for the opensta adapter power.tcl, sta.log and the memories' Liberty cells.
/// </remarks>
public sealed class PowerStage : IStage
{
    public const string KindName = "power";

    public string Kind => KindName;

    public string Description => "power and energy per inference from measured switching activity, latency and area, against the same network in software";

    public IReadOnlyList<StageOption> Options { get; } =
    [
        new("clock", OptionType.String, "host", $"clock domain latency, power and leakage energy are counted in ({ClockChoice.Syntax}): host, the software core's clock "
            + "(the accelerator on the host microcontroller's bus, as the reference story counts it); fmax, synth's fmax_mhz; tech, the tech's clock_ns; "
            + "or a frequency. With a synth fmax upstream, fmax_latency_us and fmax_speedup_vs_software give the figure at fmax beside it")
        { Form = ClockChoice.Problem },
        new("images", OptionType.Int, 1000, "test images the bit-accurate model runs to measure activity (more than the test set adds training images)", "images"),
        new("seed", OptionType.Int, null, "seed of the choice of images when fewer than all are run (default: the recipe's seed)"),
        new("format", OptionType.String, "", "format of the activity run; empty: the schedule's layer formats, else the model's QAT format, else 8.4 rnd sat"),
        new("control_activity", OptionType.Double, null, "default 0.1: toggles per bit per cycle of control registers, muxes and comparators outside the MAC datapath (analytical), and of the input ports (opensta); unset, the analytical model takes the control registers' mean rate from hls.emit's activity.vcd when it simulated the RTL"),
        new("clock_tree_overhead", OptionType.Double, 0.5, "clock-tree buffer energy as a share of the flip-flops' clock-pin energy"),
        new("software", OptionType.String, "", "software core description (YAML); empty: tech/software/rv32imf.yaml"),
        new("wire_pitches_per_sink", OptionType.Double, 2.5, "gatesim before routing: estimated wire length per sink of a net, in cell pitches (sqrt(mean cell area / utilization)); 2.5 matches qrouter's wire on the 1-lane osu018 block"),
    ];

    public IReadOnlyList<ViewUse> Reads =>
    [
        Views.Schedule, Views.Weights, Views.Dataset.Optional("the model stage names a dataset: activity on its images"),
        Hls.HlsEmitStage.Vectors.Optional("a model without a dataset: activity on hls.emit's vectors"),
        Views.Memories.Optional("memory energy, leakage and area"),
        Views.Synthesis.Optional("logic area, flip-flops, fmax and the Liberty mapped to"),
        Views.Netlist.Optional("the opensta adapter"),
        Views.Liberty.Optional("the opensta adapter: the Liberty the netlist was mapped to"),
        Views.Floorplan.Optional("die area"),
        Views.RegisterActivity.Optional("measured register rates"),
        Views.GateActivity.Optional("the gatesim adapter: per-net toggle counts of sim.gate"),
        Views.Registers.Optional("register roles for the activity annotation and the control registers of activity.vcd (hls.emit before the register map: roles unknown)"),
    ];

    public IReadOnlyList<ViewUse> Writes => [Views.Activity, Views.Power];

    private const string OpenSta = "the opensta adapter with a netlist";
    private const string FmaxUpstream = "a synth stage upstream reporting fmax_mhz";
    private const string Clock = "an estimator that separates the clock (analytical; OpenSTA counts the clock pins in the logic)";
    private const string GateSim = "the gatesim adapter";

    public IReadOnlyList<MetricSpec> Reports { get; } =
    [
        new("power_mw", "mW"), new("energy_per_inference_uj", "uJ"), new("leakage_mw", "mW"), new("logic_energy_uj", "uJ"),
        new("memory_energy_uj", "uJ"), new MetricSpec("clock_energy_uj", "uJ").Optional(Clock), new("leakage_energy_uj", "uJ"), new("logic_power_mw", "mW"),
        new("memory_power_mw", "mW"), new MetricSpec("clock_power_mw", "mW").Optional(Clock), new("latency_us", "us"), new("clock_ns", "ns"), new("cycles_per_inference", ""),
        new("area_um2", "um2"), new("logic_area_um2", "um2"), new("memory_area_um2", "um2"), new("flip_flops", ""), new("activity_images", ""),
        new("activity_time_s", "s"), new("operand_toggle_rate", ""), new("accumulator_toggle_rate", ""), new("software_latency_us", "us"),
        new("software_power_mw", "mW"), new("software_energy_per_inference_uj", "uJ"), new("software_area_um2", "um2"), new("software_clock_mhz", "MHz"),
        new("speedup_vs_software", ""), new("energy_ratio_vs_software", ""),
        new MetricSpec("die_area_um2", "um2").Optional("a floorplan upstream"),
        new MetricSpec("fmax_latency_us", "us").Optional(FmaxUpstream), new MetricSpec("fmax_speedup_vs_software", "").Optional(FmaxUpstream),
        new MetricSpec("opensta_power_mw", "mW").Optional(OpenSta), new MetricSpec("opensta_leakage_mw", "mW").Optional(OpenSta),
        new MetricSpec("opensta_memory_power_mw", "mW").Optional(OpenSta), new MetricSpec("opensta_sequential_power_mw", "mW").Optional(OpenSta),
        new MetricSpec("opensta_combinational_power_mw", "mW").Optional(OpenSta),
        new MetricSpec("gatesim_power_mw", "mW").Optional(GateSim), new MetricSpec("gatesim_switching_mw", "mW").Optional(GateSim),
        new MetricSpec("gatesim_internal_mw", "mW").Optional(GateSim), new MetricSpec("gatesim_leakage_mw", "mW").Optional(GateSim),
        new MetricSpec("gatesim_memory_mw", "mW").Optional(GateSim), new MetricSpec("gatesim_clock_mw", "mW").Optional(GateSim),
        new MetricSpec("gatesim_wire_capacitance_pf", "pF").Optional(GateSim), new MetricSpec("analytical_power_mw", "mW").Optional(GateSim),
        new MetricSpec("power_ratio_analytical_to_gatesim", "").Optional(GateSim),
        new MetricSpec("annotated_pins", "").Optional(OpenSta), new MetricSpec("simulated_activity_pins", "").Optional(OpenSta),
    ];
}
