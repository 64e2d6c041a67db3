using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;
using FlowRunner.Numerics.Values;

namespace FlowRunner.Models.Tests.Inference;

/// <summary>The C++ loop written out with Numerics' scalar ac_fixed values (FixedValue: exact +, *, and Cast as assignment), channels last, one
/// value at a time: the independent reference the fast bit-accurate model is checked against.</summary>
public static class ScalarReference
{
    public static List<FixedValue[]> Run(FloatNetwork net, FormatDefaults defaults, float[] image)
    {
        var spec = net.Spec;
        var formats = NetworkFormats.Resolve(spec, defaults);
        var x = image.Select(p => FixedValue.FromDouble(p, NetworkFormats.InputFormat(spec, defaults))).ToArray();
        var trace = new List<FixedValue[]>();
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            var l = spec.Layers[i];
            var s = spec.InputShape(i);
            var o = spec.Shapes[i];
            var y = new FixedValue[o.Size];
            switch (l.Kind)
            {
                case LayerKind.Conv2D:
                case LayerKind.Dense:
                    var f = formats[i]!;
                    x = x.Select(v => v.Cast(f.Input)).ToArray(); // input_t in = prev; (a no-op when the formats agree)
                    var w = net.Weights[i].Select(v => FixedValue.FromDouble(v, f.Weight)).ToArray();
                    var b = net.Biases[i].Select(v => FixedValue.FromDouble(v, f.Weight)).ToArray();
                    var n = spec.FanIn(i);
                    for (var p = 0; p < o.H * o.W; p++)
                        for (var u = 0; u < o.C; u++)
                        {
                            var acc = b.Length > 0 ? b[u].Cast(f.Accumulator) : new FixedValue(0, f.Accumulator);
                            for (var j = 0; j < n; j++)
                            {
                                int at;
                                if (l.Kind == LayerKind.Dense) at = j;
                                else
                                {
                                    var (yy, xx) = (p / o.W, p % o.W);
                                    var (ky, kx, c) = (j / (l.Kernel * s.C), j / s.C % l.Kernel, j % s.C);
                                    at = ((yy + ky) * s.W + xx + kx) * s.C + c;
                                }
                                acc = (acc + w[u * n + j] * x[at]).Cast(f.Accumulator); // acc += w * x;
                            }
                            y[p * o.C + u] = acc.Cast(f.Output);
                        }
                    break;
                case LayerKind.ReLU:
                    y = x.Select(v => v.Raw > 0 ? v : new FixedValue(0, v.Format)).ToArray();
                    break;
                case LayerKind.MaxPool2D:
                    for (var yy = 0; yy < o.H; yy++)
                        for (var xx = 0; xx < o.W; xx++)
                            for (var c = 0; c < o.C; c++)
                            {
                                var m = x[(yy * l.Pool * s.W + xx * l.Pool) * s.C + c];
                                for (var dy = 0; dy < l.Pool; dy++)
                                    for (var dx = 0; dx < l.Pool; dx++)
                                    {
                                        var v = x[((yy * l.Pool + dy) * s.W + xx * l.Pool + dx) * s.C + c];
                                        if (v > m) m = v;
                                    }
                                y[(yy * o.W + xx) * o.C + c] = m;
                            }
                    break;
                default:
                    y = x;
                    break;
            }
            trace.Add(y);
            x = y;
        }
        return trace;
    }
}
