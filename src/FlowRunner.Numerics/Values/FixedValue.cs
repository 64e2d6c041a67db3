using System.Globalization;
using System.Numerics;
using System.Text;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Numerics.Values;

/// <summary>An exact fixed-point value in a format (raw × 2^-F), with ac_fixed arithmetic: + - * and unary minus give full-precision results
/// in the formats ac_fixed defines (nothing is lost); only <see cref="Cast"/> (assignment) quantizes and handles overflow.</summary>
/// <remarks>Division is left out on purpose: ac_fixed's division rounds by its own rules and a different result would silently differ.</remarks>
public readonly record struct FixedValue(BigInteger Raw, FixedFormat Format) : IComparable<FixedValue>
{
    /// <summary>Constructs from a double as ac_fixed does: the exact double is assigned into the format (its quantization and overflow modes).</summary>
    public static FixedValue FromDouble(double d, FixedFormat f)
    {
        var (raw, frac) = Quantizer.Decompose(d);
        return new FixedValue(Quantizer.Assign(raw, frac, f), f);
    }

    public static FixedValue FromInteger(BigInteger n, FixedFormat f) => new(Quantizer.Assign(n, 0, f), f);

    /// <summary>A value given as an exact decimal string ("62.5", "-0.125"); it must be representable in the format.</summary>
    public static FixedValue FromDecimal(string text, FixedFormat f)
    {
        var (num, den10) = ParseDecimal(text);
        // value = num / 10^den10; raw = value × 2^F must be an integer in range.
        var scaled = f.FracBits >= 0 ? num * BigInteger.Pow(2, f.FracBits) : num;
        var divisor = BigInteger.Pow(10, den10) * (f.FracBits < 0 ? BigInteger.Pow(2, -f.FracBits) : 1);
        var raw = BigInteger.DivRem(scaled, divisor, out var rem);
        if (!rem.IsZero) throw new FormatException($"{text} is not exactly representable in {f} (quantum {f.Quantum:G})");
        // AC_SAT_SYM formats never hold the most negative pattern; ac_types relies on it (an assignment from such a source skips
        // saturation when nothing else can overflow), so a value there is not a value of the format.
        if (raw < f.LowestRaw || raw > f.MaxRaw)
            throw new FormatException($"{text} is outside the range of {f} [{f.Lowest:G}, {f.Max:G}]" +
                (raw == f.MinRaw && f.LowestRaw != f.MinRaw ? " (AC_SAT_SYM excludes the most negative pattern)" : ""));
        return new FixedValue(raw, f);
    }

    private static (BigInteger Num, int Den10) ParseDecimal(string text)
    {
        var t = text.Trim();
        var neg = t.StartsWith('-');
        if (neg || t.StartsWith('+')) t = t[1..];
        var dot = t.IndexOf('.');
        var digits = dot < 0 ? t : t.Remove(dot, 1);
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)) throw new FormatException($"'{text}' is not a decimal number");
        var num = BigInteger.Parse(digits, CultureInfo.InvariantCulture);
        return (neg ? -num : num, dot < 0 ? 0 : t.Length - dot - 1);
    }

    public double ToDouble() => FixedFormat.Scale(Raw, Format.FracBits);

    /// <summary>Assignment into another format: quantize by its mode, then overflow by its mode.</summary>
    public FixedValue Cast(FixedFormat to) => new(Quantizer.Assign(Raw, Format.FracBits, to), to);

    private static FixedFormat Full(int w, int i, bool s) => new(Math.Max(1, w), i, s);

    /// <summary>ac_fixed's a + b: F = max(F1, F2), I = max(I1 + (S2 and not S1), I2 + (S1 and not S2)) + 1, signed if either is.</summary>
    public static FixedValue operator +(FixedValue a, FixedValue b) => AddSub(a, b, false);

    /// <summary>ac_fixed's a - b: as +, and always signed.</summary>
    public static FixedValue operator -(FixedValue a, FixedValue b) => AddSub(a, b, true);

    private static FixedValue AddSub(FixedValue a, FixedValue b, bool subtract)
    {
        var fa = a.Format;
        var fb = b.Format;
        var f = Math.Max(fa.FracBits, fb.FracBits);
        var i = Math.Max(fa.IntBits + (fb.Signed && !fa.Signed ? 1 : 0), fb.IntBits + (fa.Signed && !fb.Signed ? 1 : 0)) + 1;
        var ra = a.Raw << (f - fa.FracBits);
        var rb = b.Raw << (f - fb.FracBits);
        return new FixedValue(subtract ? ra - rb : ra + rb, Full(i + f, i, subtract || fa.Signed || fb.Signed));
    }

    /// <summary>ac_fixed's a * b: W = W1 + W2, I = I1 + I2, signed if either is.</summary>
    public static FixedValue operator *(FixedValue a, FixedValue b) =>
        new(a.Raw * b.Raw, Full(a.Format.Width + b.Format.Width, a.Format.IntBits + b.Format.IntBits, a.Format.Signed || b.Format.Signed));

    /// <summary>ac_fixed's -a: one more integer bit, signed.</summary>
    public static FixedValue operator -(FixedValue a) => new(-a.Raw, Full(a.Format.Width + 1, a.Format.IntBits + 1, true));

    /// <summary>ac_fixed's a &lt;&lt; n: the same format, bits shifted toward the MSB and wrapped (ac_fixed shifts keep the operand's type).</summary>
    public FixedValue ShiftLeft(int n) => n < 0 ? ShiftRight(-n)
        : new FixedValue(Quantizer.HandleOverflow(Raw << n, Format.With(Quantization.Trn, Overflow.Wrap)), Format);

    /// <summary>ac_fixed's a &gt;&gt; n: the same format, bits shifted toward the LSB, dropped bits truncated.</summary>
    public FixedValue ShiftRight(int n) => n < 0 ? ShiftLeft(-n) : new FixedValue(Raw >> n, Format);

    public static FixedValue operator <<(FixedValue a, int n) => a.ShiftLeft(n);

    public static FixedValue operator >>(FixedValue a, int n) => a.ShiftRight(n);

    /// <summary>Compares exact values, whatever the formats.</summary>
    public int CompareTo(FixedValue other)
    {
        var f = Math.Max(Format.FracBits, other.Format.FracBits);
        return (Raw << (f - Format.FracBits)).CompareTo(other.Raw << (f - other.Format.FracBits));
    }

    public static bool operator <(FixedValue a, FixedValue b) => a.CompareTo(b) < 0;
    public static bool operator >(FixedValue a, FixedValue b) => a.CompareTo(b) > 0;
    public static bool operator <=(FixedValue a, FixedValue b) => a.CompareTo(b) <= 0;
    public static bool operator >=(FixedValue a, FixedValue b) => a.CompareTo(b) >= 0;

    /// <summary>Same value, whatever the formats (record equality compares the format too).</summary>
    public bool ValueEquals(FixedValue other) => CompareTo(other) == 0;

    /// <summary>The exact decimal value ("-63.5", "0.001953125"); a binary fraction always ends.</summary>
    public override string ToString() => ExactDecimal(Raw, Format.FracBits);

    public static string ExactDecimal(BigInteger raw, int frac)
    {
        if (frac <= 0) return (raw << -frac).ToString(CultureInfo.InvariantCulture);
        var neg = raw.Sign < 0;
        var digits = (BigInteger.Abs(raw) * BigInteger.Pow(5, frac)).ToString(CultureInfo.InvariantCulture).PadLeft(frac + 1, '0');
        var intPart = digits[..^frac];
        var fracPart = digits[^frac..].TrimEnd('0');
        var sb = new StringBuilder();
        if (neg && (intPart.Trim('0').Length > 0 || fracPart.Length > 0)) sb.Append('-');
        sb.Append(intPart);
        if (fracPart.Length > 0) sb.Append('.').Append(fracPart);
        return sb.ToString();
    }

    /// <summary>The raw bits, W of them, MSB first (two's complement for signed formats).</summary>
    public string Binary()
    {
        var w = Format.Width;
        var u = Raw.Sign < 0 ? Raw + (BigInteger.One << w) : Raw;
        var sb = new StringBuilder(w);
        for (var i = w - 1; i >= 0; i--) sb.Append(((u >> i) & 1).IsZero ? '0' : '1');
        return sb.ToString();
    }

    public string Hex()
    {
        var w = Format.Width;
        var u = Raw.Sign < 0 ? Raw + (BigInteger.One << w) : Raw;
        return u.ToString("X", CultureInfo.InvariantCulture).TrimStart('0').PadLeft((w + 3) / 4, '0');
    }
}
