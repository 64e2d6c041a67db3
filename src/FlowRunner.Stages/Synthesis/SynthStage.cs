using FlowRunner.Abstractions;

namespace FlowRunner.Stages.Synthesis;

/// <summary>Stage `synth`: logic synthesis of the emitted RTL (memory modules kept as black boxes) onto the tech's standard cells, with area, flip-flops and timing.</summary>
/// <remarks>
/// Reads: hls.emit's `schedule` (schedule.json: top, rtl_files, memory_modules, operators) and its RTL files.
/// Writes: synth.json ("synth_report": top, liberty, clock_ns, metrics, cells by type); netlist.v ("netlist", yosys only).
/// Reports: logic_area_um2, cell_count, flip_flops, critical_path_ns, fmax_mhz, wns_ns and slack_ns (when OpenSTA ran), cells_&lt;type&gt; (yosys).
/// </remarks>
public sealed class SynthStage : IStage
{
    public const string KindName = "synth";

    public string Kind => KindName;

    public string Description => "synthesize the accelerator RTL onto the tech's standard cells (memories as black boxes): area, flip-flops, critical path";

    public IReadOnlyList<StageOption> Options { get; } =
    [
        new("clock_ns", OptionType.Double, null, "clock period for timing; the tech's clock_ns when not set", "ns"),
        new("liberty", OptionType.String, null, "standard-cell Liberty to map onto, instead of the tech's (relative to the recipe)"),
        new("timing", OptionType.Bool, true, "run OpenSTA on the netlist when `sta` is installed (yosys adapter); else the analytical critical path is reported"),
    ];

    public IReadOnlyList<ViewUse> Reads => [Views.Schedule, Views.Rtl];

    public IReadOnlyList<ViewUse> Writes => [Views.Synthesis, Views.Netlist.Optional("with the yosys adapter"), Views.Liberty];

    public IReadOnlyList<MetricSpec> Reports { get; } =
    [
        new("logic_area_um2", "um2"), new("flip_flops", ""), new("critical_path_ns", "ns"), new("fmax_mhz", "MHz"),
        new MetricSpec("cell_count", "").Optional("yosys"), new MetricSpec("latches", "").Optional("yosys"),
        new MetricSpec("synth_runtime_s", "s").Optional("yosys"), new MetricSpec("wns_ns", "ns").Optional("OpenSTA timed the netlist"),
        new MetricSpec("slack_ns", "ns").Optional("OpenSTA timed the netlist"), new("cells_*", "", "standard cells by type (yosys)"),
    ];
}
