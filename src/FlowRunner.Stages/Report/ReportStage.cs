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

    public IReadOnlyList<ViewUse> Reads =>
        [Views.Power, Views.Accuracy.Optional("accuracy and qat_accuracy"), Views.Schedule.Optional("the format in the title")];

    public IReadOnlyList<ViewUse> Writes => [new View("ppa_md", "ppa.md"), new View("ppa_csv", "ppa.csv")];

    public IReadOnlyList<MetricSpec> Reports { get; } =
    [
        new MetricSpec("accuracy", "").Optional("a model.accuracy stage upstream"), new MetricSpec("qat_accuracy", "").Optional("a QAT model.accuracy stage upstream"),
        new("latency_us", "us"), new("power_mw", "mW"), new("area_um2", "um2"), new("energy_per_inference_uj", "uJ"),
        new("speedup_vs_software", ""), new("energy_ratio_vs_software", ""),
    ];
}
