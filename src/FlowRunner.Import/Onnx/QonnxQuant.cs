using Onnx;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Import.Onnx;

/// <summary>QONNX quantizers as FlowRunner formats. <c>Quant(x, scale, zero_point, bitwidth; signed, narrow, rounding_mode)</c> is
/// scale · (clip(round(x / scale + zp), qmin, qmax) − zp) with qmin/qmax = −2^(b−1) (+1 when narrow) / 2^(b−1) − 1 when signed,
/// 0 / 2^b − 1 (−1 when narrow) unsigned. With a power-of-two scale 2^−f and zero point 0 it is ac_fixed&lt;b, b − f, signed&gt; with
/// AC_RND_CONV (rounding_mode ROUND, halves to even) or AC_TRN (FLOOR), saturating (AC_SAT_SYM when signed and narrow). Any other scale,
/// a non-zero zero point or an unsigned narrow range is an error naming the node. <c>BipolarQuant(x, scale)</c> is ±scale.</summary>
internal static class QonnxQuant
{
    public static (Constant Values, FixedFormat Format) Quant(NodeProto n, Constant? x, Constant scale, Constant zeroPoint, Constant bitwidth, string where)
    {
        var s = scale.Values.Distinct().ToArray();
        if (s.Length != 1) throw new ImportException($"{where}: a per-channel scale; FlowRunner takes one power-of-two scale per tensor");
        var e = Math.Log2(s[0]);
        if (!(s[0] > 0) || e != Math.Round(e)) throw new ImportException($"{where}: scale {s[0]} is not a power of two, so the quantizer is not a fixed-point format");
        if (zeroPoint.Values.Any(z => z != 0)) throw new ImportException($"{where}: zero point {zeroPoint.Values[0]}; FlowRunner takes zero point 0");
        var b = bitwidth.Scalar(where);
        if (b != Math.Round(b) || b < 1) throw new ImportException($"{where}: bit width {b} must be a positive integer");
        var bits = (int)b;
        var signed = (n.Attribute.FirstOrDefault(a => a.Name == "signed")?.I ?? 1) != 0;
        var narrow = (n.Attribute.FirstOrDefault(a => a.Name == "narrow")?.I ?? 0) != 0;
        var mode = n.Attribute.FirstOrDefault(a => a.Name == "rounding_mode")?.S.ToStringUtf8() ?? "ROUND";
        if (narrow && !signed) throw new ImportException($"{where}: an unsigned narrow range [0, 2^{bits} - 2] is not a fixed-point format");
        var q = mode switch
        {
            "ROUND" => Quantization.RndConv,
            "FLOOR" => Quantization.Trn,
            _ => throw new ImportException($"{where}: rounding_mode {mode} is not supported (ROUND, FLOOR)"),
        };
        var frac = -(int)e;
        var f = new FixedFormat(bits, bits - frac, signed, q, narrow ? Overflow.SatSym : Overflow.Sat);
        if (x is null) return (new Constant([], []), f);
        var values = x.Values.Select(v => (float)Math.ScaleB(Numerics.Kernels.FixedKernels.Quantize(v, f), -f.FracBits)).ToArray();
        return (new Constant(values, x.Shape), f);
    }

    public static (Constant Values, FixedFormat Format) Bipolar(Constant x, Constant scale, string where)
    {
        var s = scale.Scalar(where);
        var e = Math.Log2(s);
        if (!(s > 0) || e != Math.Round(e)) throw new ImportException($"{where}: scale {s} is not a power of two, so the quantizer is not a fixed-point format");
        var f = new FixedFormat(2, (int)e + 2, true, Quantization.Trn, Overflow.Sat);
        return (new Constant(x.Values.Select(v => v >= 0 ? s : -s).ToArray(), x.Shape), f);
    }
}
