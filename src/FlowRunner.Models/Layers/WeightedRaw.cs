using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;
using FlowRunner.Numerics.Kernels;

namespace FlowRunner.Models.Layers;

/// <summary>The bit-accurate arithmetic of a weighted LayerOp, as C++ with ac_fixed computes it: weights and biases assigned into the weight
/// format once; per output <c>acc_t acc = bias; acc += w * x ...; out_t y = acc;</c> with every product exact and every sum assigned into the
/// accumulator format (FixedKernels.MultiplyAccumulate). Taps outside the input (padding) are zeros, whose products leave the accumulator
/// unchanged, so they are skipped.</summary>
internal sealed class WeightedRaw
{
    public WeightedRaw(float[] w, float[] b, LayerFormats f)
    {
        Formats = f;
        Weights = Quantize(w, f.Weight);
        var braw = Quantize(b, f.Weight);
        BiasAcc = braw.Select(v => FixedKernels.Assign(v, f.Weight.FracBits, f.Accumulator)).ToArray();
    }

    public LayerFormats Formats { get; }
    public long[] Weights { get; }
    public long[] BiasAcc { get; }

    public long Start(int output) => BiasAcc.Length > 0 ? BiasAcc[output] : 0;

    /// <summary>The accumulator after the products of <paramref name="x"/> and <paramref name="w"/>, assigned into the output format.</summary>
    public long Output(long acc, ReadOnlySpan<long> x, ReadOnlySpan<long> w)
    {
        acc = FixedKernels.MultiplyAccumulate(acc, x, w, Formats.ProductFrac, Formats.Accumulator);
        return FixedKernels.Assign(acc, Formats.Accumulator.FracBits, Formats.Output);
    }

    public static long[] Quantize(float[] values, FixedFormat f)
    {
        var raw = new long[values.Length];
        FixedKernels.Quantize(values.Select(v => (double)v).ToArray(), f, raw);
        return raw;
    }
}
