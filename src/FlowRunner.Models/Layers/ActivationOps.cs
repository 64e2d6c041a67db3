using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;
using FlowRunner.Numerics.Kernels;

namespace FlowRunner.Models.Layers;

/// <summary>An element-wise activation: a float function with its derivative, and a bit-accurate kernel from raw input to raw output.</summary>
public abstract class ElementwiseOp : LayerOp
{
    public override TensorShape OutputShape(TensorShape s) => s;

    protected abstract float F(float x);

    /// <summary>The derivative from the input and the output.</summary>
    protected abstract float Derivative(float x, float y);

    public override void Forward(float[] x, TensorShape s, float[] y, TensorShape o, float[] w, float[] b)
    {
        for (var i = 0; i < s.Size; i++) y[i] = F(x[i]);
    }

    public override void Backward(float[] x, float[] y, float[] gy, TensorShape s, TensorShape o, float[] w, float[] gw, float[] gb, float[]? gx)
    {
        if (gx is null) return;
        for (var i = 0; i < s.Size; i++) gx[i] += gy[i] * Derivative(x[i], y[i]);
    }

    public override RawKernel Prepare(float[] w, float[] b, TensorShape s, TensorShape o, LayerFormats? f, FixedFormat incoming, FixedFormat output) =>
        new Raw(this, output);

    /// <summary>One raw value in (inFrac fractional bits) to one raw value in <paramref name="output"/>.</summary>
    protected abstract long RawValue(long x, int inFrac, FixedFormat output);

    private sealed class Raw(ElementwiseOp op, FixedFormat output) : RawKernel
    {
        public override void Run(ReadOnlySpan<long> x, int inFrac, Span<long> y)
        {
            for (var i = 0; i < x.Length; i++) y[i] = op.RawValue(x[i], inFrac, output);
        }
    }
}

/// <summary>ReLU, optionally bounded (relu6: `max: 6`; QKeras quantized_relu: the bound its format gives), with an optional `output_format`
/// the result is assigned into (saturating formats clamp as quantized_relu does). Bit-accurately max(x, 0), then min(x, max) on the exact
/// value, then assigned into the output format.</summary>
public sealed class ReluOp(double? max) : ElementwiseOp
{
    public override string Type => "relu";
    public double? Max => max;
    public override IEnumerable<KeyValuePair<string, object>> Options() => max is { } m ? [new("max", m)] : [];
    public override string Describe() => max is { } m ? $"relu max {m}" : "relu";
    protected override float F(float x) => x > 0 ? (max is { } m && x > m ? (float)m : x) : 0;
    protected override float Derivative(float x, float y) => x > 0 && (max is not { } m || x < m) ? 1 : 0;

    protected override long RawValue(long x, int inFrac, FixedFormat output)
    {
        if (x < 0) x = 0;
        if (max is { } m && Math.ScaleB(x, -inFrac) > m) return FixedKernels.Quantize(m, output);
        return FixedKernels.Assign(x, inFrac, output);
    }
}

/// <summary>LeakyReLU: x for x &gt; 0, alpha · x otherwise; bit-accurately alpha · x is computed in double (exact for the formats the model
/// supports) and assigned into the output format.</summary>
public sealed class LeakyReluOp(double alpha) : ElementwiseOp
{
    public override string Type => "leaky_relu";
    public double Alpha => alpha;
    public override IEnumerable<KeyValuePair<string, object>> Options() => [new("alpha", alpha)];
    public override string Describe() => $"leaky_relu {alpha}";
    protected override float F(float x) => x > 0 ? x : (float)(alpha * x);
    protected override float Derivative(float x, float y) => x > 0 ? 1 : (float)alpha;

    protected override long RawValue(long x, int inFrac, FixedFormat output) =>
        x > 0 ? FixedKernels.Assign(x, inFrac, output) : FixedKernels.Quantize(alpha * Math.ScaleB(x, -inFrac), output);
}

/// <summary>Sigmoid or tanh. Bit-accurately a table lookup, the way hls4ml's HLS implements them: 1,024 entries over [-8, 8) for sigmoid and
/// [-4, 4) for tanh; the index is floor((x − lo) × 1024 / (hi − lo)) clamped to [0, 1023], the entry is f(lo + index × (hi − lo) / 1024)
/// assigned into the layer's output format (`output_format`, else the run's default format).</summary>
public sealed class TableActivationOp(string type) : ElementwiseOp
{
    public const int TableSize = 1024;

    public override string Type => type;
    public override IEnumerable<KeyValuePair<string, object>> Options() => [];
    private double Range => type == "sigmoid" ? 8 : 4;

    protected override float F(float x) => type == "sigmoid" ? 1f / (1f + MathF.Exp(-x)) : MathF.Tanh(x);
    protected override float Derivative(float x, float y) => type == "sigmoid" ? y * (1 - y) : 1 - y * y;

    public override FixedFormat ValueFormat(FixedFormat incoming, FixedFormat? own, FormatDefaults defaults) => own ?? defaults.Format;

    private double Exact(double x) => type == "sigmoid" ? 1 / (1 + Math.Exp(-x)) : Math.Tanh(x);

    /// <summary>The table index of a value.</summary>
    public int Index(double x) => (int)Math.Clamp(Math.Floor((x + Range) * TableSize / (2 * Range)), 0, TableSize - 1);

    /// <summary>The value a table entry holds before assignment into the output format.</summary>
    public double Entry(int index) => Exact(-Range + index * 2 * Range / TableSize);

    protected override long RawValue(long x, int inFrac, FixedFormat output) => FixedKernels.Quantize(Entry(Index(Math.ScaleB(x, -inFrac))), output);

    public override RawKernel Prepare(float[] w, float[] b, TensorShape s, TensorShape o, LayerFormats? f, FixedFormat incoming, FixedFormat output) =>
        new Table(this, output);

    private sealed class Table : RawKernel
    {
        private readonly TableActivationOp _op;
        private readonly long[] _entries;

        public Table(TableActivationOp op, FixedFormat output)
        {
            _op = op;
            _entries = Enumerable.Range(0, TableSize).Select(i => FixedKernels.Quantize(op.Entry(i), output)).ToArray();
        }

        public override void Run(ReadOnlySpan<long> x, int inFrac, Span<long> y)
        {
            for (var i = 0; i < x.Length; i++) y[i] = _entries[_op.Index(Math.ScaleB(x[i], -inFrac))];
        }
    }
}

/// <summary>The bipolar (binary) activation of QONNX BipolarQuant: scale for x ≥ 0, −scale otherwise. Training passes the gradient where
/// |x| ≤ 1 (the straight-through estimator Brevitas uses). Bit-accurately ±scale assigned into the output format.</summary>
public sealed class BipolarOp(double scale) : ElementwiseOp
{
    public override string Type => "bipolar";
    public double Scale => scale;
    public override IEnumerable<KeyValuePair<string, object>> Options() => [new("scale", scale)];
    public override string Describe() => $"bipolar ±{scale}";
    protected override float F(float x) => x >= 0 ? (float)scale : (float)-scale;
    protected override float Derivative(float x, float y) => Math.Abs(x) <= 1 ? 1 : 0;
    protected override long RawValue(long x, int inFrac, FixedFormat output) => FixedKernels.Quantize(x >= 0 ? scale : -scale, output);
}
