using System.Numerics;

namespace FlowRunner.Numerics.Formats;

/// <summary>Quantization modes of ac_fixed: how dropped fractional bits round (applied only on assignment or cast).</summary>
public enum Quantization { Trn, Rnd, TrnZero, RndZero, RndInf, RndMinInf, RndConv, RndConvOdd }

/// <summary>Overflow modes of ac_fixed: what happens to a value outside the format's range, after quantization.</summary>
public enum Overflow { Wrap, Sat, SatZero, SatSym }

/// <summary>A fixed-point format with ac_fixed&lt;W,I,S,Q,O&gt; meaning: W bits in all, I integer bits (including the sign bit, any integer,
/// also negative or above W), signed or not, a quantization and an overflow mode. A value is raw × 2^-(W-I).</summary>
public readonly record struct FixedFormat
{
    public FixedFormat(int width, int intBits, bool signed = true, Quantization quantization = Quantization.Trn, Overflow overflow = Overflow.Wrap)
    {
        if (width <= 0) throw new FixedFormatException($"width W must be at least 1, got {width}");
        if (width > 4096) throw new FixedFormatException($"width W={width} is larger than FlowRunner supports (4096)");
        Width = width;
        IntBits = intBits;
        Signed = signed;
        Quantization = quantization;
        Overflow = overflow;
    }

    public int Width { get; }
    public int IntBits { get; }
    public bool Signed { get; }
    public Quantization Quantization { get; }
    public Overflow Overflow { get; }

    /// <summary>Fractional bits F = W - I (negative when I &gt; W).</summary>
    public int FracBits => Width - IntBits;

    /// <summary>The smallest raw integer (two's complement for signed formats).</summary>
    public BigInteger MinRaw => Signed ? -(BigInteger.One << (Width - 1)) : BigInteger.Zero;

    /// <summary>The largest raw integer.</summary>
    public BigInteger MaxRaw => Signed ? (BigInteger.One << (Width - 1)) - 1 : (BigInteger.One << Width) - 1;

    public double Min => Scale(MinRaw, FracBits);
    public double Max => Scale(MaxRaw, FracBits);

    /// <summary>The value of one LSB: 2^-F.</summary>
    public double Quantum => Math.ScaleB(1.0, -FracBits);

    /// <summary>True when raw values fit a 64-bit integer, so the fast batch kernels apply.</summary>
    public bool FitsInt64 => Width <= 62;

    /// <summary>The same bits with other modes.</summary>
    public FixedFormat With(Quantization q, Overflow o) => new(Width, IntBits, Signed, q, o);

    /// <summary>raw × 2^-fracBits as the nearest double; a raw integer beyond double's range (wide formats such as 4096.1) is scaled in
    /// two steps instead of overflowing to infinity.</summary>
    public static double Scale(BigInteger raw, int fracBits)
    {
        var bits = raw.IsZero ? 0 : (long)BigInteger.Abs(raw).GetBitLength();
        if (bits <= 1000) return Math.ScaleB((double)raw, -fracBits);
        var drop = (int)(bits - 64);
        return Math.ScaleB((double)(raw >> drop), drop - fracBits);
    }

    /// <summary>The smallest raw integer a value of this format can hold: for signed AC_SAT_SYM (W &gt; 1) the most negative pattern is
    /// never produced, so it is -MaxRaw.</summary>
    public BigInteger LowestRaw => Overflow == Overflow.SatSym && Signed && Width > 1 ? -MaxRaw : MinRaw;

    /// <summary>The smallest value the format holds (<see cref="LowestRaw"/> scaled).</summary>
    public double Lowest => Scale(LowestRaw, FracBits);

    public override string ToString() =>
        $"ac_fixed<{Width},{IntBits},{(Signed ? "true" : "false")},{Name(Quantization)},{Name(Overflow)}>";

    public static string Name(Quantization q) => q switch
    {
        Quantization.Trn => "AC_TRN", Quantization.Rnd => "AC_RND", Quantization.TrnZero => "AC_TRN_ZERO", Quantization.RndZero => "AC_RND_ZERO",
        Quantization.RndInf => "AC_RND_INF", Quantization.RndMinInf => "AC_RND_MIN_INF", Quantization.RndConv => "AC_RND_CONV", _ => "AC_RND_CONV_ODD",
    };

    public static string Name(Overflow o) => o switch
    {
        Overflow.Wrap => "AC_WRAP", Overflow.Sat => "AC_SAT", Overflow.SatZero => "AC_SAT_ZERO", _ => "AC_SAT_SYM",
    };

    /// <summary>Parses the spellings users write in recipes; see <see cref="FixedFormatParser"/>.</summary>
    public static FixedFormat Parse(string text) => FixedFormatParser.Parse(text);
}

/// <summary>An impossible or malformed fixed-point format (W &lt;= 0, an unknown mode, bad syntax); the message names the part.</summary>
public sealed class FixedFormatException(string message) : FormatException(message);
