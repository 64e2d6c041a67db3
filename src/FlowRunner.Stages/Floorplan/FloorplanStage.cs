using FlowRunner.Abstractions;

namespace FlowRunner.Stages.Floorplan;

/// <summary>Stage `floorplan`: places the memory macros and a standard-cell region on a die by simulated annealing (area + wirelength).</summary>
/// <remarks>
/// Reads: the `memories` artifact of memory.generate (memory.json and each macro's LEF, the source of sizes), the metric
/// `logic_area_um2` of the `synth` stage (or `with.cell_area_um2`), and when present hls.emit's schedule.json (which layer each memory serves).
/// Writes: floorplan.def ("def"), floorplan.svg ("svg"), floorplan.json ("floorplan").
/// Reports: die_area_um2, die_width_um, die_height_um, utilization = (macro + logic area) / die area, dead_space = 1 - (macro +
/// cell-region area) / die area (halos count as dead), wirelength_um (weighted HPWL between block centres), floorplan_runtime_s, floorplan_macros.
/// </remarks>
public sealed class FloorplanStage : IStage
{
    public const string KindName = "floorplan";

    public string Kind => KindName;

    public string Description => "place the memory macros and the standard-cell region on the die (sequence-pair annealing: area + wirelength, rotation, halos, fixed outline)";

    public IReadOnlyList<StageOption> Options { get; } =
    [
        new("utilization", OptionType.Double, 0.7, "share of the standard-cell region the cells fill: region area = logic area / utilization (0 < u <= 1)"),
        new("aspect", OptionType.Double, 1.0, "target die height / width when the outline is free"),
        new("die_width_um", OptionType.Double, 0.0, "fixed outline width; 0 lets the die grow to the packing (set both or neither)", "um"),
        new("die_height_um", OptionType.Double, 0.0, "fixed outline height; 0 lets the die grow to the packing", "um"),
        new("halo_um", OptionType.Double, 5.0, "keep-out ring around every macro (two neighbours are at least twice this apart)", "um"),
        new("pin_edge", OptionType.String, "auto", "edge the macro pins sit on; auto takes memory.json's pin_edge. Macros are turned so it faces the cell region")
        {
            Choices = ["auto", "bottom", "top", "left", "right", "none"],
        },
        new("cell_area_um2", OptionType.Double, 0.0, "standard-cell area when no synth stage reports logic_area_um2", "um2"),
        new("cell_aspect_max", OptionType.Double, 3.0, "the cell region's height / width may range from 1/x to x"),
        new("wirelength_weight", OptionType.Double, 0.3, "share of the annealing cost given to wirelength (0 = area only, 1 = wirelength only)"),
        new("moves", OptionType.Double, 1.0, "multiplier of the move budget (about 1,500 moves per block per chain)"),
        new("chains", OptionType.Int, 2, "independent annealing chains, run in parallel; the best wins (the result does not depend on the thread count)"),
        new("seed", OptionType.Int, null, "seed of the annealing; the recipe's seed when not given"),
        new("row_site", OptionType.String, "", "LEF SITE name: when set, the cell region is filled with ROWs of the tech's row height and site width; otherwise it is a REGION"),
        new("design", OptionType.String, "", "DEF DESIGN name; the schedule's top module (or accel) when empty"),
    ];

    public IReadOnlyList<ViewUse> Reads =>
        [Views.Memories, Views.Synthesis.Optional("its logic_area_um2, else `cell_area_um2`"), Views.Schedule.Optional("the top and each memory's layer"),
         Views.Rtl.Optional("the top's ports, the DEF's PINS")];

    public IReadOnlyList<ViewUse> Writes =>
        [Views.FloorplanDef, new View("svg", "floorplan.svg"), Views.Floorplan, new View("tech_lef", "tech.lef: the tech's LEF the DEF needs").Optional("the tech has a LEF")];

    public IReadOnlyList<MetricSpec> Reports { get; } =
    [
        new("die_area_um2", "um2"), new("die_width_um", "um"), new("die_height_um", "um"), new("utilization", ""), new("dead_space", ""),
        new("wirelength_um", "um"), new("floorplan_runtime_s", "s"), new("floorplan_macros", ""),
    ];
}
