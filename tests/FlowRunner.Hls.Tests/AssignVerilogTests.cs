using System.Numerics;
using System.Text;
using FlowRunner.Hls.Rtl;
using FlowRunner.Numerics.Formats;
using FlowRunner.Numerics.Values;
using FlowRunner.Tech.Tests.Support;

namespace FlowRunner.Hls.Tests;

/// <summary>The Verilog assignment (rounding, then overflow) equals Numerics' Quantizer on random values for every mode, in Icarus.</summary>
public class AssignVerilogTests
{
    private static IEnumerable<(int InWidth, int InFrac, FixedFormat To)> Cases()
    {
        foreach (var q in Enum.GetValues<Quantization>())
            foreach (var o in Enum.GetValues<Overflow>())
            {
                yield return (14, 6, new FixedFormat(6, 3, true, q, o));   // drop 3 fractional bits, can overflow
                yield return (10, 2, new FixedFormat(5, 4, false, q, o));  // unsigned target, drop 1 bit
            }
        yield return (6, 1, new FixedFormat(8, 5, true, Quantization.Rnd, Overflow.Sat));   // widening: no rounding, no overflow
        yield return (8, 2, new FixedFormat(6, 6, true, Quantization.Rnd, Overflow.Sat));   // more fractional bits on the left: shift left
        yield return (4, 9, new FixedFormat(4, 1, true, Quantization.RndInf, Overflow.SatSym)); // every input bit dropped
    }

    [Fact]
    public void Every_quantization_and_overflow_mode_matches_the_quantizer_bit_for_bit()
    {
        using var dir = new TempDir();
        var cases = Cases().ToList();
        var rng = new Random(11);
        var tb = new StringBuilder("module tb;\n  integer errors = 0;\n");
        var body = new StringBuilder();
        var checks = 0;
        for (var c = 0; c < cases.Count; c++)
        {
            var (iw, inf, to) = cases[c];
            File.WriteAllText(dir.File($"a{c}.v"), AssignVerilog.Module($"a{c}", iw, inf, to));
            tb.Append($"  reg signed [{iw - 1}:0] i{c};\n  wire [{to.Width - 1}:0] o{c};\n  a{c} u{c} (.a(i{c}), .y(o{c}));\n");
            var values = Enumerable.Range(0, 120).Select(_ => (long)rng.Next(-(1 << (iw - 1)), 1 << (iw - 1)))
                .Concat([-(1L << (iw - 1)), (1L << (iw - 1)) - 1, 0, -1, 1]);
            foreach (var v in values)
            {
                var expect = Quantizer.Assign(v, inf, to) & ((BigInteger.One << to.Width) - 1);
                body.Append($"    i{c} = {AssignVerilog.Literal(v, iw)}; #1; if (o{c} !== {to.Width}'d{expect}) begin errors = errors + 1; $display(\"case {c} ({to}): in %0d got %0d want {expect}\", i{c}, o{c}); end\n");
                checks++;
            }
        }
        tb.Append("  initial begin\n").Append(body).Append("    if (errors == 0) $display(\"PASS\"); else $display(\"FAIL %0d\", errors);\n    $finish;\n  end\nendmodule\n");
        File.WriteAllText(dir.File("tb.v"), tb.ToString());
        var files = new[] { "-g2005", "-o", "tb.vvp", "tb.v" }.Concat(Enumerable.Range(0, cases.Count).Select(c => $"a{c}.v"));
        var compile = Tool.Run("iverilog", files, dir.Path);
        Assert.True(compile.ExitCode == 0, compile.ToString());
        var run = Tool.Run("vvp", ["-n", "tb.vvp"], dir.Path);
        Assert.True(run.Output.Contains("PASS"), $"{checks} checks:\n{run.Output}");
    }

    [Fact]
    public void A_broken_rounding_mode_would_be_caught()
    {
        // The test above must be able to fail: RND and TRN differ on these formats, so swapping them changes the RTL's answers.
        var rnd = AssignVerilog.Module("m", 14, 6, new FixedFormat(6, 3, true, Quantization.Rnd, Overflow.Sat));
        var trn = AssignVerilog.Module("m", 14, 6, new FixedFormat(6, 3, true, Quantization.Trn, Overflow.Sat));
        Assert.NotEqual(rnd, trn);
        Assert.NotEqual(Quantizer.Assign(5, 6, new FixedFormat(6, 3, true, Quantization.Rnd, Overflow.Sat)),
            Quantizer.Assign(5, 6, new FixedFormat(6, 3, true, Quantization.Trn, Overflow.Sat)));
    }
}
