using FlowRunner.Models.Network;

namespace FlowRunner.Models.Training;

/// <summary>Gradients of the softmax cross-entropy loss of one sample, added into a gradient buffer (a network-shaped set of arrays).</summary>
public static class Backprop
{
    /// <summary>Back-propagates one sample whose forward pass left its activations in <paramref name="acts"/>; <paramref name="net"/> is the
    /// network that forward pass ran (the quantized copy under quantization-aware training: quantizers pass gradients unchanged).
    /// <paramref name="scratch"/> holds one buffer per activation (from <see cref="FloatNetwork.NewActivations"/>). Returns the sample's loss.</summary>
    /// <param name="clipped">Outputs marked by a clipping plan's forward pass (see <see cref="QuantizationPlan.ClipGradients"/>): their
    /// gradient is zero.</param>
    public static double Accumulate(FloatNetwork net, float[][] acts, int label, FloatNetwork grad, float[][] scratch, bool[][]? clipped = null)
    {
        var spec = net.Spec;
        var layers = spec.Layers.Count;
        var logits = acts[layers];
        var g = scratch[layers];
        var max = double.NegativeInfinity;
        foreach (var v in logits) max = Math.Max(max, v);
        double sum = 0;
        for (var j = 0; j < logits.Length; j++) sum += Math.Exp(logits[j] - max);
        for (var j = 0; j < logits.Length; j++) g[j] = (float)(Math.Exp(logits[j] - max) / sum);
        var loss = -Math.Log(Math.Max(1e-30, g[label]));
        g[label] -= 1;
        for (var i = layers - 1; i >= 0; i--)
        {
            var l = spec.Layers[i];
            var x = acts[i];
            var gy = scratch[i + 1];
            var gx = scratch[i];
            var needInputGradient = i > 0;
            var s = spec.InputShape(i);
            var o = spec.Shapes[i];
            if (clipped is not null && l.HasWeights)
            {
                var mask = clipped[i + 1];
                for (var j = 0; j < gy.Length; j++) if (mask[j]) gy[j] = 0;
            }
            switch (l.Kind)
            {
                case LayerKind.Conv2D:
                    if (needInputGradient) Array.Clear(gx);
                    Conv(x, gy, s, o, l.Kernel, net.Weights[i], grad.Weights[i], grad.Biases[i], needInputGradient ? gx : null);
                    break;
                case LayerKind.Dense:
                    if (needInputGradient) Array.Clear(gx);
                    Dense(x, gy, net.Weights[i], grad.Weights[i], grad.Biases[i], needInputGradient ? gx : null);
                    break;
                case LayerKind.ReLU:
                    for (var j = 0; j < x.Length; j++) gx[j] = x[j] > 0 ? gy[j] : 0;
                    break;
                case LayerKind.MaxPool2D:
                    Array.Clear(gx);
                    MaxPool(x, gy, s, o, l.Pool, gx);
                    break;
                case LayerKind.Extended:
                    if (needInputGradient) Array.Clear(gx);
                    l.Op!.Backward(x, acts[i + 1], gy, s, o, net.Weights[i], grad.Weights[i], grad.Biases[i], needInputGradient ? gx : null);
                    break;
                default:
                    gy.CopyTo(gx, 0);
                    break;
            }
        }
        return loss;
    }

    private static void Conv(float[] x, float[] gy, TensorShape s, TensorShape o, int k, float[] w, float[] gw, float[] gb, float[]? gx)
    {
        var row = k * s.C;
        var n = k * row;
        for (var yy = 0; yy < o.H; yy++)
            for (var xx = 0; xx < o.W; xx++)
                for (var f = 0; f < o.C; f++)
                {
                    var go = gy[(yy * o.W + xx) * o.C + f];
                    if (go == 0) continue; // ReLU zeroes most of them
                    if (gb.Length > 0) gb[f] += go;
                    for (var ky = 0; ky < k; ky++)
                    {
                        var at = ((yy + ky) * s.W + xx) * s.C;
                        FloatKernels.Axpy(go, x.AsSpan(at, row), gw.AsSpan(f * n + ky * row, row));
                        if (gx is not null) FloatKernels.Axpy(go, w.AsSpan(f * n + ky * row, row), gx.AsSpan(at, row));
                    }
                }
    }

    private static void Dense(float[] x, float[] gy, float[] w, float[] gw, float[] gb, float[]? gx)
    {
        var n = x.Length;
        for (var u = 0; u < gy.Length; u++)
        {
            var go = gy[u];
            if (gb.Length > 0) gb[u] += go;
            FloatKernels.Axpy(go, x, gw.AsSpan(u * n, n));
            if (gx is not null) FloatKernels.Axpy(go, w.AsSpan(u * n, n), gx);
        }
    }

    private static void MaxPool(float[] x, float[] gy, TensorShape s, TensorShape o, int p, float[] gx)
    {
        for (var yy = 0; yy < o.H; yy++)
            for (var xx = 0; xx < o.W; xx++)
                for (var c = 0; c < o.C; c++)
                {
                    var best = -1;
                    for (var dy = 0; dy < p; dy++)
                        for (var dx = 0; dx < p; dx++)
                        {
                            var idx = ((yy * p + dy) * s.W + xx * p + dx) * s.C + c;
                            if (best < 0 || x[idx] > x[best]) best = idx;
                        }
                    gx[best] += gy[(yy * o.W + xx) * o.C + c];
                }
    }
}
