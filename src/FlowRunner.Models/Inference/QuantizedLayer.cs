using System.Numerics;
using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;
using FlowRunner.Numerics.Kernels;

namespace FlowRunner.Models.Inference;

/// <summary>One Conv2D or Dense layer of the bit-accurate model, built once: weights and bias quantized with the Numerics kernels, the
/// accumulation mode chosen, and the fast-path data (int32 taps, planar offsets) laid out. Tensors are channel-planar (CHW) inside the model.</summary>
internal sealed class QuantizedLayer
{
    public QuantizedLayer(NetworkSpec spec, int index, FloatNetwork net, LayerFormats f, FixedFormat incoming, bool forceStepwise = false)
    {
        var l = spec.Layers[index];
        Index = index;
        Kind = l.Kind;
        Formats = f;
        In = spec.InputShape(index);
        Out = spec.Shapes[index];
        Kernel = l.Kind == LayerKind.Conv2D ? l.Kernel : 1;
        FanIn = spec.FanIn(index);
        AssignInput = incoming.Width != f.Input.Width || incoming.IntBits != f.Input.IntBits || incoming.Signed != f.Input.Signed;
        IncomingFrac = incoming.FracBits;

        Weights = Quantize(net.Weights[index], f.Weight);
        BiasRaw = Quantize(net.Biases[index], f.Weight);
        var outputs = Out.C;
        BiasAcc = new long[outputs];
        for (var o = 0; o < BiasRaw.Length; o++) BiasAcc[o] = FixedKernels.Assign(BiasRaw[o], f.Weight.FracBits, f.Accumulator);

        var (mode, worstSum) = Classify(Weights, BiasAcc, FanIn, f);
        var up = f.Accumulator.FracBits - f.ProductFrac;
        var maxIn = MaxAbs(f.Input);
        var acc = f.Accumulator;
        Mode = forceStepwise ? AccumulationMode.Stepwise : mode;
        Narrow = Mode != AccumulationMode.Stepwise && worstSum < int.MaxValue;
        Up = up;
        // A rounding accumulator (LSB above the product's): acc << d plus one product must fit 62 bits for the 64-bit step.
        var maxW = Weights.Length == 0 ? 0 : Weights.Max(w => Math.Abs(w));
        RoundingStepFits = up < 0 && -up < 62 && acc.FitsInt64 && ((MaxAbs(acc) << -up) + maxIn * maxW) < BigInteger.One << 62;
        // FixedKernels.MultiplyAccumulate forms each product and sum in 64 bits when the accumulator's LSB is at or below the product's.
        if (Mode == AccumulationMode.Stepwise && up >= 0 && MaxAbs(acc) + (maxIn * maxW << up) >= BigInteger.One << 62)
            throw new ModelFormatException($"layer '{l.Name}': products of {f.Input} and {f.Weight} accumulated step by step into {acc} exceed the 64-bit arithmetic of the bit-accurate model; use narrower formats");

        // Fast-path layout: taps enumerate (channel, ky, kx), offsets index the planar input.
        var k = Kernel;
        Offsets = new int[FanIn];
        TapWeights = new long[Weights.Length];
        if (Kind == LayerKind.Conv2D)
        {
            for (var c = 0; c < In.C; c++)
                for (var ky = 0; ky < k; ky++)
                    for (var kx = 0; kx < k; kx++)
                    {
                        var t = (c * k + ky) * k + kx;
                        Offsets[t] = c * In.H * In.W + ky * In.W + kx;
                        for (var o = 0; o < outputs; o++) TapWeights[o * FanIn + t] = Weights[o * FanIn + (ky * k + kx) * In.C + c];
                    }
        }
        else
        {
            for (var j = 0; j < FanIn; j++) Offsets[j] = j;
            Weights.CopyTo(TapWeights, 0);
        }
        TapWeightsInt = Narrow ? TapWeights.Select(w => (int)w).ToArray() : [];
    }

    /// <summary>How a weighted layer's sums accumulate, from its raw weights ([output][fan-in]), its biases in the accumulator's format and its
    /// formats; with the largest Σ|w·x| of an output (the int32 fast path's bound).</summary>
    internal static (AccumulationMode Mode, BigInteger WorstSum) Classify(long[] weights, long[] biasAcc, int fanIn, LayerFormats f)
    {
        // Bound every partial sum: |bias| + max|x| · Σ|w| per output, shifted to the accumulator's LSB.
        var up = f.Accumulator.FracBits - f.ProductFrac;
        var maxIn = MaxAbs(f.Input);
        BigInteger worstSum = 0, worstAcc = 0;
        var outputs = fanIn == 0 ? 0 : weights.Length / fanIn;
        for (var o = 0; o < outputs; o++)
        {
            BigInteger sumW = 0;
            foreach (var w in weights.AsSpan(o * fanIn, fanIn)) sumW += Math.Abs(w);
            var sum = maxIn * sumW;
            worstSum = BigInteger.Max(worstSum, sum);
            if (up >= 0) worstAcc = BigInteger.Max(worstAcc, Math.Abs(biasAcc.Length > 0 ? biasAcc[o] : 0) + (sum << up));
        }
        var acc = f.Accumulator;
        // Exact needs the sums (not the declared accumulator) to fit 64 bits; the other modes run the accumulator's own arithmetic.
        var mode = up >= 0 && worstAcc < BigInteger.One << 62 && worstAcc <= acc.MaxRaw && -worstAcc >= acc.MinRaw ? AccumulationMode.Exact
            : up >= 0 && up < 62 && acc.FitsInt64 && acc.Overflow == Overflow.Wrap ? AccumulationMode.WrapOnce
            : AccumulationMode.Stepwise;
        return (mode, worstSum);
    }

    public int Index { get; }
    public LayerKind Kind { get; }
    public LayerFormats Formats { get; }
    public TensorShape In { get; }
    public TensorShape Out { get; }
    public int Kernel { get; }
    public int FanIn { get; }
    public AccumulationMode Mode { get; }

    /// <summary>Whether the exact sums are computed in int32 lanes (proved to fit).</summary>
    public bool Narrow { get; }

    /// <summary>Whether the incoming values must be assigned into this layer's input format first.</summary>
    public bool AssignInput { get; }

    public int IncomingFrac { get; }

    /// <summary>Left shift from the product's LSB to the accumulator's (Exact and WrapOnce modes).</summary>
    public int Up { get; }

    /// <summary>Raw weights in the weight format, canonical order (Conv2D [filter][ky][kx][channel], Dense [unit][input]).</summary>
    public long[] Weights { get; }

    /// <summary>Raw biases in the weight format (empty without a bias).</summary>
    public long[] BiasRaw { get; }

    /// <summary>The bias assigned into the accumulator format: the accumulator's starting value (0 without a bias).</summary>
    public long[] BiasAcc { get; }

    /// <summary>Stepwise with an accumulator coarser than the products: each step fits one 64-bit FixedKernels.Assign.</summary>
    private bool RoundingStepFits { get; }

    private long[] TapWeights { get; }
    private int[] TapWeightsInt { get; }
    private int[] Offsets { get; }

    private static long[] Quantize(float[] values, FixedFormat f)
    {
        var d = values.Select(v => (double)v).ToArray();
        var raw = new long[d.Length];
        FixedKernels.Quantize(d, f, raw);
        return raw;
    }

    private static BigInteger MaxAbs(FixedFormat f) => BigInteger.Max(BigInteger.Abs(f.MinRaw), f.MaxRaw);

    /// <summary>Computes the layer: <paramref name="x"/> holds the planar input (in this layer's input format), <paramref name="y"/> receives the
    /// planar output (raw values in the output format).</summary>
    public void Run(ReadOnlySpan<long> x, Span<long> y, Workspace ws)
    {
        var outputs = Out.C;
        var plane = Out.H * Out.W;
        var acc = ws.Acc.AsSpan(0, outputs * plane);
        if (Mode == AccumulationMode.Stepwise) Stepwise(x, acc, ws);
        else
        {
            if (Narrow)
            {
                var xi = ws.NarrowInput.AsSpan(0, In.Size + IntegerKernels.Slack);
                IntegerKernels.Narrow(x[..In.Size], xi);
                var ai = ws.NarrowAcc.AsSpan(0, plane);
                for (var o = 0; o < outputs; o++)
                {
                    var taps = TapWeightsInt.AsSpan(o * FanIn, FanIn);
                    if (Kind == LayerKind.Conv2D) IntegerKernels.ConvFilter(xi, In.W, taps, Offsets, ai, Out.H, Out.W);
                    else ai[0] = IntegerKernels.Dot(xi[..FanIn], taps);
                    var dst = acc.Slice(o * plane, plane);
                    for (var p = 0; p < plane; p++) dst[p] = BiasAcc[o] + ((long)ai[p] << Up);
                }
            }
            else
            {
                var al = ws.WideAcc.AsSpan(0, plane);
                for (var o = 0; o < outputs; o++)
                {
                    var taps = TapWeights.AsSpan(o * FanIn, FanIn);
                    if (Kind == LayerKind.Conv2D) IntegerKernels.ConvFilter(x, In.W, taps, Offsets, al, Out.H, Out.W);
                    else al[0] = IntegerKernels.Dot(x[..FanIn], taps);
                    var dst = acc.Slice(o * plane, plane);
                    for (var p = 0; p < plane; p++) dst[p] = unchecked(BiasAcc[o] + (al[p] << Up));
                }
            }
            if (Mode == AccumulationMode.WrapOnce)
                for (var i = 0; i < acc.Length; i++) acc[i] = FixedKernels.Overflow(acc[i], Formats.Accumulator);
        }
        FixedKernels.Requantize(acc, Formats.Accumulator.FracBits, Formats.Output, y[..acc.Length]);
    }

    /// <summary>The C++ loop itself: acc = bias; for each tap in canonical order acc += w * x, assigned into the accumulator every step.</summary>
    private void Stepwise(ReadOnlySpan<long> x, Span<long> acc, Workspace ws)
    {
        var window = ws.Window.AsSpan(0, FanIn);
        var plane = Out.H * Out.W;
        var k = Kernel;
        for (var yy = 0; yy < Out.H; yy++)
            for (var xx = 0; xx < Out.W; xx++)
            {
                if (Kind == LayerKind.Conv2D)
                {
                    for (var ky = 0; ky < k; ky++)
                        for (var kx = 0; kx < k; kx++)
                            for (var c = 0; c < In.C; c++)
                                window[(ky * k + kx) * In.C + c] = x[c * In.H * In.W + (yy + ky) * In.W + xx + kx];
                }
                else x[..FanIn].CopyTo(window);
                for (var o = 0; o < Out.C; o++)
                    acc[o * plane + yy * Out.W + xx] = Chain(BiasAcc[o], window, Weights.AsSpan(o * FanIn, FanIn));
            }
    }

    /// <summary>acc += w[i] * x[i], each sum assigned into the accumulator. FixedKernels.MultiplyAccumulate does it in 64 bits when the
    /// accumulator's LSB is at or below the product's; when it is coarser, each exact sum (acc aligned to the product's LSB, plus the
    /// product) still fits 64 bits here, so the step is one FixedKernels.Assign rather than MultiplyAccumulate's BigInteger path.</summary>
    private long Chain(long acc, ReadOnlySpan<long> x, ReadOnlySpan<long> w)
    {
        var f = Formats.Accumulator;
        if (!RoundingStepFits) return FixedKernels.MultiplyAccumulate(acc, x, w, Formats.ProductFrac, f);
        var d = -Up;
        var pf = Formats.ProductFrac;
        for (var i = 0; i < x.Length; i++) acc = FixedKernels.Assign((acc << d) + x[i] * w[i], pf, f);
        return acc;
    }
}
