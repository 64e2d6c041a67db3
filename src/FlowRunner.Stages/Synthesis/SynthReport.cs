using System.Text.Json;
using System.Text.Json.Serialization;
using FlowRunner.Abstractions;
using FlowRunner.Stages.Records;

namespace FlowRunner.Stages.Synthesis;

/// <summary>synth.json, the `synth_report` artifact: what was synthesized, with which Liberty and clock, the metrics and the cells by type.</summary>
public sealed record SynthReport(
    string Format,
    string Adapter,
    string Top,
    string Tech,
    string Liberty,
    double ClockNs,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, int> Cells,
    IReadOnlyList<string> Blackboxes)
{
    public const string FileName = "synth.json";
    public const string FormatName = "flowrunner-synth-1";

    /// <summary>Critical path details when OpenSTA ran.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SynthTiming? Timing { get; init; }

    /// <summary>Per-operator estimates of the analytical adapter.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<SynthOperatorEntry>? Operators { get; init; }

    public string ToJson() => RecordFile.ToJson(this, ViewJson.Records.SynthReport);

    public static SynthReport FromJson(string json, string file = FileName) => RecordFile.Parse(json, file, ViewJson.Records.SynthReport, "format", FormatName);

    /// <summary>The synth_report view of a synth stage.</summary>
    public static SynthReport Read(string file) => RecordFile.Read(file, ViewJson.Records.SynthReport, "format", FormatName);

    public static IReadOnlyDictionary<string, double> MetricMap(IEnumerable<Metric> metrics) =>
        metrics.ToDictionary(m => m.Name, m => Math.Round(m.Value, 6));
}

/// <summary>The worst path OpenSTA found.</summary>
public sealed record SynthTiming(
    string Tool,
    double SlackNs,
    string Startpoint,
    string Endpoint);

/// <summary>One operator line of the analytical estimate.</summary>
public sealed record SynthOperatorEntry(
    string Operator,
    double AreaUm2,
    long FlipFlops,
    double DelayNs);
