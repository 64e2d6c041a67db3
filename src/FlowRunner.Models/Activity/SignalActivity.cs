using System.Text.Json.Serialization;

namespace FlowRunner.Models.Activity;

/// <summary>Switching of one group of equal registers or operand buses of the MAC array during one layer: how many there are, how wide, and
/// how many bits flipped per inference. <see cref="ToggleRate"/> is toggles per bit per active cycle (0..1), what a power model multiplies
/// energy per transition by.</summary>
public sealed record SignalActivity(
    [property: JsonPropertyName("what")] string What,
    [property: JsonPropertyName("bits")] int Bits,
    [property: JsonPropertyName("units")] int Units,
    [property: JsonPropertyName("toggles_per_inference")] double TogglesPerInference,
    [property: JsonPropertyName("toggle_rate")] double ToggleRate)
{
    /// <summary>From a toggle total over <paramref name="images"/> inferences of <paramref name="steps"/> active cycles each.</summary>
    public static SignalActivity From(string what, int bits, int units, long toggles, long images, long steps)
    {
        var perInference = images == 0 ? 0 : (double)toggles / images;
        var slots = (double)steps * units * Math.Min(bits, ToggleCounter.MaxBits);
        return new SignalActivity(what, bits, units, perInference, slots == 0 ? 0 : perInference / slots);
    }
}
