using FlowRunner.Abstractions;

namespace FlowRunner.Stages.Memory;

/// <summary>Stage `memory.generate`: turns the memory list of `hls.emit` into macros (Verilog, Liberty, LEF), wrappers and a memory report.</summary>
/// <remarks>
/// Reads: the `schedule` artifact of hls.emit (its "memories" list) and the tech's memory compiler template.
/// Writes: macros/&lt;macro&gt;/&lt;macro&gt;.{v,lib,lef}, wrappers/&lt;module&gt;.v, memory.json ("memories"), memory.csv ("report").
/// Reports: memory_area_um2, macro_count, memory_leakage_mw, memory_energy_per_inference_uj, mem_&lt;name&gt;_read_pj, mem_&lt;name&gt;_write_pj.
/// </remarks>
public sealed class MemoryGenerateStage : IStage
{
    public const string KindName = "memory.generate";

    public string Kind => KindName;

    public string Description => "generate memory macros (SRAM/ROM views) and wrappers from the HLS memory list, splitting by the recipe's limits";

    public IReadOnlyList<StageOption> Options { get; } =
    [
        new("max_macro_kbits", OptionType.Double, 64.0, "largest macro allowed, in kbit (1 kbit = 1024 bits); 0 for no limit", "kbit"),
        new("max_depth", OptionType.Int, 0, "most words in one macro; 0 for the template's limit (rows x widest column mux)", "words"),
        new("max_width", OptionType.Int, 0, "widest macro word; 0 for the template's limit", "bits"),
        new("policy", OptionType.String, "area", "what to minimize when a memory can be split several ways")
        {
            Choices = ["area", "energy", "weighted"],
        },
        new("weight", OptionType.Double, 0.5, "share of area in the weighted policy (0 = energy only, 1 = area only)"),
    ];

    public IReadOnlyList<ViewUse> Reads => [Views.Schedule];

    public IReadOnlyList<ViewUse> Writes =>
        [Views.Memories, new View("wrappers", "wrappers/: Verilog wrappers replacing the behavioral memories"), new View("report", "memory.csv")];

    public IReadOnlyList<MetricSpec> Reports { get; } =
    [
        new("memory_area_um2", "um2"), new("macro_count", ""), new("memory_leakage_mw", "mW"), new("memory_energy_per_inference_uj", "uJ"),
        new("mem_*_read_pj", "pJ"), new("mem_*_write_pj", "pJ"), new("mem_*_area_um2", "um2"),
    ];
}
