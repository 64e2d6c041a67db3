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

    /// <summary>Calls <paramref name="visit"/>(output index, filter-local weight offset, input offset, length C) for every in-range tap row.</summary>
    private void Taps(TensorShape s, TensorShape o, Action<int, int, int> visit)
    {
        var (_, _, pt, pl) = window.Geometry(s);
        for (var oy = 0; oy < o.H; oy++)
            for (var ox = 0; ox < o.W; ox++)
                for (var ky = 0; ky < window.KernelH; ky++)
                {
                    var iy = oy * window.StrideH - pt + ky;
                    if (iy < 0 || iy >= s.H) continue;
                    for (var kx = 0; kx < window.KernelW; kx++)
                    {
                        var ix = ox * window.StrideW - pl + kx;
                        if (ix < 0 || ix >= s.W) continue;
                        visit(oy * o.W + ox, (ky * window.KernelW + kx) * s.C, (iy * s.W + ix) * s.C);
                    }
                }
    }

    public override void Forward(float[] x, TensorShape s, float[] y, TensorShape o, float[] w, float[] b)
    {
        var n = FanIn(s);
        for (var p = 0; p < o.H * o.W; p++)
            for (var f = 0; f < filters; f++) y[p * filters + f] = b.Length > 0 ? b[f] : 0f;
        Taps(s, o, (p, wo, xo) =>
        {
            var xs = x.AsSpan(xo, s.C);
            for (var f = 0; f < filters; f++) y[p * filters + f] += FloatKernels.Dot(xs, w.AsSpan(f * n + wo, s.C));
        });
    }

    public override void Backward(float[] x, float[] y, float[] gy, TensorShape s, TensorShape o, float[] w, float[] gw, float[] gb, float[]? gx)
    {
        var n = FanIn(s);
        if (gb.Length > 0)
            for (var p = 0; p < o.H * o.W; p++)
                for (var f = 0; f < filters; f++) gb[f] += gy[p * filters + f];
        Taps(s, o, (p, wo, xo) =>
        {
            for (var f = 0; f < filters; f++)
            {
                var go = gy[p * filters + f];
                if (go == 0) continue;
                FloatKernels.Axpy(go, x.AsSpan(xo, s.C), gw.AsSpan(f * n + wo, s.C));
                if (gx is not null) FloatKernels.Axpy(go, w.AsSpan(f * n + wo, s.C), gx.AsSpan(xo, s.C));
            }
        });
    }

    public override RawKernel Prepare(float[] w, float[] b, TensorShape s, TensorShape o, LayerFormats? f, FixedFormat incoming, FixedFormat output) =>
        new Raw(this, new WeightedRaw(w, b, f!), s, o);

    private sealed class Raw(ConvOp op, WeightedRaw q, TensorShape s, TensorShape o) : RawKernel
    {
        public override void Run(ReadOnlySpan<long> x, int inFrac, Span<long> y)
        {
            var n = op.FanIn(s);
            var win = op.Window;
            var (_, _, pt, pl) = win.Geometry(s);
            var xs = new long[n];
            var ws = new long[n];
            for (var oy = 0; oy < o.H; oy++)
                for (var ox = 0; ox < o.W; ox++)
                    for (var f = 0; f < op.Filters; f++)
                    {
                        var t = 0;
                        for (var ky = 0; ky < win.KernelH; ky++)
                        {
                            var iy = oy * win.StrideH - pt + ky;
                            if (iy < 0 || iy >= s.H) continue;
                            for (var kx = 0; kx < win.KernelW; kx++)
                            {
                                var ix = ox * win.StrideW - pl + kx;
                                if (ix < 0 || ix >= s.W) continue;
                                x.Slice((iy * s.W + ix) * s.C, s.C).CopyTo(xs.AsSpan(t));
                                q.Weights.AsSpan(f * n + (ky * win.KernelW + kx) * s.C, s.C).CopyTo(ws.AsSpan(t));
                                t += s.C;
                            }
                        }
                        y[(oy * o.W + ox) * op.Filters + f] = q.Output(q.Start(f), xs.AsSpan(0, t), ws.AsSpan(0, t));
                    }
        }
    }
}
