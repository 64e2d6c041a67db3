using FlowRunner.Models.Datasets;
using FlowRunner.Models.Network;
using FlowRunner.Models.Training;

namespace FlowRunner.Models.Inference;

/// <summary>Float inference over a dataset, in parallel over images: plain float32, or fake-quantized with a plan (what quantization-aware
/// training sees).</summary>
public static class FloatInference
{
    /// <summary>Predicted class of each image (argmax of the logits, the first on ties).</summary>
    public static int[] Classify(FloatNetwork net, Dataset data, QuantizationPlan? q = null, int threads = 2)
    {
        Trainer.CheckFits(net.Spec, data);
        var run = q is null ? net : q.Quantize(net);
        var predictions = new int[data.Count];
        const int chunk = 32;
        Parallel.For(0, (data.Count + chunk - 1) / chunk, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, run.NewActivations, (c, _, acts) =>
        {
            for (var i = c * chunk; i < Math.Min(data.Count, (c + 1) * chunk); i++)
            {
                run.Forward(data.Images[i], acts, q);
                predictions[i] = FloatNetwork.ArgMax(acts[^1]);
            }
            return acts;
        }, _ => { });
        return predictions;
    }

    /// <summary>Fraction of images classified as labelled.</summary>
    public static double Accuracy(FloatNetwork net, Dataset data, QuantizationPlan? q = null, int threads = 2)
    {
        if (data.Count == 0) return double.NaN;
        var p = Classify(net, data, q, threads);
        return (double)p.Where((c, i) => c == data.Labels[i]).Count() / data.Count;
    }
}
