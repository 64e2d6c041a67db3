using FlowRunner.Models.Datasets;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;

namespace FlowRunner.Models.Training;

/// <summary>Quantization-aware fine-tuning of a float-trained network at a format, and its bit-accurate accuracy: what accuracy.sweep and the
/// model bench run per QAT point.</summary>
public static class QuantizationAwareTraining
{
    /// <summary>The usual fine-tuning: 2 epochs of Adam at 0.001 (with the clipped estimator Adam and SGD at 0.005 end within a point or
    /// two of each other on the reference network; with the plain one SGD fell below post-training quantization).</summary>
    public static TrainingOptions DefaultOptions(int seed = 1, int threads = 2) =>
        new(Epochs: 2, Batch: 32, LearningRate: 0.001, Optimizer: OptimizerKind.Adam, Seed: seed, Threads: threads);

    /// <summary>Fine-tunes a copy of <paramref name="trained"/> with the forward pass fake-quantized to <paramref name="formats"/>
    /// (<see cref="QuantizationPlan"/>; <paramref name="clipGradients"/> picks the clipped straight-through estimator).</summary>
    public static FloatNetwork FineTune(FloatNetwork trained, Dataset train, FormatDefaults formats, TrainingOptions o,
        Action<TrainingProgress>? progress = null, CancellationToken ct = default, bool clipGradients = true) =>
        Trainer.Train(trained.Spec, train, o with { Qat = new QuantizationPlan(trained.Spec, formats, clipGradients) }, progress, trained, ct);

    /// <summary>Fine-tunes, then measures the bit-accurate accuracy at the same formats on the test set.</summary>
    public static (FloatNetwork Net, double Accuracy) FineTuneAndTest(FloatNetwork trained, Dataset train, Dataset test, FormatDefaults formats,
        TrainingOptions o, CancellationToken ct = default, bool clipGradients = true)
    {
        var tuned = FineTune(trained, train, formats, o, ct: ct, clipGradients: clipGradients);
        return (tuned, new BitAccurateNetwork(tuned, formats).Accuracy(test, o.Threads));
    }
}
