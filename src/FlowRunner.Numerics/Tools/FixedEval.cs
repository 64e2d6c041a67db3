using System.Text.RegularExpressions;
using FlowRunner.Numerics.Formats;
using FlowRunner.Numerics.Values;

namespace FlowRunner.Numerics.Tools;

/// <summary>One line of `flowrunner fixed eval`: `add|sub|mul FMT_A A FMT_B B FMT_OUT` or `assign FMT_A A FMT_OUT`, formats in full
/// ac_fixed&lt;...&gt; spelling, values exact decimals representable in their formats; the answer is the result assigned into FMT_OUT, as an exact decimal.</summary>
public static partial class FixedEval
{
    [GeneratedRegex(@"ac_(?:fixed|int)\s*<[^>]*>|\S+")]
    private static partial Regex Token();

    public static string Evaluate(string line)
    {
        var t = Token().Matches(line).Select(m => m.Value).ToArray();
        if (t.Length == 0) throw new FormatException("empty line");
        switch (t[0])
        {
            case "assign":
                if (t.Length != 4) throw new FormatException($"assign takes FORMAT_A A FORMAT_OUT, got {t.Length - 1} item(s)");
                return Value(t[1], t[2]).Cast(Format(t[3])).ToString();
            case "add" or "sub" or "mul":
                if (t.Length != 6) throw new FormatException($"{t[0]} takes FORMAT_A A FORMAT_B B FORMAT_OUT, got {t.Length - 1} item(s)");
                var a = Value(t[1], t[2]);
                var b = Value(t[3], t[4]);
                var full = t[0] switch { "add" => a + b, "sub" => a - b, _ => a * b };
                return full.Cast(Format(t[5])).ToString();
            default:
                throw new FormatException($"unknown operation '{t[0]}' (add, sub, mul, assign)");
        }
    }

    private static FixedFormat Format(string s) => s.StartsWith("ac_", StringComparison.Ordinal)
        ? FixedFormat.Parse(s)
        : throw new FormatException($"'{s}': formats use the full ac_fixed<W,I,S,Q,O> spelling here");

    private static FixedValue Value(string format, string value) => FixedValue.FromDecimal(value, Format(format));
}
