using FlowRunner.Models.Layers;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Models.Network;

/// <summary>The layer kinds with first-wave kernels; <see cref="Extended"/>: a layer implemented by its <see cref="LayerSpec.Op"/> class.</summary>
public enum LayerKind { Conv2D, ReLU, MaxPool2D, Flatten, Dense, Softmax, Extended }

/// <summary>One layer of a network description: its kind, shape parameters and optional per-layer number formats.</summary>
/// <param name="Kernel">Conv2D: kernel height and width (square).</param>
/// <param name="Filters">Conv2D: output channels.</param>
/// <param name="Units">Dense: outputs.</param>
/// <param name="Bias">Conv2D and Dense: whether the layer adds a bias.</param>
/// <param name="Pool">MaxPool2D: window and stride.</param>
public sealed record LayerSpec(LayerKind Kind, string Name, int Kernel = 0, int Filters = 0, int Units = 0, bool Bias = false, int Pool = 2)
{
    /// <summary>Format of the weights (and biases); null takes the run's default format.</summary>
    public FixedFormat? WeightFormat { get; init; }

    /// <summary>Format the layer's inputs are assigned into; null keeps the previous layer's output format (the run's default for the image).</summary>
    public FixedFormat? InputFormat { get; init; }

    /// <summary>Format of the accumulator of `acc += w * x`; null takes the run's accumulator, or full precision.</summary>
    public FixedFormat? AccumFormat { get; init; }

    /// <summary>Format the accumulator is assigned into at the end; null takes the run's default format.</summary>
    public FixedFormat? OutputFormat { get; init; }

    /// <summary>`output_format: accumulator`: the output keeps the accumulator's format (no rounding or overflow after the sum), as QKeras
    /// layers without an output quantizer do.</summary>
    public bool KeepAccumulator { get; init; }

    /// <summary>The class of an <see cref="LayerKind.Extended"/> layer.</summary>
    public LayerOp? Op { get; init; }

    /// <summary>The layers with weights and a multiply-accumulate (Conv2D, Dense, and weighted LayerOps).</summary>
    public bool HasWeights => Kind is LayerKind.Conv2D or LayerKind.Dense || Op is { HasWeights: true };

    public string TypeName => Op?.Type ?? Kind.ToString().ToLowerInvariant();
}
