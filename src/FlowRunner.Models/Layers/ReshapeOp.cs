using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Models.Layers;

/// <summary>Flatten or reshape. `order: hwc` (Keras) keeps the values in place; `order: chw` (ONNX graphs from PyTorch, which flatten
/// channels first) lays the channels-last tensor out channel by channel: out[(c × H + y) × W + x] = in[(y × W + x) × C + c].</summary>
public sealed class ReshapeOp(string type, TensorShape? target, string order) : LayerOp
{
    public override string Type => type;
    public string Order => order;

    public override TensorShape OutputShape(TensorShape s)
    {
        var t = target ?? new TensorShape(1, 1, s.Size);
        if (t.Size != s.Size) throw new ModelFormatException($"cannot reshape {s} ({s.Size} values) to {t} ({t.Size})");
        return t;
    }

    public override IEnumerable<KeyValuePair<string, object>> Options()
    {
        if (target is { } t) yield return new("shape", new[] { t.H, t.W, t.C });
        yield return new("order", order);
    }

    public override string Describe() => $"{type} ({order})";

    private int Source(TensorShape s, int j)
    {
        if (order == "hwc") return j;
        var plane = s.H * s.W;
        var (c, p) = (j / plane, j % plane);
        return p * s.C + c;
    }

    public override void Forward(float[] x, TensorShape s, float[] y, TensorShape o, float[] w, float[] b)
    {
        for (var j = 0; j < s.Size; j++) y[j] = x[Source(s, j)];
    }

    public override void Backward(float[] x, float[] y, float[] gy, TensorShape s, TensorShape o, float[] w, float[] gw, float[] gb, float[]? gx)
    {
        if (gx is null) return;
        for (var j = 0; j < s.Size; j++) gx[Source(s, j)] += gy[j];
    }

    public override RawKernel Prepare(float[] w, float[] b, TensorShape s, TensorShape o, LayerFormats? f, FixedFormat incoming, FixedFormat output) =>
        new Raw(this, s);

    private sealed class Raw(ReshapeOp op, TensorShape s) : RawKernel
    {
        public override void Run(ReadOnlySpan<long> x, int inFrac, Span<long> y)
        {
            for (var j = 0; j < s.Size; j++) y[j] = x[op.Source(s, j)];
        }
    }
}
