using System.Text.Json;
using System.Text.Json.Serialization;
using FlowRunner.Abstractions;

namespace FlowRunner.Stages.Synthesis;

/// <summary>synth.json, the `synth_report` artifact: what was synthesized, with which Liberty and clock, the metrics and the cells by type.</summary>
public sealed record SynthReport(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("adapter")] string Adapter,
    [property: JsonPropertyName("top")] string Top,
    [property: JsonPropertyName("tech")] string Tech,
    [property: JsonPropertyName("liberty")] string Liberty,
    [property: JsonPropertyName("clock_ns")] double ClockNs,
    [property: JsonPropertyName("metrics")] IReadOnlyDictionary<string, double> Metrics,
    [property: JsonPropertyName("cells")] IReadOnlyDictionary<string, int> Cells,
    [property: JsonPropertyName("blackboxes")] IReadOnlyList<string> Blackboxes)
{
    public const string FileName = "synth.json";
    public const string FormatName = "flowrunner-synth-1";

    /// <summary>Critical path details when OpenSTA ran.</summary>
    [JsonPropertyName("timing")]
    public SynthTiming? Timing { get; init; }

    /// <summary>Per-operator estimates of the analytical adapter.</summary>
    [JsonPropertyName("operators")]
    public IReadOnlyList<SynthOperatorEntry>? Operators { get; init; }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static SynthReport FromJson(string json) => JsonSerializer.Deserialize<SynthReport>(json, Json) ?? throw new JsonException("synth.json is empty");

    public static IReadOnlyDictionary<string, double> MetricMap(IEnumerable<Metric> metrics) =>
        metrics.ToDictionary(m => m.Name, m => Math.Round(m.Value, 6));
}

/// <summary>The worst path OpenSTA found.</summary>
public sealed record SynthTiming(
    [property: JsonPropertyName("tool")] string Tool,
    [property: JsonPropertyName("slack_ns")] double SlackNs,
    [property: JsonPropertyName("startpoint")] string Startpoint,
    [property: JsonPropertyName("endpoint")] string Endpoint);

/// <summary>One operator line of the analytical estimate.</summary>
public sealed record SynthOperatorEntry(
    [property: JsonPropertyName("operator")] string Operator,
    [property: JsonPropertyName("area_um2")] double AreaUm2,
    [property: JsonPropertyName("flip_flops")] long FlipFlops,
    [property: JsonPropertyName("delay_ns")] double DelayNs);
