using System.Globalization;
using System.Text.RegularExpressions;

namespace FlowRunner.Numerics.Formats;

/// <summary>Reads formats as written in recipes: "ac_fixed&lt;8,3,true,AC_RND,AC_SAT&gt;" (trailing parameters optional, ac_fixed's defaults
/// true, AC_TRN, AC_WRAP), "ac_int&lt;8,true&gt;", short "8.3" (W.I, signed), "u8.3" (unsigned), with modes after it ("8.3 rnd sat"),
/// and "int8" / "uint16" (integers).</summary>
public static partial class FixedFormatParser
{
    [GeneratedRegex(@"^ac_fixed\s*<(?<args>[^>]*)>$")]
    private static partial Regex AcFixed();

    [GeneratedRegex(@"^ac_int\s*<(?<args>[^>]*)>$")]
    private static partial Regex AcInt();

    [GeneratedRegex(@"^(?<u>u)?(?<w>-?\d+)\.(?<i>-?\d+)$")]
    private static partial Regex Short();

    [GeneratedRegex(@"^(?<u>u)?int(?<w>\d+)$")]
    private static partial Regex Int();

    public static FixedFormat Parse(string text)
    {
        var t = (text ?? "").Trim();
        if (t.Length == 0) throw new FixedFormatException("empty format");
        if (AcFixed().Match(t) is { Success: true } m)
        {
            var args = m.Groups["args"].Value.Split(',').Select(a => a.Trim()).ToArray();
            if (args.Length is < 2 or > 5) throw new FixedFormatException($"'{t}': ac_fixed takes 2 to 5 parameters <W,I,S,Q,O>, got {args.Length}");
            return new FixedFormat(Integer(args[0], "W", t), Integer(args[1], "I", t),
                args.Length > 2 ? Bool(args[2], t) : true,
                args.Length > 3 ? QuantizationOf(args[3], t) : Quantization.Trn,
                args.Length > 4 ? OverflowOf(args[4], t) : Overflow.Wrap);
        }
        if (AcInt().Match(t) is { Success: true } ai)
        {
            var args = ai.Groups["args"].Value.Split(',').Select(a => a.Trim()).ToArray();
            if (args.Length is < 1 or > 2) throw new FixedFormatException($"'{t}': ac_int takes <W,S>");
            var w = Integer(args[0], "W", t);
            return new FixedFormat(w, w, args.Length > 1 ? Bool(args[1], t) : true);
        }
        var words = t.Split((char[])[' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
        FixedFormat head;
        if (Short().Match(words[0]) is { Success: true } s)
            head = new FixedFormat(Integer(s.Groups["w"].Value, "W", t), Integer(s.Groups["i"].Value, "I", t), !s.Groups["u"].Success);
        else if (Int().Match(words[0]) is { Success: true } n)
        {
            var w = Integer(n.Groups["w"].Value, "W", t);
            head = new FixedFormat(w, w, !n.Groups["u"].Success);
        }
        else
            throw new FixedFormatException($"'{t}' is not a format: write ac_fixed<W,I,S,Q,O>, W.I (e.g. 8.3), u8.3, or int8");
        var q = head.Quantization;
        var o = head.Overflow;
        foreach (var word in words.Skip(1))
        {
            if (TryQuantization(word, out var qq)) q = qq;
            else if (TryOverflow(word, out var oo)) o = oo;
            else throw new FixedFormatException($"'{t}': unknown mode '{word}' (quantization: trn, rnd, trn_zero, rnd_zero, rnd_inf, rnd_min_inf, rnd_conv, rnd_conv_odd; overflow: wrap, sat, sat_zero, sat_sym)");
        }
        return head.With(q, o);
    }

    private static int Integer(string s, string what, string t) =>
        int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v
            : throw new FixedFormatException($"'{t}': {what} must be an integer, got '{s}'");

    private static bool Bool(string s, string t) => s switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => throw new FixedFormatException($"'{t}': S must be true or false, got '{s}'"),
    };

    private static Quantization QuantizationOf(string s, string t) =>
        TryQuantization(s, out var q) ? q : throw new FixedFormatException($"'{t}': unknown quantization mode '{s}' (AC_TRN, AC_RND, AC_TRN_ZERO, AC_RND_ZERO, AC_RND_INF, AC_RND_MIN_INF, AC_RND_CONV, AC_RND_CONV_ODD)");

    private static Overflow OverflowOf(string s, string t) =>
        TryOverflow(s, out var o) ? o : throw new FixedFormatException($"'{t}': unknown overflow mode '{s}' (AC_WRAP, AC_SAT, AC_SAT_ZERO, AC_SAT_SYM)");

    private static string Key(string s) => s.Trim().ToLowerInvariant().Replace("ac_", "");

    public static bool TryQuantization(string s, out Quantization q)
    {
        (var ok, q) = Key(s) switch
        {
            "trn" => (true, Quantization.Trn), "rnd" => (true, Quantization.Rnd), "trn_zero" => (true, Quantization.TrnZero),
            "rnd_zero" => (true, Quantization.RndZero), "rnd_inf" => (true, Quantization.RndInf), "rnd_min_inf" => (true, Quantization.RndMinInf),
            "rnd_conv" => (true, Quantization.RndConv), "rnd_conv_odd" => (true, Quantization.RndConvOdd), _ => (false, Quantization.Trn),
        };
        return ok;
    }

    public static bool TryOverflow(string s, out Overflow o)
    {
        (var ok, o) = Key(s) switch
        {
            "wrap" => (true, Overflow.Wrap), "sat" => (true, Overflow.Sat), "sat_zero" => (true, Overflow.SatZero), "sat_sym" => (true, Overflow.SatSym),
            _ => (false, Overflow.Wrap),
        };
        return ok;
    }
}
