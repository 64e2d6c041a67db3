namespace FlowRunner.Models.Inference;

/// <summary>How the bit-accurate model evaluates a layer's `acc += w * x` chain. All three give the bits of the step-by-step C++ loop; the
/// first two are shortcuts that are proved equal to it when the layer is built.</summary>
public enum AccumulationMode
{
    /// <summary>No partial sum can round or overflow (the accumulator's LSB is at most the product's, and the bias plus the largest possible
    /// Σ|w·x| over the layer's real weights and its input format's range fits the accumulator): an exact integer sum.</summary>
    Exact,

    /// <summary>The accumulator wraps and never rounds: wrapping every step equals wrapping the exact sum once (arithmetic modulo 2^W).</summary>
    WrapOnce,

    /// <summary>Rounding or saturation can act inside the chain: every `acc += w * x` is assigned into the accumulator format in the
    /// documented order (Conv2D: ky, kx, channel; Dense: input index), with FixedKernels.MultiplyAccumulate.</summary>
    Stepwise,
}
