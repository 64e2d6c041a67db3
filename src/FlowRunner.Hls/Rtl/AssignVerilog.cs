using System.Numerics;
using System.Text;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Hls.Rtl;

/// <summary>Verilog for an ac_fixed assignment: a signed value of <c>inWidth</c> bits with <c>inFrac</c> fractional bits assigned into a
/// format, rounding the dropped bits by its quantization mode and then applying its overflow mode, bit for bit as
/// FlowRunner.Numerics.Values.Quantizer defines them.</summary>
public static class AssignVerilog
{
    /// <summary>A combinational module <paramref name="name"/>(input signed [inWidth-1:0] a, output [W-1:0] y).</summary>
    public static string Module(string name, int inWidth, int inFrac, FixedFormat to)
    {
        var sb = new StringBuilder();
        var ow = to.Width;
        var shift = inFrac - to.FracBits;
        sb.Append($"// {name}: assigns a signed {inWidth}-bit value with {inFrac} fractional bits into {to}\n");
        sb.Append($"// (quantization {FixedFormat.Name(to.Quantization)}, then overflow {FixedFormat.Name(to.Overflow)}).\n");
        sb.Append("/* verilator lint_off UNUSED */\n");
        sb.Append($"module {name} (\n  input signed [{inWidth - 1}:0] a,\n  output [{ow - 1}:0] y\n);\n");

        // q: the value at the target's LSB after quantization, in qw bits (one spare bit for the rounding carry).
        int qw;
        var w = inWidth;
        var src = "a";
        if (shift > 0 && inWidth - shift < 1)
        {
            // Every bit is dropped: widen so that the kept part is the sign.
            w = shift + 1;
            sb.Append($"  wire signed [{w - 1}:0] ax = {Extend("a", inWidth, w)};\n");
            src = "ax";
        }
        if (shift > 0)
        {
            var fw = w - shift;
            qw = fw + 1;
            sb.Append($"  wire signed [{fw - 1}:0] fl = {src}[{w - 1}:{shift}];\n");
            var inc = Increment(to.Quantization);
            if (Uses(inc, "qb")) sb.Append($"  wire qb = {src}[{shift - 1}];\n");
            if (Uses(inc, "r")) sb.Append(shift >= 2 ? $"  wire r = |{src}[{shift - 2}:0];\n" : "  wire r = 1'b0;\n");
            if (Uses(inc, "s")) sb.Append($"  wire s = {src}[{w - 1}];\n");
            if (Uses(inc, "lsb")) sb.Append("  wire lsb = fl[0];\n");
            sb.Append($"  wire inc = {inc};\n");
            sb.Append($"  wire signed [{qw - 1}:0] q = {{fl[{fw - 1}], fl}} + $signed({{{qw - 1}'d0, inc}});\n");
        }
        else if (shift == 0)
        {
            qw = inWidth;
            sb.Append($"  wire signed [{qw - 1}:0] q = a;\n");
        }
        else
        {
            qw = inWidth - shift;
            sb.Append($"  wire signed [{qw - 1}:0] q = {{a, {-shift}'d0}};\n");
        }

        var min = to.LowestRaw;
        var max = to.MaxRaw;
        var qmin = -(BigInteger.One << (qw - 1));
        var qmax = (BigInteger.One << (qw - 1)) - 1;
        var canOverflow = qmin < to.MinRaw || qmax > max;
        if (!canOverflow)
        {
            sb.Append(qw >= ow ? $"  assign y = q[{ow - 1}:0];\n" : $"  assign y = {{{{{ow - qw}{{q[{qw - 1}]}}}}, q}};\n");
            sb.Append("endmodule\n/* verilator lint_on UNUSED */\n");
            return sb.ToString();
        }
        // Compare in cw bits, wide enough for q and both limits.
        var cw = Math.Max(qw, ow + 1) + 1;
        if (to.Overflow != Overflow.Wrap || qw < ow) sb.Append($"  wire signed [{cw - 1}:0] qx = {Extend("q", qw, cw)};\n");
        var low = qw >= ow ? $"q[{ow - 1}:0]" : $"qx[{ow - 1}:0]";
        if (to.Overflow != Overflow.Wrap) sb.Append($"  wire over = qx > {Literal(max, cw)};\n");
        if (to.Overflow is Overflow.Sat or Overflow.SatZero) sb.Append($"  wire under = qx < {Literal(to.MinRaw, cw)};\n");
        if (to.Overflow == Overflow.SatSym) sb.Append($"  wire under = qx < {Literal(min, cw)};\n");
        var result = to.Overflow switch
        {
            Overflow.Wrap => low,
            Overflow.Sat => $"over ? {Bits(max, ow)} : under ? {Bits(to.MinRaw, ow)} : {low}",
            Overflow.SatZero => $"(over || under) ? {ow}'d0 : {low}",
            Overflow.SatSym => $"over ? {Bits(max, ow)} : under ? {Bits(min, ow)} : {low}",
            _ => throw new ArgumentOutOfRangeException(nameof(to)),
        };
        sb.Append($"  assign y = {result};\n");
        sb.Append("endmodule\n/* verilator lint_on UNUSED */\n");
        return sb.ToString();
    }

    /// <summary>The rounding increment of a mode from qb (first dropped bit), r (any other dropped bit), s (sign) and lsb (last kept bit).</summary>
    private static string Increment(Quantization q) => q switch
    {
        Quantization.Trn => "1'b0",
        Quantization.TrnZero => "s & (qb | r)",
        Quantization.Rnd => "qb",
        Quantization.RndZero => "qb & (s | r)",
        Quantization.RndInf => "qb & (~s | r)",
        Quantization.RndMinInf => "qb & r",
        Quantization.RndConv => "qb & (lsb | r)",
        Quantization.RndConvOdd => "qb & (~lsb | r)",
        _ => throw new ArgumentOutOfRangeException(nameof(q)),
    };

    private static bool Uses(string expression, string name) =>
        System.Text.RegularExpressions.Regex.IsMatch(expression, $@"\b{name}\b");

    private static string Extend(string v, int from, int to) => to == from ? v : $"{{{{{to - from}{{{v}[{from - 1}]}}}}, {v}}}";

    /// <summary>A signed literal of <paramref name="width"/> bits written as its two's complement pattern (no unary minus pitfalls).</summary>
    public static string Literal(BigInteger value, int width) => $"{width}'sh{Hex(value, width)}";

    internal static string Bits(BigInteger value, int width) => $"{width}'h{Hex(value, width)}";

    internal static string Hex(BigInteger value, int width)
    {
        var pattern = value & ((BigInteger.One << width) - 1);
        var digits = (width + 3) / 4;
        var hex = pattern.ToString("x");
        if (hex.Length > digits) hex = hex[^digits..];
        return hex.PadLeft(digits, '0');
    }
}
