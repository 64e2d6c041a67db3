using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;
using FlowRunner.Numerics.Kernels;

namespace FlowRunner.Models.Layers;

/// <summary>Max or average pooling in 1-D (height 1) or 2-D with any window, stride and padding; padded positions are left out of the window
/// (ONNX count_include_pad = 0, Keras). Bit-accurately the maximum of the raw values, or the exact sum divided by the count of the window's
/// inputs, assigned into the output format (`output_format`, else the incoming values' format).</summary>
public sealed class PoolOp(string type, Window window) : LayerOp
{
    public override string Type => type;
    public Window Window => window;
    private bool IsMax => type.StartsWith("max", StringComparison.Ordinal);
    private bool Is1D => type.EndsWith("1d", StringComparison.Ordinal);

    public override TensorShape OutputShape(TensorShape s)
    {
        var (oh, ow, _, _) = window.Geometry(s);
        return new TensorShape(oh, ow, s.C);
    }

    public override IEnumerable<KeyValuePair<string, object>> Options()
    {
        yield return new("pool", Is1D ? window.KernelW : new[] { window.KernelH, window.KernelW });
        yield return new("stride", Is1D ? window.StrideW : new[] { window.StrideH, window.StrideW });
        yield return new("padding", window.Padding.Written);
    }

    public override string Describe() => $"{type} {window}";

    /// <summary>Visits every output with the input offsets of its window.</summary>
    private void Windows(TensorShape s, TensorShape o, Action<int, List<int>> visit)
    {
        var (_, _, pt, pl) = window.Geometry(s);
        var idx = new List<int>();
        for (var oy = 0; oy < o.H; oy++)
            for (var ox = 0; ox < o.W; ox++)
                for (var c = 0; c < s.C; c++)
                {
                    idx.Clear();
                    for (var ky = 0; ky < window.KernelH; ky++)
                    {
                        var iy = oy * window.StrideH - pt + ky;
                        if (iy < 0 || iy >= s.H) continue;
                        for (var kx = 0; kx < window.KernelW; kx++)
                        {
                            var ix = ox * window.StrideW - pl + kx;
                            if (ix >= 0 && ix < s.W) idx.Add((iy * s.W + ix) * s.C + c);
                        }
                    }
                    visit((oy * o.W + ox) * s.C + c, idx);
                }
    }

    public override void Forward(float[] x, TensorShape s, float[] y, TensorShape o, float[] w, float[] b) =>
        Windows(s, o, (j, idx) =>
        {
            if (IsMax) { var m = float.NegativeInfinity; foreach (var i in idx) m = Math.Max(m, x[i]); y[j] = m; }
            else { var sum = 0f; foreach (var i in idx) sum += x[i]; y[j] = sum / idx.Count; }
        });

    public override void Backward(float[] x, float[] y, float[] gy, TensorShape s, TensorShape o, float[] w, float[] gw, float[] gb, float[]? gx)
    {
        if (gx is null) return;
        Windows(s, o, (j, idx) =>
        {
            if (IsMax) { var best = idx[0]; foreach (var i in idx) if (x[i] > x[best]) best = i; gx[best] += gy[j]; }
            else foreach (var i in idx) gx[i] += gy[j] / idx.Count;
        });
    }

    public override RawKernel Prepare(float[] w, float[] b, TensorShape s, TensorShape o, LayerFormats? f, FixedFormat incoming, FixedFormat output) =>
        new Raw(this, s, o, output);

    private sealed class Raw(PoolOp op, TensorShape s, TensorShape o, FixedFormat output) : RawKernel
    {
        public override void Run(ReadOnlySpan<long> x, int inFrac, Span<long> y)
        {
            var xs = x.ToArray();
            var ys = new long[o.Size];
            op.Windows(s, o, (j, idx) =>
            {
                if (op.IsMax) { var m = long.MinValue; foreach (var i in idx) m = Math.Max(m, xs[i]); ys[j] = FixedKernels.Assign(m, inFrac, output); }
                else { long sum = 0; foreach (var i in idx) sum += xs[i]; ys[j] = FixedKernels.Quantize(Math.ScaleB((double)sum / idx.Count, -inFrac), output); }
            });
            ys.CopyTo(y);
        }
    }
}
