using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Models.Layers;

/// <summary>Convolution over height and width (conv1d is the case of height 1: input [1, steps, channels]) with any kernel, stride and
/// padding. Weights in [filter][ky][kx][channel] order, as the first-wave conv2d.</summary>
public sealed class ConvOp(string type, int filters, Window window) : LayerOp
{
    public override string Type => type;
    public int Filters => filters;
    public Window Window => window;
    public override bool HasWeights => true;

    public override TensorShape OutputShape(TensorShape s)
    {
        var (oh, ow, _, _) = window.Geometry(s);
        return new TensorShape(oh, ow, filters);
    }

    public override int FanIn(TensorShape s) => window.KernelH * window.KernelW * s.C;
    public override int WeightCount(TensorShape s) => filters * FanIn(s);
    public override int BiasCount(TensorShape s, bool bias) => bias ? filters : 0;
    public override int[] WeightShape(TensorShape s) => [filters, window.KernelH, window.KernelW, s.C];

    public override IEnumerable<KeyValuePair<string, object>> Options()
    {
        yield return new("filters", filters);
        yield return new("kernel", type == "conv1d" ? window.KernelW : new[] { window.KernelH, window.KernelW });
        if (window.StrideH != 1 || window.StrideW != 1) yield return new("stride", type == "conv1d" ? window.StrideW : new[] { window.StrideH, window.StrideW });
        yield return new("padding", window.Padding.Written);
    }

    public override string Describe() => $"{type} {filters}x{window}";

    /// <summary>Every in-range tap row of the window over one input shape: output position p reads rows Start[p] to Start[p + 1] - 1, each
    /// <c>C</c> values long, at (filter-local weight offset, input offset), in (ky, kx) order. Padding taps are left out.</summary>
    private sealed record TapTable(TensorShape Input, int[] Start, int[] WeightOffset, int[] InputOffset);

    private TapTable? _taps;

    /// <summary>The tap table of an input shape, built once (a layer always sees the same shape) and shared by the float and bit-accurate
    /// passes, so no pass walks the window itself.</summary>
    private TapTable Taps(TensorShape s, TensorShape o)
    {
        if (_taps is { } t && t.Input == s) return t;
        var (_, _, pt, pl) = window.Geometry(s);
        var start = new int[o.H * o.W + 1];
        var wo = new List<int>();
        var xo = new List<int>();
        for (var oy = 0; oy < o.H; oy++)
            for (var ox = 0; ox < o.W; ox++)
            {
                start[oy * o.W + ox] = wo.Count;
                for (var ky = 0; ky < window.KernelH; ky++)
                {
                    var iy = oy * window.StrideH - pt + ky;
                    if (iy < 0 || iy >= s.H) continue;
                    for (var kx = 0; kx < window.KernelW; kx++)
                    {
                        var ix = ox * window.StrideW - pl + kx;
                        if (ix < 0 || ix >= s.W) continue;
                        wo.Add((ky * window.KernelW + kx) * s.C);
                        xo.Add((iy * s.W + ix) * s.C);
                    }
                }
            }
        start[^1] = wo.Count;
        return _taps = new TapTable(s, start, [.. wo], [.. xo]);
    }

    public override void Forward(float[] x, TensorShape s, float[] y, TensorShape o, float[] w, float[] b)
    {
        var n = FanIn(s);
        var t = Taps(s, o);
        for (var p = 0; p < o.H * o.W; p++)
        {
            for (var f = 0; f < filters; f++) y[p * filters + f] = b.Length > 0 ? b[f] : 0f;
            for (var r = t.Start[p]; r < t.Start[p + 1]; r++)
            {
                var xs = x.AsSpan(t.InputOffset[r], s.C);
                for (var f = 0; f < filters; f++) y[p * filters + f] += FloatKernels.Dot(xs, w.AsSpan(f * n + t.WeightOffset[r], s.C));
            }
        }
    }

    public override void Backward(float[] x, float[] y, float[] gy, TensorShape s, TensorShape o, float[] w, float[] gw, float[] gb, float[]? gx)
    {
        var n = FanIn(s);
        if (gb.Length > 0)
            for (var p = 0; p < o.H * o.W; p++)
                for (var f = 0; f < filters; f++) gb[f] += gy[p * filters + f];
        var t = Taps(s, o);
        for (var p = 0; p < o.H * o.W; p++)
            for (var r = t.Start[p]; r < t.Start[p + 1]; r++)
            {
                var (wo, xo) = (t.WeightOffset[r], t.InputOffset[r]);
                for (var f = 0; f < filters; f++)
                {
                    var go = gy[p * filters + f];
                    if (go == 0) continue;
                    FloatKernels.Axpy(go, x.AsSpan(xo, s.C), gw.AsSpan(f * n + wo, s.C));
                    if (gx is not null) FloatKernels.Axpy(go, w.AsSpan(f * n + wo, s.C), gx.AsSpan(xo, s.C));
                }
            }
    }

    public override RawKernel Prepare(float[] w, float[] b, TensorShape s, TensorShape o, LayerFormats? f, FixedFormat incoming, FixedFormat output) =>
        new Raw(this, new WeightedRaw(w, b, f!), s, o);

    private sealed class Raw(ConvOp op, WeightedRaw q, TensorShape s, TensorShape o) : RawKernel
    {
        /// <summary>Per output position, the in-range window (input values and each filter's weights in tap order) through one chain.</summary>
        public override void Run(ReadOnlySpan<long> x, int inFrac, Span<long> y)
        {
            var n = op.FanIn(s);
            var t = op.Taps(s, o);
            var xs = new long[n];
            var ws = new long[n];
            for (var p = 0; p < o.H * o.W; p++)
            {
                var len = 0;
                for (var r = t.Start[p]; r < t.Start[p + 1]; r++, len += s.C) x.Slice(t.InputOffset[r], s.C).CopyTo(xs.AsSpan(len));
                for (var f = 0; f < op.Filters; f++)
                {
                    var at = 0;
                    for (var r = t.Start[p]; r < t.Start[p + 1]; r++, at += s.C) q.Weights.AsSpan(f * n + t.WeightOffset[r], s.C).CopyTo(ws.AsSpan(at));
                    y[p * op.Filters + f] = q.Output(q.Start(f), xs.AsSpan(0, len), ws.AsSpan(0, len));
                }
            }
        }
    }
}
