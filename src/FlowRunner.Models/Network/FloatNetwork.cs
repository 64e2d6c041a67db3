using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FlowRunner.Models.Training;

namespace FlowRunner.Models.Network;

/// <summary>A network with float weights: He initialisation and the float forward pass (float inference, and the forward pass of training).
/// With a <see cref="QuantizationPlan"/> the forward pass quantizes the image, the weights and every layer's output with the Numerics kernels
/// the bit-accurate model uses (quantization-aware training).</summary>
public sealed class FloatNetwork
{
    public FloatNetwork(NetworkSpec spec)
    {
        Spec = spec;
        Weights = new float[spec.Layers.Count][];
        Biases = new float[spec.Layers.Count][];
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            Weights[i] = new float[spec.WeightCount(i)];
            Biases[i] = new float[spec.BiasCount(i)];
        }
    }

    public NetworkSpec Spec { get; }

    /// <summary>Per layer: Conv2D weights as [filter][ky][kx][channel], Dense weights as [unit][input]; empty for layers without weights.</summary>
    public float[][] Weights { get; }

    /// <summary>Per layer: one bias per filter or unit when the layer has `bias: true`, else empty.</summary>
    public float[][] Biases { get; }

    /// <summary>He-normal weights (standard deviation √(2 / fan-in)) from the seed; biases zero.</summary>
    public void Initialize(int seed)
    {
        var rng = new Random(seed);
        for (var i = 0; i < Weights.Length; i++)
        {
            if (Weights[i].Length == 0) continue;
            var std = Math.Sqrt(2.0 / Spec.FanIn(i));
            for (var k = 0; k < Weights[i].Length; k++)
                Weights[i][k] = (float)(std * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
            Array.Clear(Biases[i]);
        }
    }

    public FloatNetwork Clone()
    {
        var c = new FloatNetwork(Spec);
        for (var i = 0; i < Weights.Length; i++) { Weights[i].CopyTo(c.Weights[i], 0); Biases[i].CopyTo(c.Biases[i], 0); }
        return c;
    }

    /// <summary>Buffers for <see cref="Forward"/>: [0] the input, [i + 1] the output of layer i.</summary>
    public float[][] NewActivations() =>
        [new float[Spec.Input.Size], .. Spec.Shapes.Select(s => new float[s.Size])];

    /// <summary>Runs the layers on one image. Softmax is left out (it is monotonic, and training folds it into the loss): the last buffer holds
    /// the logits. With a plan, call it on the plan's quantized copy of the network (<see cref="QuantizationPlan.Quantize"/>).</summary>
    /// <param name="clipped">Quantization-aware training with a clipping plan: receives, per layer with weights, which outputs lay outside
    /// the output format's range before quantization (the backward pass stops their gradient).</param>
    public void Forward(ReadOnlySpan<float> image, float[][] acts, QuantizationPlan? q = null, bool[][]? clipped = null)
    {
        image.CopyTo(acts[0]);
        if (q is not null) q.QuantizeInput(acts[0]);
        for (var i = 0; i < Spec.Layers.Count; i++)
        {
            var l = Spec.Layers[i];
            var x = acts[i];
            var y = acts[i + 1];
            var s = Spec.InputShape(i);
            var o = Spec.Shapes[i];
            switch (l.Kind)
            {
                case LayerKind.Conv2D:
                    if (q is not null) x = q.AssignLayerInput(i, x);
                    Conv(x, s, o, l.Kernel, Weights[i], Biases[i], y);
                    break;
                case LayerKind.Dense:
                    if (q is not null) x = q.AssignLayerInput(i, x);
                    Dense(x, Weights[i], Biases[i], y);
                    break;
                case LayerKind.ReLU:
                    for (var j = 0; j < x.Length; j++) y[j] = x[j] > 0 ? x[j] : 0;
                    break;
                case LayerKind.MaxPool2D:
                    MaxPool(x, s, o, l.Pool, y);
                    break;
                case LayerKind.Extended:
                    if (q is not null && l.HasWeights) x = q.AssignLayerInput(i, x);
                    l.Op!.Forward(x, s, y, o, Weights[i], Biases[i]);
                    if (q is not null && !l.HasWeights) q.QuantizeValues(i, y);
                    break;
                default: // flatten keeps the order (HWC); softmax is folded into the loss and into argmax
                    x.CopyTo(y, 0);
                    break;
            }
            if (q is not null && l.HasWeights) q.QuantizeOutput(i, y, clipped?[i + 1]);
        }
    }

    /// <summary>Valid convolution, stride 1. Each output is <c>acc = bias; acc += Dot(input row, weight row)</c> per kernel row, with
    /// FloatKernels.Dot's order of operations; the vector forms compute many outputs at once with exactly those operations per output, so
    /// the results are the same bits as the one-output loop (<see cref="ConvOutputs"/>), which also takes what they leave.</summary>
    private static void Conv(float[] x, TensorShape s, TensorShape o, int k, float[] w, float[] bias, float[] y)
    {
        var row = k * s.C;
        var v = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated && row < v && o.C >= v && k * row * o.C <= 4096) ConvFiltersInLanes(x, s, o, k, w, bias, y);
        else if (Vector.IsHardwareAccelerated && row >= v && o.W >= v) ConvPositionsInLanes(x, s, o, k, w, bias, y);
        else ConvOutputs(x, s, o, k, w, bias, y, 0, o.W, 0);
    }

    /// <summary>Outputs at columns [x0, x1) and filters from f0 on, one at a time.</summary>
    private static void ConvOutputs(float[] x, TensorShape s, TensorShape o, int k, float[] w, float[] bias, float[] y, int x0, int x1, int f0)
    {
        var row = k * s.C;
        var n = k * row;
        for (var yy = 0; yy < o.H; yy++)
            for (var xx = x0; xx < x1; xx++)
            {
                var outBase = (yy * o.W + xx) * o.C;
                for (var f = f0; f < o.C; f++)
                {
                    var acc = bias.Length > 0 ? bias[f] : 0f;
                    for (var ky = 0; ky < k; ky++)
                        acc += FloatKernels.Dot(x.AsSpan(((yy + ky) * s.W + xx) * s.C, row), w.AsSpan(f * n + ky * row, row));
                    y[outBase + f] = acc;
                }
            }
    }

    /// <summary>Kernel rows shorter than a vector (Dot sums them one product at a time): filters in the lanes, weights transposed so that
    /// lane f holds filter f's weight.</summary>
    private static void ConvFiltersInLanes(float[] x, TensorShape s, TensorShape o, int k, float[] w, float[] bias, float[] y)
    {
        var v = Vector<float>.Count;
        var row = k * s.C;
        var n = k * row;
        var chunks = o.C / v;
        Span<float> wt = stackalloc float[n * o.C]; // [tap][filter]
        for (var f = 0; f < o.C; f++)
            for (var t = 0; t < n; t++) wt[t * o.C + f] = w[f * n + t];
        Span<float> b = stackalloc float[o.C];
        if (bias.Length > 0) bias.CopyTo(b);
        for (var yy = 0; yy < o.H; yy++)
            for (var xx = 0; xx < o.W; xx++)
            {
                var outBase = (yy * o.W + xx) * o.C;
                for (var c = 0; c < chunks; c++)
                {
                    var acc = new Vector<float>(b[(c * v)..]);
                    for (var ky = 0; ky < k; ky++)
                    {
                        var at = ((yy + ky) * s.W + xx) * s.C;
                        var sum = Vector<float>.Zero;
                        for (var i = 0; i < row; i++) sum += new Vector<float>(x[at + i]) * new Vector<float>(wt[((ky * row + i) * o.C + c * v)..]);
                        acc += sum;
                    }
                    acc.CopyTo(y.AsSpan(outBase + c * v));
                }
            }
        if (chunks * v < o.C) ConvOutputs(x, s, o, k, w, bias, y, 0, o.W, chunks * v);
    }

    [ThreadStatic] private static float[]? _planar;

    /// <summary>Kernel rows of a vector or more: neighbouring output columns in the lanes. Dot keeps one partial sum per lane position l
    /// (products l, l + v, ... in order), adds the partials as Vector.Sum does, ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7)), then the
    /// remaining products one at a time; the input is read channel-planar so that each product is one vector load.</summary>
    private static void ConvPositionsInLanes(float[] x, TensorShape s, TensorShape o, int k, float[] w, float[] bias, float[] y)
    {
        var v = Vector<float>.Count;
        if (v != 8) { ConvOutputs(x, s, o, k, w, bias, y, 0, o.W, 0); return; }
        var row = k * s.C;
        var n = k * row;
        var full = row / v * v;
        var plane = s.H * s.W;
        var planar = _planar is { } buf && buf.Length >= s.Size ? buf : _planar = new float[s.Size];
        for (var p = 0; p < plane; p++)
            for (var c = 0; c < s.C; c++) planar[c * plane + p] = x[p * s.C + c];
        var columns = o.W / v * v;
        Span<float> lanes = stackalloc float[v];
        // Input offset of row element i: channel i % C, column i / C.
        var offset = new int[row];
        for (var i = 0; i < row; i++) offset[i] = i % s.C * plane + i / s.C;
        ref var x0 = ref MemoryMarshal.GetArrayDataReference(planar);
        ref var o0 = ref MemoryMarshal.GetArrayDataReference(offset);
        ref var w0 = ref MemoryMarshal.GetArrayDataReference(w);
        for (var yy = 0; yy < o.H; yy++)
            for (var xx = 0; xx < columns; xx += v)
                for (var f = 0; f < o.C; f++)
                {
                    var acc = new Vector<float>(bias.Length > 0 ? bias[f] : 0f);
                    for (var ky = 0; ky < k; ky++)
                    {
                        ref var xr = ref Unsafe.Add(ref x0, (yy + ky) * s.W + xx);
                        ref var wr = ref Unsafe.Add(ref w0, f * n + ky * row);
                        Vector<float> p0 = default, p1 = default, p2 = default, p3 = default, p4 = default, p5 = default, p6 = default, p7 = default;
                        for (var i = 0; i < full; i += 8)
                        {
                            p0 += Vector.LoadUnsafe(ref Unsafe.Add(ref xr, Unsafe.Add(ref o0, i))) * new Vector<float>(Unsafe.Add(ref wr, i));
                            p1 += Vector.LoadUnsafe(ref Unsafe.Add(ref xr, Unsafe.Add(ref o0, i + 1))) * new Vector<float>(Unsafe.Add(ref wr, i + 1));
                            p2 += Vector.LoadUnsafe(ref Unsafe.Add(ref xr, Unsafe.Add(ref o0, i + 2))) * new Vector<float>(Unsafe.Add(ref wr, i + 2));
                            p3 += Vector.LoadUnsafe(ref Unsafe.Add(ref xr, Unsafe.Add(ref o0, i + 3))) * new Vector<float>(Unsafe.Add(ref wr, i + 3));
                            p4 += Vector.LoadUnsafe(ref Unsafe.Add(ref xr, Unsafe.Add(ref o0, i + 4))) * new Vector<float>(Unsafe.Add(ref wr, i + 4));
                            p5 += Vector.LoadUnsafe(ref Unsafe.Add(ref xr, Unsafe.Add(ref o0, i + 5))) * new Vector<float>(Unsafe.Add(ref wr, i + 5));
                            p6 += Vector.LoadUnsafe(ref Unsafe.Add(ref xr, Unsafe.Add(ref o0, i + 6))) * new Vector<float>(Unsafe.Add(ref wr, i + 6));
                            p7 += Vector.LoadUnsafe(ref Unsafe.Add(ref xr, Unsafe.Add(ref o0, i + 7))) * new Vector<float>(Unsafe.Add(ref wr, i + 7));
                        }
                        var sum = ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7));
                        for (var i = full; i < row; i++)
                            sum += Vector.LoadUnsafe(ref Unsafe.Add(ref xr, Unsafe.Add(ref o0, i))) * new Vector<float>(Unsafe.Add(ref wr, i));
                        acc += sum;
                    }
                    acc.CopyTo(lanes);
                    for (var l = 0; l < v; l++) y[(yy * o.W + xx + l) * o.C + f] = lanes[l];
                }
        if (columns < o.W) ConvOutputs(x, s, o, k, w, bias, y, columns, o.W, 0);
    }

    private static void Dense(float[] x, float[] w, float[] bias, float[] y)
    {
        var n = x.Length;
        for (var u = 0; u < y.Length; u++)
        {
            y[u] = FloatKernels.Dot(x, w.AsSpan(u * n, n)) + (bias.Length > 0 ? bias[u] : 0f);
        }
    }

    private static void MaxPool(float[] x, TensorShape s, TensorShape o, int p, float[] y)
    {
        for (var yy = 0; yy < o.H; yy++)
            for (var xx = 0; xx < o.W; xx++)
                for (var c = 0; c < o.C; c++)
                {
                    var m = float.NegativeInfinity;
                    for (var dy = 0; dy < p; dy++)
                        for (var dx = 0; dx < p; dx++) m = Math.Max(m, x[((yy * p + dy) * s.W + xx * p + dx) * s.C + c]);
                    y[(yy * o.W + xx) * o.C + c] = m;
                }
    }

    /// <summary>The logits of one image (float inference, or quantization-aware with a plan).</summary>
    public float[] Logits(ReadOnlySpan<float> image, QuantizationPlan? q = null)
    {
        var acts = NewActivations();
        (q is null ? this : q.Quantize(this)).Forward(image, acts, q);
        return acts[^1];
    }

    /// <summary>What the source framework outputs for one input: the logits, through the final softmax when the network ends in one.</summary>
    public float[] Outputs(ReadOnlySpan<float> image)
    {
        var y = Logits(image);
        if (Spec.Layers[^1].Kind == LayerKind.Softmax) Softmax(y);
        return y;
    }

    /// <summary>exp(x − max) / Σ exp(x − max) in place, summed in double.</summary>
    public static void Softmax(Span<float> y)
    {
        var max = double.NegativeInfinity;
        foreach (var v in y) max = Math.Max(max, v);
        double sum = 0;
        foreach (var v in y) sum += Math.Exp(v - max);
        for (var j = 0; j < y.Length; j++) y[j] = (float)(Math.Exp(y[j] - max) / sum);
    }

    /// <summary>Index of the largest logit (the first on ties).</summary>
    public int Predict(ReadOnlySpan<float> image, QuantizationPlan? q = null) => ArgMax(Logits(image, q));

    public static int ArgMax(ReadOnlySpan<float> v)
    {
        var best = 0;
        for (var j = 1; j < v.Length; j++) if (v[j] > v[best]) best = j;
        return best;
    }
}
