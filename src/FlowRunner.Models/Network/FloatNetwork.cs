using FlowRunner.Numerics.Formats;
using FlowRunner.Numerics.Kernels;

namespace FlowRunner.Models.Network;

/// <summary>The network with float weights: forward and backward passes for training, and float inference. With a
/// <see cref="QuantizationPlan"/> the forward pass quantizes weights and layer outputs with the same Numerics code the bit-accurate model uses
/// (quantization-aware training; the backward pass treats quantization as identity, the straight-through estimator).</summary>
public sealed class FloatNetwork
{
    public FloatNetwork(NetworkSpec spec)
    {
        Spec = spec;
        Shapes = spec.Shapes();
        Weights = new float[spec.Layers.Count][];
        Biases = new float[spec.Layers.Count][];
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            var l = spec.Layers[i];
            var (_, _, cin) = InputShape(i);
            if (l.Kind == LayerKind.Conv2D) { Weights[i] = new float[l.Filters * l.Kernel * l.Kernel * cin]; Biases[i] = new float[l.Bias ? l.Filters : 0]; }
            else if (l.Kind == LayerKind.Dense) { Weights[i] = new float[l.Units * InputSize(i)]; Biases[i] = new float[l.Bias ? l.Units : 0]; }
            else { Weights[i] = []; Biases[i] = []; }
        }
    }

    public NetworkSpec Spec { get; }
    public IReadOnlyList<(int H, int W, int C)> Shapes { get; }

    /// <summary>Per layer: conv weights as [filter][ky][kx][channel], dense weights as [unit][input]; empty for layers without weights.</summary>
    public float[][] Weights { get; }
    public float[][] Biases { get; }

    public (int H, int W, int C) InputShape(int layer) => layer == 0 ? (Spec.Height, Spec.Width, Spec.Channels) : Shapes[layer - 1];

    public int InputSize(int layer) { var (h, w, c) = InputShape(layer); return h * w * c; }

    /// <summary>He initialisation from a seed.</summary>
    public void Initialize(int seed)
    {
        var rng = new Random(seed);
        for (var i = 0; i < Weights.Length; i++)
        {
            if (Weights[i].Length == 0) continue;
            var l = Spec.Layers[i];
            var fanIn = l.Kind == LayerKind.Conv2D ? l.Kernel * l.Kernel * InputShape(i).C : InputSize(i);
            var std = Math.Sqrt(2.0 / fanIn);
            for (var k = 0; k < Weights[i].Length; k++)
                Weights[i][k] = (float)(std * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        }
    }

    /// <summary>Runs the layers; <paramref name="acts"/>[i+1] receives layer i's output (acts[0] is the input). Softmax is left out: the last
    /// array holds the logits.</summary>
    /// <param name="clipped">When given (quantization-aware training), receives per weighted layer the outputs that saturated, so the backward
    /// pass can stop their gradient (the clipped straight-through estimator).</param>
    public void Forward(float[] input, float[][] acts, QuantizationPlan? q = null, float[][]? weights = null, bool[][]? clipped = null)
    {
        weights ??= Weights;
        acts[0] = q?.Input is { } inFmt ? QuantizeCopy(input, inFmt) : input;
        for (var i = 0; i < Spec.Layers.Count; i++)
        {
            var l = Spec.Layers[i];
            var x = acts[i];
            var (h, w, c) = InputShape(i);
            var (oh, ow, oc) = Shapes[i];
            var y = acts[i + 1] is { } buf && buf.Length == oh * ow * oc ? buf : new float[oh * ow * oc];
            switch (l.Kind)
            {
                case LayerKind.Conv2D:
                    var k = l.Kernel;
                    var wt = weights[i];
                    for (var yy = 0; yy < oh; yy++)
                        for (var xx = 0; xx < ow; xx++)
                            for (var f = 0; f < oc; f++)
                            {
                                var s = l.Bias ? Biases[i][f] : 0f;
                                var wBase = f * k * k * c;
                                for (var ky = 0; ky < k; ky++)
                                {
                                    var inRow = ((yy + ky) * w + xx) * c;
                                    var wRow = wBase + ky * k * c;
                                    for (var j = 0; j < k * c; j++) s += x[inRow + j] * wt[wRow + j];
                                }
                                y[(yy * ow + xx) * oc + f] = s;
                            }
                    break;
                case LayerKind.Dense:
                    var n = x.Length;
                    for (var u = 0; u < oc; u++)
                    {
                        var s = l.Bias ? Biases[i][u] : 0f;
                        var wr = weights[i].AsSpan(u * n, n);
                        for (var j = 0; j < n; j++) s += x[j] * wr[j];
                        y[u] = s;
                    }
                    break;
                case LayerKind.ReLU:
                    for (var j = 0; j < x.Length; j++) y[j] = x[j] > 0 ? x[j] : 0;
                    break;
                case LayerKind.MaxPool2D:
                    var p = l.Pool;
                    for (var yy = 0; yy < oh; yy++)
                        for (var xx = 0; xx < ow; xx++)
                            for (var ch = 0; ch < oc; ch++)
                            {
                                var m = float.NegativeInfinity;
                                for (var dy = 0; dy < p; dy++)
                                    for (var dx = 0; dx < p; dx++) m = Math.Max(m, x[((yy * p + dy) * w + xx * p + dx) * c + ch]);
                                y[(yy * ow + xx) * oc + ch] = m;
                            }
                    break;
                default: // flatten and softmax keep the values (softmax is folded into the loss and into argmax)
                    Array.Copy(x, y, x.Length);
                    break;
            }
            if (q?.Outputs[i] is { } outFmt && l.HasWeights)
            {
                if (clipped is not null)
                {
                    var mask = clipped[i] is { } m && m.Length == y.Length ? m : clipped[i] = new bool[y.Length];
                    for (var j = 0; j < y.Length; j++) mask[j] = y[j] > outFmt.Max || y[j] < outFmt.Min;
                }
                QuantizeInPlace(y, outFmt);
            }
            acts[i + 1] = y;
        }
    }

    private static float[] QuantizeCopy(float[] x, FixedFormat f)
    {
        var y = (float[])x.Clone();
        QuantizeInPlace(y, f);
        return y;
    }

    /// <summary>Quantize then dequantize with the fixed-point kernels (the values the hardware would hold).</summary>
    public static void QuantizeInPlace(float[] x, FixedFormat f)
    {
        for (var j = 0; j < x.Length; j++) x[j] = (float)Math.ScaleB(FixedKernels.Quantize(x[j], f), -f.FracBits);
    }

    /// <summary>Back-propagates the softmax cross-entropy loss of one sample, adding to the gradients.</summary>
    public void Backward(float[][] acts, int label, float[][] gradW, float[][] gradB, float[][] weights, bool[][]? clipped = null)
    {
        var layers = Spec.Layers.Count;
        var logits = acts[layers];
        var max = logits.Max();
        var exp = logits.Select(v => Math.Exp(v - max)).ToArray();
        var sum = exp.Sum();
        var g = exp.Select(e => (float)(e / sum)).ToArray();
        g[label] -= 1;
        for (var i = layers - 1; i >= 0; i--)
        {
            var l = Spec.Layers[i];
            var x = acts[i];
            var (h, w, c) = InputShape(i);
            var (oh, ow, oc) = Shapes[i];
            var gx = new float[x.Length];
            if (clipped?[i] is { } clip && l.HasWeights)
                for (var j = 0; j < g.Length; j++) if (clip[j]) g[j] = 0;
            switch (l.Kind)
            {
                case LayerKind.Conv2D:
                    var k = l.Kernel;
                    var wt = weights[i];
                    for (var yy = 0; yy < oh; yy++)
                        for (var xx = 0; xx < ow; xx++)
                            for (var f = 0; f < oc; f++)
                            {
                                var go = g[(yy * ow + xx) * oc + f];
                                if (go == 0) continue;
                                if (l.Bias) gradB[i][f] += go;
                                var wBase = f * k * k * c;
                                for (var ky = 0; ky < k; ky++)
                                {
                                    var inRow = ((yy + ky) * w + xx) * c;
                                    var wRow = wBase + ky * k * c;
                                    for (var j = 0; j < k * c; j++)
                                    {
                                        gradW[i][wRow + j] += go * x[inRow + j];
                                        gx[inRow + j] += go * wt[wRow + j];
                                    }
                                }
                            }
                    break;
                case LayerKind.Dense:
                    var n = x.Length;
                    for (var u = 0; u < oc; u++)
                    {
                        var go = g[u];
                        if (l.Bias) gradB[i][u] += go;
                        var wr = weights[i].AsSpan(u * n, n);
                        var gw = gradW[i].AsSpan(u * n, n);
                        for (var j = 0; j < n; j++) { gw[j] += go * x[j]; gx[j] += go * wr[j]; }
                    }
                    break;
                case LayerKind.ReLU:
                    for (var j = 0; j < x.Length; j++) gx[j] = x[j] > 0 ? g[j] : 0;
                    break;
                case LayerKind.MaxPool2D:
                    var p = l.Pool;
                    for (var yy = 0; yy < oh; yy++)
                        for (var xx = 0; xx < ow; xx++)
                            for (var ch = 0; ch < oc; ch++)
                            {
                                var best = -1;
                                for (var dy = 0; dy < p; dy++)
                                    for (var dx = 0; dx < p; dx++)
                                    {
                                        var idx = ((yy * p + dy) * w + xx * p + dx) * c + ch;
                                        if (best < 0 || x[idx] > x[best]) best = idx;
                                    }
                                gx[best] += g[(yy * ow + xx) * oc + ch];
                            }
                    break;
                default:
                    Array.Copy(g, gx, g.Length);
                    break;
            }
            g = gx;
        }
    }

    /// <summary>Index of the largest logit.</summary>
    public int Predict(float[] input, QuantizationPlan? q = null)
    {
        var acts = new float[Spec.Layers.Count + 1][];
        Forward(input, acts, q, q is null ? null : q.QuantizedWeights(this));
        var logits = acts[^1];
        var best = 0;
        for (var j = 1; j < logits.Length; j++) if (logits[j] > logits[best]) best = j;
        return best;
    }
}

/// <summary>Which formats the quantization-aware forward pass applies: the input image, each layer's weights and outputs.</summary>
public sealed record QuantizationPlan(FixedFormat? Input, IReadOnlyList<FixedFormat?> WeightFormats, IReadOnlyList<FixedFormat?> Outputs)
{
    /// <summary>One format for inputs, weights and outputs of every layer (per-layer formats in the description win).</summary>
    public static QuantizationPlan Uniform(NetworkSpec spec, FixedFormat f) => new(
        spec.Layers.FirstOrDefault()?.InputFormat ?? f,
        spec.Layers.Select(l => (FixedFormat?)(l.HasWeights ? l.WeightFormat ?? f : null)).ToList(),
        spec.Layers.Select(l => (FixedFormat?)(l.HasWeights ? l.OutputFormat ?? f : null)).ToList());

    public float[][] QuantizedWeights(FloatNetwork net) => net.Weights.Select((w, i) =>
    {
        if (WeightFormats[i] is not { } f || w.Length == 0) return w;
        var q = (float[])w.Clone();
        FloatNetwork.QuantizeInPlace(q, f);
        return q;
    }).ToArray();
}
