using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Models.Layers;

/// <summary>Batch normalization that follows no Dense or Conv (importers fold it into one where it does): per channel y = x × scale + shift,
/// with scale = γ / √(variance + ε) and shift = β − mean × scale. Weights are the scales, biases the shifts; bit-accurately
/// <c>acc = shift; acc += scale * x; y = acc</c> in the layer's formats.</summary>
public sealed class ScaleOp : LayerOp
{
    public override string Type => "batchnorm";
    public override bool HasWeights => true;
    public override TensorShape OutputShape(TensorShape s) => s;
    public override int FanIn(TensorShape s) => 1;
    public override int WeightCount(TensorShape s) => s.C;
    public override int BiasCount(TensorShape s, bool bias) => s.C;
    public override IEnumerable<KeyValuePair<string, object>> Options() => [];

    public override void Forward(float[] x, TensorShape s, float[] y, TensorShape o, float[] w, float[] b)
    {
        for (var i = 0; i < s.Size; i++) y[i] = x[i] * w[i % s.C] + b[i % s.C];
    }

    public override void Backward(float[] x, float[] y, float[] gy, TensorShape s, TensorShape o, float[] w, float[] gw, float[] gb, float[]? gx)
    {
        for (var i = 0; i < s.Size; i++)
        {
            var c = i % s.C;
            gw[c] += gy[i] * x[i];
            gb[c] += gy[i];
            if (gx is not null) gx[i] += gy[i] * w[c];
        }
    }

    public override RawKernel Prepare(float[] w, float[] b, TensorShape s, TensorShape o, LayerFormats? f, FixedFormat incoming, FixedFormat output) =>
        new Raw(new WeightedRaw(w, b, f!), s.C);

    private sealed class Raw(WeightedRaw q, int channels) : RawKernel
    {
        public override void Run(ReadOnlySpan<long> x, int inFrac, Span<long> y)
        {
            for (var i = 0; i < x.Length; i++)
            {
                var c = i % channels;
                y[i] = q.Output(q.Start(c), x.Slice(i, 1), q.Weights.AsSpan(c, 1));
            }
        }
    }
}
