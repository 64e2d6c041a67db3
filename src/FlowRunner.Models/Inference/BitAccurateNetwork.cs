using System.Numerics;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;
using FlowRunner.Numerics.Kernels;

namespace FlowRunner.Models.Inference;

/// <summary>The formats one layer computes with: its inputs, weights, accumulator and outputs.</summary>
public sealed record LayerFormats(FixedFormat Input, FixedFormat Weight, FixedFormat Accumulator, FixedFormat Output);

/// <summary>Bit-accurate inference, computing every layer exactly as the emitted HLS C++ does with ac_fixed: the image is assigned into the input
/// format, weights into the weight format; a conv or dense output starts from its bias assigned into the accumulator, then `acc += w * x` over
/// the window in (ky, kx, channel) order (dense: input order), each step assigned into the accumulator format; then acc is assigned into the
/// output format; ReLU and max-pool work on the raw values. The default accumulator is full precision (it can neither round nor overflow).</summary>
public sealed class BitAccurateNetwork
{
    private readonly FloatNetwork _net;
    private readonly long[][] _w;
    private readonly long[][] _b;
    private readonly bool[] _exact;

    public BitAccurateNetwork(FloatNetwork net, FixedFormat format, FixedFormat? accumulator = null)
    {
        _net = net;
        var spec = net.Spec;
        Formats = new LayerFormats?[spec.Layers.Count];
        _w = new long[spec.Layers.Count][];
        _b = new long[spec.Layers.Count][];
        _exact = new bool[spec.Layers.Count];
        var current = spec.Layers[0].InputFormat ?? format;
        InputFormat = current;
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            var l = spec.Layers[i];
            if (!l.HasWeights) { _w[i] = []; _b[i] = []; continue; }
            var input = l.InputFormat ?? current;
            var weight = l.WeightFormat ?? format;
            var terms = l.Kind == LayerKind.Conv2D ? l.Kernel * l.Kernel * net.InputShape(i).C : net.InputSize(i);
            var acc = l.AccumFormat ?? accumulator ?? FullPrecision(input, weight, terms + (l.Bias ? 1 : 0));
            var output = l.OutputFormat ?? format;
            Formats[i] = new LayerFormats(input, weight, acc, output);
            _w[i] = net.Weights[i].Select(v => FixedKernels.Quantize(v, weight)).ToArray();
            _b[i] = net.Biases[i].Select(v => FixedKernels.Assign(FixedKernels.Quantize(v, weight), weight.FracBits, acc)).ToArray();
            _exact[i] = FixedKernels.MacIsExact(input, weight, acc, terms + (l.Bias ? 1 : 0));
            current = output;
        }
        OutputFormat = current;
    }

    /// <summary>Formats of each layer with weights (null for the others).</summary>
    public LayerFormats?[] Formats { get; }
    public FixedFormat InputFormat { get; }

    /// <summary>The format of the logits (the last weighted layer's output).</summary>
    public FixedFormat OutputFormat { get; }

    /// <summary>An accumulator that holds any sum of n products exactly: W = Wa + Wb + ceil(log2 n), I = Ia + Ib + ceil(log2 n).</summary>
    public static FixedFormat FullPrecision(FixedFormat a, FixedFormat b, int n)
    {
        var grow = (int)Math.Ceiling(Math.Log2(Math.Max(2, n)));
        return new FixedFormat(a.Width + b.Width + grow, a.IntBits + b.IntBits + grow, true, Quantization.Trn, Overflow.Wrap);
    }

    /// <summary>Raw weights of a layer in its weight format, in the float network's order.</summary>
    public ReadOnlySpan<long> RawWeights(int layer) => _w[layer];

    /// <summary>The logits of one image as raw integers in <see cref="OutputFormat"/>; <paramref name="trace"/>, when given, receives every layer's raw output.</summary>
    public long[] Infer(float[] image, List<long[]>? trace = null)
    {
        var spec = _net.Spec;
        var x = new long[image.Length];
        for (var j = 0; j < image.Length; j++) x[j] = FixedKernels.Quantize(image[j], InputFormat);
        var xFrac = InputFormat.FracBits;
        var window = new long[256];
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            var l = spec.Layers[i];
            var (h, w, c) = _net.InputShape(i);
            var (oh, ow, oc) = _net.Shapes[i];
            long[] y;
            switch (l.Kind)
            {
                case LayerKind.Conv2D:
                case LayerKind.Dense:
                    var f = Formats[i]!;
                    if (xFrac != f.Input.FracBits || l.InputFormat is not null)
                        for (var j = 0; j < x.Length; j++) x[j] = FixedKernels.Assign(x[j], xFrac, f.Input);
                    y = l.Kind == LayerKind.Conv2D ? Conv(i, l, x, w, c, oh, ow, oc, f, ref window) : Dense(i, x, oc, f);
                    xFrac = f.Output.FracBits;
                    break;
                case LayerKind.ReLU:
                    y = new long[x.Length];
                    for (var j = 0; j < x.Length; j++) y[j] = x[j] > 0 ? x[j] : 0;
                    break;
                case LayerKind.MaxPool2D:
                    y = new long[oh * ow * oc];
                    var p = l.Pool;
                    for (var yy = 0; yy < oh; yy++)
                        for (var xx = 0; xx < ow; xx++)
                            for (var ch = 0; ch < oc; ch++)
                            {
                                var m = long.MinValue;
                                for (var dy = 0; dy < p; dy++)
                                    for (var dx = 0; dx < p; dx++) m = Math.Max(m, x[((yy * p + dy) * w + xx * p + dx) * c + ch]);
                                y[(yy * ow + xx) * oc + ch] = m;
                            }
                    break;
                default:
                    y = x; // flatten keeps the order; softmax is monotonic and left to the host
                    break;
            }
            trace?.Add(y);
            x = y;
        }
        return x;
    }

    private long[] Conv(int i, LayerSpec l, long[] x, int w, int c, int oh, int ow, int oc, LayerFormats f, ref long[] window)
    {
        var k = l.Kernel;
        var y = new long[oh * ow * oc];
        var wt = _w[i];
        var prodFrac = f.Input.FracBits + f.Weight.FracBits;
        var up = f.Accumulator.FracBits - prodFrac;
        var n = k * k * c;
        if (window.Length < n) window = new long[n];
        for (var yy = 0; yy < oh; yy++)
            for (var xx = 0; xx < ow; xx++)
            {
                if (!_exact[i])
                    for (var ky = 0; ky < k; ky++) Array.Copy(x, ((yy + ky) * w + xx) * c, window, ky * k * c, k * c);
                for (var ff = 0; ff < oc; ff++)
                {
                    var acc = l.Bias ? _b[i][ff] : 0;
                    if (_exact[i])
                    {
                        long s = 0;
                        var wBase = ff * n;
                        for (var ky = 0; ky < k; ky++)
                        {
                            var inRow = ((yy + ky) * w + xx) * c;
                            var wRow = wBase + ky * k * c;
                            for (var j = 0; j < k * c; j++) s += x[inRow + j] * wt[wRow + j];
                        }
                        acc += s << up;
                    }
                    else acc = FixedKernels.MultiplyAccumulate(acc, window.AsSpan(0, n), wt.AsSpan(ff * n, n), prodFrac, f.Accumulator);
                    y[(yy * ow + xx) * oc + ff] = FixedKernels.Assign(acc, f.Accumulator.FracBits, f.Output);
                }
            }
        return y;
    }

    private long[] Dense(int i, long[] x, int units, LayerFormats f)
    {
        var y = new long[units];
        var n = x.Length;
        var prodFrac = f.Input.FracBits + f.Weight.FracBits;
        for (var u = 0; u < units; u++)
        {
            var acc = _b[i].Length > 0 ? _b[i][u] : 0;
            var wr = _w[i].AsSpan(u * n, n);
            acc = _exact[i]
                ? acc + (FixedKernels.Dot(x, wr) << (f.Accumulator.FracBits - prodFrac))
                : FixedKernels.MultiplyAccumulate(acc, x, wr, prodFrac, f.Accumulator);
            y[u] = FixedKernels.Assign(acc, f.Accumulator.FracBits, f.Output);
        }
        return y;
    }

    /// <summary>Predicted class of each image (argmax of the logits; the first on ties, as a C++ loop with `>` does).</summary>
    public int[] Classify(Dataset data, int threads = 2)
    {
        var predictions = new int[data.Count];
        Parallel.For(0, data.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, i =>
        {
            var logits = Infer(data.Images[i]);
            var best = 0;
            for (var j = 1; j < logits.Length; j++) if (logits[j] > logits[best]) best = j;
            predictions[i] = best;
        });
        return predictions;
    }

    public double Accuracy(Dataset data, int threads = 2)
    {
        var p = Classify(data, threads);
        return (double)p.Where((c, i) => c == data.Labels[i]).Count() / data.Count;
    }

    /// <summary>Largest magnitude of each layer's float output over a dataset, and the integer bits (with sign) it needs.</summary>
    public static IReadOnlyList<(string Layer, double MaxAbs, int IntBits)> Profile(FloatNetwork net, Dataset data)
    {
        var max = new double[net.Spec.Layers.Count + 1];
        var acts = new float[net.Spec.Layers.Count + 1][];
        foreach (var img in data.Images)
        {
            net.Forward(img, acts);
            for (var i = 0; i < acts.Length; i++) foreach (var v in acts[i]) max[i] = Math.Max(max[i], Math.Abs(v));
        }
        return max.Select((m, i) => (i == 0 ? "input" : net.Spec.Layers[i - 1].Name, m, IntBitsFor(m))).ToList();
    }

    /// <summary>Integer bits, sign included, to hold ±m: 59.804 needs 7 (range -64..63.x).</summary>
    public static int IntBitsFor(double m) => m <= 0 ? 1 : (int)Math.Floor(Math.Log2(m)) + 2;
}
