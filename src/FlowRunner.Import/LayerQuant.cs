using FlowRunner.Numerics.Formats;

namespace FlowRunner.Import;

/// <summary>The formats a frontend found for one weighted layer: its weights' (and biases') format, and whether its output keeps the
/// accumulator (a quantized layer without an output quantizer) or takes a format.</summary>
public sealed record LayerQuant(FixedFormat? Weight = null, FixedFormat? Output = null, bool KeepAccumulator = false)
{
    public static readonly LayerQuant None = new();

    /// <summary>The narrowest format that holds every value of both formats exactly (the kernel's and the bias' quantizers: the values are
    /// quantized at import, then held exactly).</summary>
    public static FixedFormat Union(FixedFormat a, FixedFormat b)
    {
        var signed = a.Signed || b.Signed;
        int Int(FixedFormat f) => signed && !f.Signed ? f.IntBits + 1 : f.IntBits;
        var frac = Math.Max(a.FracBits, b.FracBits);
        var i = Math.Max(Int(a), Int(b));
        return new FixedFormat(i + frac, i, signed, Quantization.RndConv, Overflow.Sat);
    }
}
