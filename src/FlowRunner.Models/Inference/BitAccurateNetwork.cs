using System.Collections.Concurrent;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Layers;
using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;
using FlowRunner.Numerics.Kernels;

namespace FlowRunner.Models.Inference;

/// <summary>Bit-accurate inference: every layer computes exactly what C++ with ac_fixed computes, which is what the emitted HLS C++ must match.
/// <list type="bullet">
/// <item>The image (float pixels) is assigned into the input format: <c>input_t x = pixel;</c></item>
/// <item>Weights and biases are assigned into the weight format once, when the model is built.</item>
/// <item>Conv2D (valid, stride 1) and Dense: <c>acc_t acc = bias; for (...) acc += w * x;</c> — every product exact, every += assigned into the
/// accumulator format, taps in (ky, kx, channel) order for Conv2D and input order for Dense; then <c>out_t y = acc;</c></item>
/// <item>A layer whose input format differs from the incoming values assigns them first; ReLU, MaxPool2D and Flatten work on raw values;
/// Softmax is left out (argmax needs only the logits).</item>
/// </list>
/// Layers whose chain can neither round nor overflow run as exact integer sums in int32 SIMD lanes (see <see cref="AccumulationMode"/>);
/// the others step through FixedKernels.MultiplyAccumulate. Formats may be up to 62 bits wide.</summary>
public sealed class BitAccurateNetwork
{
    private readonly QuantizedLayer?[] _layers;
    private readonly RawKernel?[] _ops;
    private readonly OpParameters?[] _opParameters;
    private readonly ConcurrentBag<Workspace> _pool = [];

    public BitAccurateNetwork(FloatNetwork net, FormatDefaults defaults) : this(net, defaults, forceStepwise: false) { }

    /// <summary><paramref name="forceStepwise"/> runs every layer through the step-by-step chain (tests prove the shortcuts equal to it).</summary>
    internal BitAccurateNetwork(FloatNetwork net, FormatDefaults defaults, bool forceStepwise)
    {
        Spec = net.Spec;
        Defaults = defaults;
        InputFormat = NetworkFormats.InputFormat(Spec, defaults);
        Formats = NetworkFormats.Resolve(Spec, defaults);
        _layers = new QuantizedLayer?[Spec.Layers.Count];
        _ops = new RawKernel?[Spec.Layers.Count];
        _opParameters = new OpParameters?[Spec.Layers.Count];
        Values = NetworkFormats.ValueFormats(Spec, defaults, Formats);
        Require(InputFormat, "input format", "the image");
        var incoming = InputFormat;
        for (var i = 0; i < Spec.Layers.Count; i++)
        {
            var l = Spec.Layers[i];
            var name = $"layer '{l.Name}'";
            if (l.Op is { } op)
            {
                if (Formats[i] is { } fo)
                {
                    Require(fo.Input, "input format", name);
                    Require(fo.Weight, "weight format", name);
                    Require(fo.Accumulator, "accumulator format", name);
                }
                Require(Values[i], "output format", name);
                _ops[i] = op.Prepare(net.Weights[i], net.Biases[i], Spec.InputShape(i), Spec.Shapes[i], Formats[i], incoming, Values[i]);
                if (op.HasWeights && Formats[i] is { } fw) _opParameters[i] = OpParameters.Of(net.Weights[i], net.Biases[i], Spec.FanIn(i), fw);
                incoming = Values[i];
                continue;
            }
            if (Formats[i] is not { } f) continue;
            Require(f.Input, "input format", name);
            Require(f.Weight, "weight format", name);
            Require(f.Output, "output format", name);
            var q = new QuantizedLayer(Spec, i, net, f, incoming, forceStepwise);
            if (q.Mode != AccumulationMode.Exact) Require(f.Accumulator, "accumulator format", name);
            _layers[i] = q;
            incoming = f.Output;
        }
        OutputFormat = Values[^1];
    }

    /// <summary>The run's formats over the description's: see <see cref="FormatDefaults.For"/>.</summary>
    public BitAccurateNetwork(FloatNetwork net, FixedFormat format, FixedFormat? accumulator = null)
        : this(net, FormatDefaults.For(net.Spec, format, accumulator)) { }

    private static void Require(FixedFormat f, string what, string where)
    {
        if (!f.FitsInt64) throw new ModelFormatException($"{where}: {what} {f} is wider than the 62 bits the bit-accurate model supports");
    }

    public NetworkSpec Spec { get; }
    public FormatDefaults Defaults { get; }

    /// <summary>The format the image is assigned into.</summary>
    public FixedFormat InputFormat { get; }

    /// <summary>Formats of each layer with weights (null for the others).</summary>
    public IReadOnlyList<LayerFormats?> Formats { get; }

    /// <summary>Per layer, the format of its output values.</summary>
    public IReadOnlyList<FixedFormat> Values { get; }

    /// <summary>The format of the network's output: the logits (the last weighted layer's output format) when only ReLU, pooling, flatten or
    /// softmax follow it, else the last layer's value format.</summary>
    public FixedFormat OutputFormat { get; }

    /// <summary>How a layer with weights accumulates (null for the others).</summary>
    public AccumulationMode? Mode(int layer) => _layers[layer]?.Mode ?? _opParameters[layer]?.Mode;

    /// <summary>Raw weights of a layer in its weight format, canonical order (Conv2D and ConvOp [filter][ky][kx][channel], Dense [unit][input]).</summary>
    public ReadOnlySpan<long> RawWeights(int layer) => _opParameters[layer] is { } p ? p.Weights : Layer(layer).Weights;

    /// <summary>Raw biases of a layer in its weight format (empty without a bias); the accumulator starts from them assigned into its format.</summary>
    public ReadOnlySpan<long> RawBias(int layer) => _opParameters[layer] is { } p ? p.Bias : Layer(layer).BiasRaw;

    /// <summary>The raw weights, biases and accumulation mode of a weighted LayerOp (as its kernel quantizes them).</summary>
    private sealed record OpParameters(long[] Weights, long[] Bias, AccumulationMode Mode)
    {
        public static OpParameters Of(float[] w, float[] b, int fanIn, LayerFormats f)
        {
            var weights = WeightedRaw.Quantize(w, f.Weight);
            var bias = WeightedRaw.Quantize(b, f.Weight);
            var biasAcc = bias.Select(v => FixedKernels.Assign(v, f.Weight.FracBits, f.Accumulator)).ToArray();
            return new OpParameters(weights, bias, QuantizedLayer.Classify(weights, biasAcc, fanIn, f).Mode);
        }
    }

    private QuantizedLayer Layer(int layer) => _layers[layer] ?? throw new ArgumentException($"layer {layer} '{Spec.Layers[layer].Name}' has no weights");

    /// <summary>The image assigned into the input format: raw integers, channels last (the order of the image).</summary>
    public long[] QuantizeInput(ReadOnlySpan<float> image)
    {
        var d = new double[image.Length];
        for (var i = 0; i < d.Length; i++) d[i] = image[i];
        var raw = new long[d.Length];
        FixedKernels.Quantize(d, InputFormat, raw);
        return raw;
    }

    /// <summary>The logits of one image as raw integers in <see cref="OutputFormat"/>.</summary>
    public long[] Infer(ReadOnlySpan<float> image) => Infer(image, null);

    /// <summary>The logits of one image; <paramref name="trace"/>, when given, receives every layer's output as raw integers, channels last.</summary>
    public long[] Infer(ReadOnlySpan<float> image, List<long[]>? trace)
    {
        var ws = Rent();
        try
        {
            LoadImage(image, ws);
            return Run(ws, trace).ToArray();
        }
        finally { _pool.Add(ws); }
    }

    /// <summary>The logits from an input already in <see cref="InputFormat"/> (raw integers, channels last), e.g. a test bench's stimulus.</summary>
    public long[] InferRaw(ReadOnlySpan<long> input, List<long[]>? trace = null)
    {
        if (input.Length != Spec.Input.Size) throw new ArgumentException($"the network takes {Spec.Input.Size} inputs, got {input.Length}");
        var ws = Rent();
        try
        {
            ToPlanar(input, Spec.Input, ws.Tensors[0]);
            return Run(ws, trace).ToArray();
        }
        finally { _pool.Add(ws); }
    }

    /// <summary>The logits of every image (raw, <see cref="OutputFormat"/>), in parallel over images.</summary>
    public long[][] InferAll(Dataset data, int threads = 2)
    {
        var result = new long[data.Count][];
        ForEachImage(data, threads, (i, ws) => result[i] = Run(ws, null).ToArray());
        return result;
    }

    /// <summary>Predicted class of each image: the index of the largest logit, the first on ties (as a C++ loop with `&gt;` picks).</summary>
    public int[] Classify(Dataset data, int threads = 2)
    {
        var predictions = new int[data.Count];
        ForEachImage(data, threads, (i, ws) => predictions[i] = ArgMax(Run(ws, null)));
        return predictions;
    }

    /// <summary>Fraction of images classified as labelled.</summary>
    public double Accuracy(Dataset data, int threads = 2)
    {
        if (data.Count == 0) return double.NaN;
        var p = Classify(data, threads);
        var correct = 0;
        for (var i = 0; i < p.Length; i++) if (p[i] == data.Labels[i]) correct++;
        return (double)correct / data.Count;
    }

    /// <summary>The value of a raw logit.</summary>
    public double ToDouble(long raw) => Math.ScaleB(raw, -OutputFormat.FracBits);

    public static int ArgMax(ReadOnlySpan<long> v)
    {
        var best = 0;
        for (var j = 1; j < v.Length; j++) if (v[j] > v[best]) best = j;
        return best;
    }

    private Workspace Rent() => _pool.TryTake(out var ws) ? ws : new Workspace(Spec);

    private void ForEachImage(Dataset data, int threads, Action<int, Workspace> body)
    {
        Training.Trainer.CheckFits(Spec, data);
        const int chunk = 32;
        Parallel.For(0, (data.Count + chunk - 1) / chunk, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, Rent, (c, _, ws) =>
        {
            for (var i = c * chunk; i < Math.Min(data.Count, (c + 1) * chunk); i++)
            {
                LoadImage(data.Images[i], ws);
                body(i, ws);
            }
            return ws;
        }, ws => _pool.Add(ws));
    }

    private void LoadImage(ReadOnlySpan<float> image, Workspace ws)
    {
        if (image.Length != Spec.Input.Size) throw new ArgumentException($"the network takes {Spec.Input.Size} inputs, got {image.Length}");
        var d = ws.Pixels;
        for (var i = 0; i < image.Length; i++) d[i] = image[i];
        if (Spec.Input.C == 1) FixedKernels.Quantize(d.AsSpan(0, image.Length), InputFormat, ws.Tensors[0]);
        else
        {
            FixedKernels.Quantize(d.AsSpan(0, image.Length), InputFormat, ws.Scratch);
            ToPlanar(ws.Scratch.AsSpan(0, image.Length), Spec.Input, ws.Tensors[0]);
        }
    }

    /// <summary>Runs every layer on the planar input in ws.Tensors[0]; returns the final tensor.</summary>
    private ReadOnlySpan<long> Run(Workspace ws, List<long[]>? trace)
    {
        var cur = ws.Tensors[0];
        var curFrac = InputFormat.FracBits;
        for (var i = 0; i < Spec.Layers.Count; i++)
        {
            var s = Spec.InputShape(i);
            var o = Spec.Shapes[i];
            var y = ws.Tensors[i + 1];
            switch (Spec.Layers[i].Kind)
            {
                case LayerKind.Conv2D:
                case LayerKind.Dense:
                    var q = _layers[i]!;
                    long[] src = cur;
                    if (q.AssignInput)
                    {
                        FixedKernels.Requantize(cur.AsSpan(0, s.Size), curFrac, q.Formats.Input, ws.Scratch);
                        src = ws.Scratch;
                    }
                    q.Run(src, y, ws);
                    curFrac = q.Formats.Output.FracBits;
                    break;
                case LayerKind.ReLU:
                    for (var j = 0; j < s.Size; j++) y[j] = cur[j] > 0 ? cur[j] : 0;
                    break;
                case LayerKind.MaxPool2D:
                    MaxPool(cur, s, o, Spec.Layers[i].Pool, y);
                    break;
                case LayerKind.Flatten:
                    FromPlanar(cur.AsSpan(0, s.Size), s, y); // channels-last order from here on, as the dense weights expect
                    break;
                case LayerKind.Extended:
                    RunOp(i, cur, curFrac, s, o, y, ws);
                    curFrac = Values[i].FracBits;
                    break;
                default:
                    cur.AsSpan(0, s.Size).CopyTo(y);
                    break;
            }
            if (trace is not null)
            {
                var t = new long[o.Size];
                FromPlanar(y.AsSpan(0, o.Size), o, t);
                trace.Add(t);
            }
            cur = y;
        }
        return cur.AsSpan(0, Spec.OutputShape.Size);
    }

    /// <summary>A LayerOp layer: planar input to channels last, its kernel, back to planar.</summary>
    private void RunOp(int i, long[] cur, int curFrac, TensorShape s, TensorShape o, long[] y, Workspace ws)
    {
        var x = new long[s.Size];
        FromPlanar(cur.AsSpan(0, s.Size), s, x);
        var frac = curFrac;
        if (Formats[i] is { } f)
        {
            FixedKernels.Requantize(x, curFrac, f.Input, x);
            frac = f.Input.FracBits;
        }
        var hwc = new long[o.Size];
        _ops[i]!.Run(x, frac, hwc);
        ToPlanar(hwc, o, y);
    }

    private static void MaxPool(long[] x, TensorShape s, TensorShape o, int p, long[] y)
    {
        for (var c = 0; c < o.C; c++)
            for (var yy = 0; yy < o.H; yy++)
                for (var xx = 0; xx < o.W; xx++)
                {
                    var m = long.MinValue;
                    for (var dy = 0; dy < p; dy++)
                        for (var dx = 0; dx < p; dx++) m = Math.Max(m, x[c * s.H * s.W + (yy * p + dy) * s.W + xx * p + dx]);
                    y[c * o.H * o.W + yy * o.W + xx] = m;
                }
    }

    /// <summary>Channels last (HWC) to channel-planar (CHW).</summary>
    private static void ToPlanar(ReadOnlySpan<long> hwc, TensorShape s, Span<long> chw)
    {
        if (s.C == 1 || s.H * s.W == 1) { hwc[..s.Size].CopyTo(chw); return; }
        for (var p = 0; p < s.H * s.W; p++)
            for (var c = 0; c < s.C; c++) chw[c * s.H * s.W + p] = hwc[p * s.C + c];
    }

    private static void FromPlanar(ReadOnlySpan<long> chw, TensorShape s, Span<long> hwc)
    {
        if (s.C == 1 || s.H * s.W == 1) { chw[..s.Size].CopyTo(hwc); return; }
        for (var p = 0; p < s.H * s.W; p++)
            for (var c = 0; c < s.C; c++) hwc[p * s.C + c] = chw[c * s.H * s.W + p];
    }
}
