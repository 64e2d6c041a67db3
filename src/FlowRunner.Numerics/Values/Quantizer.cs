using System.Numerics;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Numerics.Values;

/// <summary>The one place that defines ac_fixed assignment: quantize the dropped fractional bits by the target's mode, then handle overflow
/// by the target's mode. Every other part of FlowRunner (batch kernels, the CNN model, the RTL generator's tests) uses it or is checked against it.</summary>
public static class Quantizer
{
    /// <summary>Assigns an exact value raw × 2^-fromFrac into a format: quantization, then overflow. Returns the target's raw integer.</summary>
    public static BigInteger Assign(BigInteger raw, int fromFrac, FixedFormat to) =>
        HandleOverflow(Quantize(raw, fromFrac, to.FracBits, to.Quantization), to);

    /// <summary>Re-expresses raw × 2^-fromFrac with toFrac fractional bits, rounding dropped bits by the mode (no overflow handling).</summary>
    /// <remarks>The value is first truncated toward minus infinity, then one LSB is added when the mode says so, from qb (first dropped bit),
    /// r (any other dropped bit), s (sign) and lsb (last kept bit), as the ac_types reference manual defines.</remarks>
    public static BigInteger Quantize(BigInteger raw, int fromFrac, int toFrac, Quantization mode)
    {
        if (toFrac >= fromFrac) return raw << (toFrac - fromFrac);
        var shift = fromFrac - toFrac;
        var floor = raw >> shift; // arithmetic shift: toward minus infinity
        if (mode == Quantization.Trn) return floor;
        var dropped = raw - (floor << shift);
        if (dropped.IsZero) return floor;
        var half = BigInteger.One << (shift - 1);
        var qb = dropped >= half;
        var r = !(dropped & (half - 1)).IsZero;
        var s = raw.Sign < 0;
        var lsb = !floor.IsEven;
        return Increment(mode, qb, r, s, lsb) ? floor + 1 : floor;
    }

    /// <summary>Whether the quantization mode adds one LSB to the truncated value.</summary>
    public static bool Increment(Quantization mode, bool qb, bool r, bool s, bool lsb) => mode switch
    {
        Quantization.Trn => false,
        Quantization.TrnZero => s && (qb || r),
        Quantization.Rnd => qb,
        Quantization.RndZero => qb && (s || r),
        Quantization.RndInf => qb && (!s || r),
        Quantization.RndMinInf => qb && r,
        Quantization.RndConv => qb && (lsb || r),
        Quantization.RndConvOdd => qb && (!lsb || r),
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>Applies the format's overflow mode to a raw integer already at the format's LSB.</summary>
    public static BigInteger HandleOverflow(BigInteger raw, FixedFormat f)
    {
        var min = f.MinRaw;
        var max = f.MaxRaw;
        switch (f.Overflow)
        {
            case Overflow.Wrap:
                if (raw >= min && raw <= max) return raw;
                var modulus = BigInteger.One << f.Width;
                var low = raw & (modulus - 1); // BigInteger & works on two's complement
                return f.Signed && low > max ? low - modulus : low;
            case Overflow.Sat:
                return raw < min ? min : raw > max ? max : raw;
            case Overflow.SatZero:
                return raw < min || raw > max ? BigInteger.Zero : raw;
            case Overflow.SatSym:
                // ac_fixed sets the most negative pattern and ORs in the LSB: -max, except at W = 1 where that leaves min itself.
                var symMin = f.LowestRaw;
                return raw < symMin ? symMin : raw > max ? max : raw;
            default:
                throw new ArgumentOutOfRangeException(nameof(f));
        }
    }

    /// <summary>The exact raw integer and fractional bits of a double (d = raw × 2^-frac); NaN and infinities are errors.</summary>
    public static (BigInteger Raw, int Frac) Decompose(double d)
    {
        if (!double.IsFinite(d)) throw new ArgumentException($"{d} has no fixed-point value");
        if (d == 0) return (BigInteger.Zero, 0);
        var bits = BitConverter.DoubleToInt64Bits(d);
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0) exponent = 1; else mantissa |= 1L << 52;
        var e = exponent - 1075; // d = mantissa × 2^e
        var raw = new BigInteger(mantissa);
        if (d < 0) raw = -raw;
        return (raw, -e);
    }
}
