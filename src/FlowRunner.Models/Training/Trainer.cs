using FlowRunner.Models.Datasets;
using FlowRunner.Models.Network;

namespace FlowRunner.Models.Training;

/// <summary>Settings of a training run: mini-batch SGD with momentum on softmax cross-entropy; <see cref="Qat"/> turns on quantization-aware training.</summary>
public sealed record TrainingOptions(int Epochs = 3, int Batch = 32, double LearningRate = 0.01, double Momentum = 0.9, int Seed = 1,
    QuantizationPlan? Qat = null, int Threads = 2);

/// <summary>Trains a network. Deterministic for a seed whatever the thread count: each batch is cut into a fixed number of chunks whose
/// gradients are computed in parallel and summed in chunk order.</summary>
public static class Trainer
{
    private const int Chunks = 4;

    public static FloatNetwork Train(NetworkSpec spec, Dataset train, TrainingOptions o, Action<double, string>? progress = null,
        FloatNetwork? start = null, CancellationToken ct = default)
    {
        var net = start ?? new FloatNetwork(spec);
        if (start is null) net.Initialize(o.Seed);
        var layers = spec.Layers.Count;
        var velocityW = net.Weights.Select(w => new float[w.Length]).ToArray();
        var velocityB = net.Biases.Select(b => new float[b.Length]).ToArray();
        var gradW = Enumerable.Range(0, Chunks).Select(_ => net.Weights.Select(w => new float[w.Length]).ToArray()).ToArray();
        var gradB = Enumerable.Range(0, Chunks).Select(_ => net.Biases.Select(b => new float[b.Length]).ToArray()).ToArray();
        var rng = new Random(o.Seed + 1);
        var order = Enumerable.Range(0, train.Count).ToArray();
        var steps = (train.Count + o.Batch - 1) / o.Batch;
        for (var epoch = 0; epoch < o.Epochs; epoch++)
        {
            rng.Shuffle(order);
            for (var step = 0; step < steps; step++)
            {
                ct.ThrowIfCancellationRequested();
                var from = step * o.Batch;
                var to = Math.Min(train.Count, from + o.Batch);
                var weights = o.Qat is null ? net.Weights : o.Qat.QuantizedWeights(net);
                Parallel.For(0, Chunks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, o.Threads) }, chunk =>
                {
                    foreach (var g in gradW[chunk]) Array.Clear(g);
                    foreach (var g in gradB[chunk]) Array.Clear(g);
                    var acts = new float[layers + 1][];
                    var clipped = o.Qat is null ? null : new bool[layers][];
                    for (var s = from + chunk; s < to; s += Chunks)
                    {
                        var i = order[s];
                        net.Forward(train.Images[i], acts, o.Qat, weights, clipped);
                        net.Backward(acts, train.Labels[i], gradW[chunk], gradB[chunk], weights, clipped);
                    }
                });
                var scale = (float)(o.LearningRate / (to - from));
                for (var l = 0; l < layers; l++)
                {
                    Update(net.Weights[l], velocityW[l], gradW, l, scale, (float)o.Momentum, isBias: false);
                    Update(net.Biases[l], velocityB[l], gradB, l, scale, (float)o.Momentum, isBias: true);
                }
                if (step % 20 == 0) progress?.Invoke((epoch + (double)step / steps) / o.Epochs, $"epoch {epoch + 1}/{o.Epochs}");
            }
        }
        return net;
    }

    private static void Update(float[] p, float[] v, float[][][] grads, int layer, float scale, float momentum, bool isBias)
    {
        for (var k = 0; k < p.Length; k++)
        {
            float g = 0;
            for (var c = 0; c < Chunks; c++) g += grads[c][layer][k];
            v[k] = momentum * v[k] - scale * g;
            p[k] += v[k];
        }
    }

    /// <summary>Fraction of correctly classified images (float inference, or quantization-aware with a plan).</summary>
    public static double Accuracy(FloatNetwork net, Dataset test, QuantizationPlan? q = null, int threads = 2)
    {
        var correct = 0;
        var weights = q?.QuantizedWeights(net);
        Parallel.For(0, test.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, () => (0, new float[net.Spec.Layers.Count + 1][]), (i, _, st) =>
        {
            net.Forward(test.Images[i], st.Item2, q, weights);
            var logits = st.Item2[^1];
            var best = 0;
            for (var j = 1; j < logits.Length; j++) if (logits[j] > logits[best]) best = j;
            return (st.Item1 + (best == test.Labels[i] ? 1 : 0), st.Item2);
        }, st => Interlocked.Add(ref correct, st.Item1));
        return (double)correct / test.Count;
    }
}
