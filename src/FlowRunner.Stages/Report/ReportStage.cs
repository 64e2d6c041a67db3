using FlowRunner.Abstractions;

namespace FlowRunner.Stages.Report;

/// <summary>Stage `report`: the PPA table of a design point against the software baseline: ppa.md and ppa.csv (a row for software, a row for
/// the hardware point), with accuracy after post-training quantization and, when the recipe has one, after quantization-aware training.</summary>
/// <remarks>
/// Reads: the metrics of the upstream stages: power (latency, power, area, energy, software_*), model.accuracy stages ("accuracy"; one
/// downstream of a model.train with a QAT format gives qat_accuracy), synth, memory.generate, floorplan.
/// Writes: ppa.md ("ppa_md"), ppa.csv ("ppa_csv").
/// Reports: accuracy, qat_accuracy, latency_us, power_mw, area_um2, energy_per_inference_uj, speedup_vs_software, energy_ratio_vs_software.
/// </remarks>
public sealed class ReportStage : IStage
{
    public const string KindName = "report";

    public string Kind => KindName;

    public string Description => "PPA table of the design point against the software baseline (Markdown and CSV)";

    public IReadOnlyList<StageOption> Options { get; } =
    [
        new("title", OptionType.String, "", "title of the table; empty: the point's format and lanes"),
    ];

    public IReadOnlyList<string> Consumes => ["power"];

    public IReadOnlyList<string> Produces => ["ppa_md", "ppa_csv"];
}
