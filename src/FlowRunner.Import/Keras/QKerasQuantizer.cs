using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowRunner.Numerics.Formats;
using FlowRunner.Numerics.Kernels;

namespace FlowRunner.Import.Keras;

/// <summary>A QKeras quantizer and the FlowRunner format it is. From the QKeras definitions (google/qkeras, qkeras/quantizers.py), with
/// TensorFlow's round (halves to even):
/// <list type="bullet">
/// <item><c>quantized_bits(bits, integer, symmetric, keep_negative, alpha)</c>: m = 2^(bits − keep_negative), x_q = 2^integer ·
/// clip(round(x · m / 2^integer), −m (+1 when symmetric), m − 1) / m: ac_fixed&lt;bits, integer + 1, true, AC_RND_CONV, AC_SAT&gt; (AC_SAT_SYM
/// when symmetric); unsigned (keep_negative false) ac_fixed&lt;bits, integer, false, AC_RND_CONV, AC_SAT&gt;. alpha must be 1 or None.</item>
/// <item><c>quantized_relu(bits, integer)</c>: 2^integer · clip(round(x · 2^bits / 2^integer), 0, 2^bits − 1) / 2^bits:
/// ac_fixed&lt;bits, integer, false, AC_RND_CONV, AC_SAT&gt; (a negative value saturates to 0, which is the ReLU).</item>
/// <item><c>quantized_po2(bits, max_value)</c>: sign(x) (+1 at 0) · 2^e, e = round(log2 |x|) clipped to [−2^(bits−1−s), 2^(bits−1−s) − 1]
/// with s = 1 unless 0 &lt; max_value ≤ 1, |x| first clipped to max_value, and |x| below 1e-7 giving the smallest exponent. The weights
/// are quantized by this formula at import; the format is the power-of-two weight format that holds every ±2^e exactly:
/// ac_fixed&lt;emax − emin + 2, emax + 2, true&gt;.</item>
/// </list></summary>
internal sealed record QKerasQuantizer(string Kind, FixedFormat Format, int MinExp = 0, int MaxExp = 0, double? MaxValue = null)
{
    /// <summary>The quantizer of a config entry (a {class_name, config} object or a "quantized_bits(6,0)" string); null for none.</summary>
    public static QKerasQuantizer? Parse(JsonNode? node, string where)
    {
        switch (node)
        {
            case null: return null;
            case JsonValue v when v.TryGetValue<string>(out var text):
                if (text is "linear" or "") return null;
                var m = Regex.Match(text.Replace(" ", ""), @"^(\w+)\((.*)\)$");
                if (!m.Success) return Plain(text, where);
                var args = m.Groups[2].Value.Length == 0 ? [] : m.Groups[2].Value.Split(',');
                var cfg = new JsonObject();
                var names = m.Groups[1].Value switch
                {
                    "quantized_bits" => new[] { "bits", "integer", "symmetric", "keep_negative", "alpha" },
                    "quantized_relu" => ["bits", "integer", "use_sigmoid", "negative_slope"],
                    "quantized_po2" => ["bits", "max_value"],
                    var other => throw new ImportException($"{where}: unsupported quantizer '{other}' (FlowRunner takes quantized_bits, quantized_relu, quantized_po2)"),
                };
                for (var i = 0; i < args.Length; i++)
                {
                    var (key, val) = args[i].Contains('=') ? (args[i].Split('=')[0], args[i].Split('=')[1]) : (i < names.Length ? names[i] : $"arg{i}", args[i]);
                    cfg[key] = val switch
                    {
                        "True" => JsonValue.Create(true), "False" => JsonValue.Create(false), "None" => null,
                        _ when double.TryParse(val, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
                        _ => JsonValue.Create(val.Trim('\'', '"')),
                    };
                }
                return FromConfig(m.Groups[1].Value, cfg, where);
            case JsonObject o:
                return FromConfig(o["class_name"]?.GetValue<string>() ?? "", o["config"] as JsonObject ?? [], where);
            default:
                throw new ImportException($"{where}: unreadable quantizer {node.ToJsonString()}");
        }
    }

    private static QKerasQuantizer? Plain(string text, string where) =>
        throw new ImportException($"{where}: unsupported quantizer or activation '{text}'");

    private static double Num(JsonObject c, string key, double fallback, string where)
    {
        var n = c[key];
        if (n is null) return fallback;
        if (n is JsonValue v && v.TryGetValue<double>(out var d)) return d;
        if (n is JsonValue b && b.TryGetValue<bool>(out var t)) return t ? 1 : 0;
        throw new ImportException($"{where}: {key} = {n.ToJsonString()} is not a number");
    }

    private static QKerasQuantizer FromConfig(string kind, JsonObject c, string where)
    {
        if (Num(c, "use_stochastic_rounding", 0, where) != 0) throw new ImportException($"{where}: {kind} with stochastic rounding has no fixed-point equivalent");
        switch (kind)
        {
            case "quantized_bits":
            {
                if (c["alpha"] is { } a && !(a is JsonValue av && av.TryGetValue<double>(out var ad) && ad == 1))
                    throw new ImportException($"{where}: quantized_bits with alpha={a.ToJsonString()}: a per-channel scale, not a fixed-point format (FlowRunner takes alpha=1 or None)");
                var bits = (int)Num(c, "bits", 8, where);
                var integer = (int)Num(c, "integer", 0, where);
                var symmetric = Num(c, "symmetric", 0, where) != 0;
                var keepNegative = Num(c, "keep_negative", 1, where) != 0;
                var f = keepNegative
                    ? new FixedFormat(bits, integer + 1, true, Quantization.RndConv, symmetric ? Overflow.SatSym : Overflow.Sat)
                    : new FixedFormat(bits, integer, false, Quantization.RndConv, Overflow.Sat);
                return new QKerasQuantizer(kind, f);
            }
            case "quantized_relu":
            {
                if (Num(c, "use_sigmoid", 0, where) != 0) throw new ImportException($"{where}: quantized_relu with use_sigmoid is not supported");
                if (Num(c, "negative_slope", 0, where) != 0) throw new ImportException($"{where}: quantized_relu with a negative slope is not supported");
                if (c["relu_upper_bound"] is { } ub) throw new ImportException($"{where}: quantized_relu with relu_upper_bound={ub.ToJsonString()} is not supported");
                var bits = (int)Num(c, "bits", 8, where);
                var integer = (int)Num(c, "integer", 0, where);
                return new QKerasQuantizer(kind, new FixedFormat(bits, integer, false, Quantization.RndConv, Overflow.Sat));
            }
            case "quantized_po2":
            {
                if (Num(c, "quadratic_approximation", 0, where) != 0) throw new ImportException($"{where}: quantized_po2 with quadratic_approximation is not supported");
                if (c["log2_rounding"] is JsonValue lr && lr.GetValue<string>() != "rnd") throw new ImportException($"{where}: quantized_po2 with log2_rounding other than rnd is not supported");
                var bits = (int)Num(c, "bits", 8, where);
                double? max = c["max_value"] is null ? null : Num(c, "max_value", 0, where);
                if (max is < 0) throw new ImportException($"{where}: quantized_po2 max_value must be non-negative");
                var sign = max is { } mv && mv <= 1 ? 0 : 1;
                var effect = bits - 1 - sign;
                var minExp = -(1 << effect);
                var maxExp = (1 << effect) - 1;
                var top = max is { } mx && mx > 0 ? Math.Min(maxExp, (int)Math.Ceiling(Math.Log2(mx))) : maxExp;
                var f = new FixedFormat(top - minExp + 2, top + 2, true, Quantization.RndConv, Overflow.Sat);
                return new QKerasQuantizer(kind, f, minExp, maxExp, max);
            }
            default:
                throw new ImportException($"{where}: unsupported quantizer '{kind}' (FlowRunner takes quantized_bits, quantized_relu, quantized_po2)");
        }
    }

    /// <summary>The quantized values (QKeras' formula), as floats.</summary>
    public float[] Apply(float[] x)
    {
        if (Kind != "quantized_po2") return x.Select(v => (float)Math.ScaleB(FixedKernels.Quantize(v, Format), -Format.FracBits)).ToArray();
        return x.Select(v =>
        {
            var sign = v < 0 ? -1.0 : 1.0;
            var a = Math.Abs((double)v);
            if (a < 1e-7) return (float)(sign * Math.ScaleB(1.0, MinExp));
            if (MaxValue is { } mv && a >= mv) a = mv;
            var e = Math.Clamp(Math.Round(Math.Log2(a), MidpointRounding.ToEven), MinExp, MaxExp);
            return (float)(sign * Math.ScaleB(1.0, (int)e));
        }).ToArray();
    }
}
