using FlowRunner.Models.Datasets;
using FlowRunner.Models.Network;

namespace FlowRunner.Models.Profiling;

/// <summary>The largest magnitude one tensor reached and the integer bits (sign included) a signed format needs to hold it.</summary>
/// <param name="Tensor">"input", "&lt;layer&gt;.weights", "&lt;layer&gt;.bias" or a layer name (its output; for Conv2D and Dense the
/// value before assignment into the output format, i.e. what the accumulator holds at the end).</param>
public sealed record TensorRange(string Tensor, string Kind, double MaxAbs, int IntBits);

/// <summary>Range profiling: runs the float network over a dataset and records the largest |value| of the input, of every layer's output and
/// of the weights, with the integer bits each needs (the reference story: 59.804 needs 7 integer bits with sign).</summary>
public static class RangeProfiler
{
    public static IReadOnlyList<TensorRange> Profile(FloatNetwork net, Dataset data, int threads = 2)
    {
        Training.Trainer.CheckFits(net.Spec, data);
        var spec = net.Spec;
        var tensors = spec.Layers.Count + 1;
        var max = new double[tensors];
        var gate = new object();
        Parallel.For(0, data.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) },
            () => (Acts: net.NewActivations(), Max: new double[tensors]),
            (i, _, st) =>
            {
                net.Forward(data.Images[i], st.Acts);
                for (var t = 0; t < tensors; t++)
                    foreach (var v in st.Acts[t]) st.Max[t] = Math.Max(st.Max[t], Math.Abs(v));
                return st;
            },
            st => { lock (gate) for (var t = 0; t < tensors; t++) max[t] = Math.Max(max[t], st.Max[t]); }); // max is order-free: deterministic
        var result = new List<TensorRange> { new("input", "input", max[0], IntBitsFor(max[0])) };
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            var l = spec.Layers[i];
            if (l.HasWeights)
            {
                var w = net.Weights[i].Length == 0 ? 0 : net.Weights[i].Max(v => Math.Abs((double)v));
                result.Add(new TensorRange($"{l.Name}.weights", "weights", w, IntBitsFor(w)));
                if (net.Biases[i].Length > 0)
                {
                    var b = net.Biases[i].Max(v => Math.Abs((double)v));
                    result.Add(new TensorRange($"{l.Name}.bias", "bias", b, IntBitsFor(b)));
                }
            }
            result.Add(new TensorRange(l.Name, l.TypeName, max[i + 1], IntBitsFor(max[i + 1])));
        }
        return result;
    }

    /// <summary>Integer bits, sign included, of the narrowest signed format whose range [-2^(I-1), 2^(I-1)) holds ±m: floor(log2 m) + 2
    /// (59.804 needs 7, 64 needs 8, 0.5 needs 1; below 0.5 the count goes to zero and negative, as ac_fixed allows). 1 for m = 0.</summary>
    public static int IntBitsFor(double m) => m <= 0 ? 1 : (int)Math.Floor(Math.Log2(m)) + 2;
}
