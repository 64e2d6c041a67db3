using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowRunner.Models.Activity;

/// <summary>activity.json: the switching activity the MAC array sees, per layer, averaged over the images run, and the memory traffic of one
/// inference (from the schedule). See <see cref="About"/> for the meaning of every field.</summary>
public sealed record ActivityReport(
    [property: JsonPropertyName("images")] int Images,
    [property: JsonPropertyName("lanes")] int Lanes,
    [property: JsonPropertyName("multipliers_per_lane")] int TapsPerLane,
    [property: JsonPropertyName("layers")] IReadOnlyList<LayerActivity> Layers)
{
    public const string FormatTag = "flowrunner-activity-1";

    /// <summary>The documentation written into the file itself, so the artifact explains itself.</summary>
    public const string About =
        "Switching activity of the MAC array (lanes x multipliers_per_lane multipliers, one exact accumulator a lane) while the bit-accurate model runs "
        + "`images` images, fed in the hls.emit contract's order (conv: output pixel, filter group, input channel; dense: group, chunk of 9 inputs). "
        + "Per layer: steps_per_inference = active cycles; operand_a = multiplier weight inputs, operand_b = multiplier activation inputs (broadcast to "
        + "every lane), accumulator = lane accumulator registers, adder_tree = sum of a lane's products; bits = register width, units = how many, "
        + "toggles_per_inference = bits flipped (Hamming distance between consecutive raw two's-complement values) per inference, all units together; "
        + "toggle_rate = toggles per bit per active cycle = toggles_per_inference / (steps x units x bits). Registers are reset at each inference. "
        + "memories: reads and writes per inference from schedule.json.";

    [JsonPropertyName("format")] public string Format => FormatTag;

    [JsonPropertyName("about")] public string Documentation => About;

    /// <summary>Memory traffic per inference (filled in by the power stage from the schedule).</summary>
    [JsonPropertyName("memories")] public IReadOnlyList<MemoryActivity> Memories { get; init; } = [];

    [JsonPropertyName("steps_per_inference")] public long Steps => Layers.Sum(l => l.Steps);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ActivityReport FromJson(string json) =>
        JsonSerializer.Deserialize<ActivityReport>(json, Json) ?? throw new JsonException("activity.json is empty");

    public LayerActivity Layer(string name) => Layers.FirstOrDefault(l => l.Name == name)
        ?? throw new KeyNotFoundException($"activity has no layer '{name}'; it has {string.Join(", ", Layers.Select(l => l.Name))}");
}

/// <summary>Reads and writes of one memory per inference.</summary>
public sealed record MemoryActivity(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("width")] int Width,
    [property: JsonPropertyName("reads_per_inference")] double Reads,
    [property: JsonPropertyName("writes_per_inference")] double Writes);
