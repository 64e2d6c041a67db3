using FlowRunner.Models.Datasets;
using FlowRunner.Models.Network;

namespace FlowRunner.Models.Training;

/// <summary>Settings of a training run: mini-batch gradient descent on softmax cross-entropy.</summary>
/// <param name="LearningRate">0 takes the optimizer's usual rate (<see cref="Optimizer.DefaultRate"/>).</param>
/// <param name="Seed">Seeds the weight initialisation and the shuffling of every epoch.</param>
/// <param name="Qat">When set, quantization-aware training: the forward pass is fake-quantized by the plan.</param>
/// <param name="Threads">Threads for the batch; the result does not depend on it.</param>
public sealed record TrainingOptions(int Epochs = 3, int Batch = 32, double LearningRate = 0, OptimizerKind Optimizer = OptimizerKind.Sgd,
    double Momentum = 0.9, int Seed = 1, QuantizationPlan? Qat = null, int Threads = 2)
{
    public double Rate => LearningRate > 0 ? LearningRate : Training.Optimizer.DefaultRate(Optimizer);
}

/// <summary>Where a training run is: epoch (1-based), overall fraction done, and the mean loss of the epoch once it ends.</summary>
public sealed record TrainingProgress(int Epoch, int Epochs, double Fraction, double? EpochLoss);

/// <summary>Trains a network. Each mini-batch is cut into a fixed number of interleaved slices whose gradients are computed in parallel
/// (each slice in its own buffer, its samples in order) and summed in slice order, so the weights are the same bits for a seed whatever the
/// thread count and scheduling.</summary>
public static class Trainer
{
    /// <summary>Slices per mini-batch; fixed so that results do not depend on the number of threads.</summary>
    private const int Slices = 8;

    /// <summary>Trains from <paramref name="start"/> (fine-tuning, e.g. quantization-aware after float training) or from a seeded
    /// initialisation.</summary>
    public static FloatNetwork Train(NetworkSpec spec, Dataset train, TrainingOptions o, Action<TrainingProgress>? progress = null,
        FloatNetwork? start = null, CancellationToken ct = default)
    {
        if (o.Epochs < 0 || o.Batch < 1) throw new ArgumentException($"epochs must be >= 0 and batch >= 1, got {o.Epochs} and {o.Batch}");
        CheckFits(spec, train);
        var net = start?.Clone() ?? new FloatNetwork(spec);
        if (start is null) net.Initialize(o.Seed);
        var optimizer = new Optimizer(net, o.Optimizer, o.Rate, o.Momentum);
        var grads = Enumerable.Range(0, Slices).Select(_ => new FloatNetwork(spec)).ToArray();
        var acts = Enumerable.Range(0, Slices).Select(_ => net.NewActivations()).ToArray();
        var scratch = Enumerable.Range(0, Slices).Select(_ => net.NewActivations()).ToArray();
        var clipped = o.Qat is { ClipGradients: true }
            ? Enumerable.Range(0, Slices).Select(_ => acts[0].Select(a => new bool[a.Length]).ToArray()).ToArray()
            : null;
        var losses = new double[Slices];
        var rng = new Random(unchecked(o.Seed * 7919 + 17));
        var order = Enumerable.Range(0, train.Count).ToArray();
        var steps = (train.Count + o.Batch - 1) / o.Batch;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, o.Threads), CancellationToken = ct };
        for (var epoch = 0; epoch < o.Epochs; epoch++)
        {
            rng.Shuffle(order);
            double epochLoss = 0;
            for (var step = 0; step < steps; step++)
            {
                ct.ThrowIfCancellationRequested();
                var from = step * o.Batch;
                var to = Math.Min(train.Count, from + o.Batch);
                var forward = o.Qat is null ? net : o.Qat.Quantize(net);
                Parallel.For(0, Slices, parallel, slice =>
                {
                    var g = grads[slice];
                    foreach (var a in g.Weights) Array.Clear(a);
                    foreach (var a in g.Biases) Array.Clear(a);
                    double loss = 0;
                    for (var s = from + slice; s < to; s += Slices)
                    {
                        var i = order[s];
                        forward.Forward(train.Images[i], acts[slice], o.Qat, clipped?[slice]);
                        loss += Backprop.Accumulate(forward, acts[slice], train.Labels[i], g, scratch[slice], clipped?[slice]);
                    }
                    losses[slice] = loss;
                });
                for (var slice = 1; slice < Slices; slice++) Add(grads[0], grads[slice]);
                optimizer.Step(net, grads[0], to - from);
                epochLoss += losses.Sum();
                if (step % 25 == 0) progress?.Invoke(new TrainingProgress(epoch + 1, o.Epochs, (epoch + (double)step / steps) / o.Epochs, null));
            }
            progress?.Invoke(new TrainingProgress(epoch + 1, o.Epochs, (epoch + 1.0) / o.Epochs, epochLoss / train.Count));
        }
        return net;
    }

    private static void Add(FloatNetwork into, FloatNetwork g)
    {
        for (var l = 0; l < into.Weights.Length; l++)
        {
            var (a, b) = (into.Weights[l], g.Weights[l]);
            for (var k = 0; k < a.Length; k++) a[k] += b[k];
            var (c, d) = (into.Biases[l], g.Biases[l]);
            for (var k = 0; k < c.Length; k++) c[k] += d[k];
        }
    }

    /// <summary>The dataset's images must have the network's input shape (or its size, for a network on flat vectors) and its labels must be
    /// classes of the network.</summary>
    public static void CheckFits(NetworkSpec spec, Dataset data)
    {
        var shape = new TensorShape(data.Height, data.Width, data.Channels);
        // A network taking a flat vector (an MLP trained on flattened images) reads the images row by row, channels last, as Keras flattens them.
        var flat = spec.Input.H == 1 && spec.Input.W == 1 && shape.Size == spec.Input.Size;
        if (shape != spec.Input && !flat) throw new ModelFormatException($"dataset '{data.Name}' has {shape} images, network '{spec.Name}' takes {spec.Input}");
        for (var i = 0; i < data.Count; i++)
            if (data.Labels[i] >= spec.Classes)
                throw new ModelFormatException($"dataset '{data.Name}': image {i} has label {data.Labels[i]}, network '{spec.Name}' has {spec.Classes} classes");
    }
}
