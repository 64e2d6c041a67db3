using System.Text.Json.Serialization;

namespace FlowRunner.Models.Activity;

/// <summary>The activity of the MAC array during one Conv2D or Dense layer of one inference (averaged over the images run).</summary>
/// <param name="Steps">Active cycles of the MAC array per inference (one step feeds every multiplier once).</param>
/// <param name="OperandA">Multiplier input a: the weights (lanes past the last filter get 0).</param>
/// <param name="OperandB">Multiplier input b: the activations, broadcast to every lane.</param>
/// <param name="Accumulator">The lane accumulators (exact, <c>accum_bits</c> wide), cleared at each output pixel and filter group.</param>
/// <param name="AdderTree">The sum of a lane's products (the adder tree's output, the accumulator's addend), as wide as the accumulator.</param>
public sealed record LayerActivity(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("steps_per_inference")] long Steps,
    [property: JsonPropertyName("multiplies_per_inference")] long Multiplies,
    [property: JsonPropertyName("macs_per_inference")] long Macs,
    [property: JsonPropertyName("operand_a")] SignalActivity OperandA,
    [property: JsonPropertyName("operand_b")] SignalActivity OperandB,
    [property: JsonPropertyName("accumulator")] SignalActivity Accumulator,
    [property: JsonPropertyName("adder_tree")] SignalActivity AdderTree);
