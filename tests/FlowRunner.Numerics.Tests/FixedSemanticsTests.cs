using System.Numerics;
using FlowRunner.Numerics.Formats;
using FlowRunner.Numerics.Values;

namespace FlowRunner.Numerics.Tests;

/// <summary>Hand-checked vectors for every quantization and overflow mode (ac_types reference manual semantics).</summary>
public class FixedSemanticsTests
{
    private static FixedFormat F(string s) => FixedFormat.Parse(s);

    [Fact]
    public void The_reference_story_example_wraps_and_saturates()
    {
        var f = F("ac_fixed<10,7>");
        var sum = FixedValue.FromDecimal("62.5", f) + FixedValue.FromDecimal("2.0", f);
        Assert.Equal("64.5", sum.ToString());
        Assert.Equal("ac_fixed<11,8,true,AC_TRN,AC_WRAP>", sum.Format.ToString());
        Assert.Equal("-63.5", sum.Cast(f).ToString());
        Assert.Equal("63.875", sum.Cast(f.With(Quantization.Trn, Overflow.Sat)).ToString());
    }

    // Values in quarters, assigned to integers (F = 0): 2.25 2.5 2.75 -2.25 -2.5 -2.75 3.5 -3.5
    [Theory]
    [InlineData("trn", new[] { 2, 2, 2, -3, -3, -3, 3, -4 })]
    [InlineData("trn_zero", new[] { 2, 2, 2, -2, -2, -2, 3, -3 })]
    [InlineData("rnd", new[] { 2, 3, 3, -2, -2, -3, 4, -3 })]
    [InlineData("rnd_zero", new[] { 2, 2, 3, -2, -2, -3, 3, -3 })]
    [InlineData("rnd_inf", new[] { 2, 3, 3, -2, -3, -3, 4, -4 })]
    [InlineData("rnd_min_inf", new[] { 2, 2, 3, -2, -3, -3, 3, -4 })]
    [InlineData("rnd_conv", new[] { 2, 2, 3, -2, -2, -3, 4, -4 })]
    [InlineData("rnd_conv_odd", new[] { 2, 3, 3, -2, -3, -3, 3, -3 })]
    public void Each_quantization_mode_rounds_as_the_manual_says(string mode, int[] expected)
    {
        var src = F("8.6");
        var dst = F($"8.8 {mode}");
        var inputs = new[] { "2.25", "2.5", "2.75", "-2.25", "-2.5", "-2.75", "3.5", "-3.5" };
        Assert.Equal(expected, inputs.Select(x => (int)FixedValue.FromDecimal(x, src).Cast(dst).Raw));
        Assert.Equal(expected, inputs.Select(x => (int)FixedValue.FromDouble(double.Parse(x, System.Globalization.CultureInfo.InvariantCulture), dst).Raw));
    }

    [Theory]
    [InlineData("wrap", 200, -56)]
    [InlineData("sat", 200, 127)]
    [InlineData("sat_zero", 200, 0)]
    [InlineData("sat_sym", 200, 127)]
    [InlineData("wrap", -200, 56)]
    [InlineData("sat", -200, -128)]
    [InlineData("sat_zero", -200, 0)]
    [InlineData("sat_sym", -200, -127)]
    [InlineData("sat_sym", -128, -127)]
    [InlineData("sat", -128, -128)]
    [InlineData("wrap", 127, 127)]
    public void Each_overflow_mode_handles_out_of_range_values(string mode, int value, int expected)
    {
        var f = F($"int8 {mode}");
        Assert.Equal(expected, (int)FixedValue.FromInteger(value, f).Raw);
    }

    [Fact]
    public void Unsigned_formats_wrap_and_saturate_at_zero_and_two_to_the_width()
    {
        Assert.Equal(44, (int)FixedValue.FromInteger(300, F("uint8")).Raw);
        Assert.Equal(255, (int)FixedValue.FromInteger(300, F("uint8 sat")).Raw);
        Assert.Equal(0, (int)FixedValue.FromInteger(-3, F("uint8 sat_sym")).Raw);
        Assert.Equal(253, (int)FixedValue.FromInteger(-3, F("uint8")).Raw);
    }

    [Fact]
    public void Result_formats_lose_nothing()
    {
        var a = FixedValue.FromDecimal("-7.9375", F("ac_fixed<8,4,true>"));
        var b = FixedValue.FromDecimal("3.75", F("ac_fixed<6,2,false>"));
        var p = a * b;
        Assert.Equal("ac_fixed<14,6,true,AC_TRN,AC_WRAP>", p.Format.ToString());
        Assert.Equal("-29.765625", p.ToString());
        var s = a + b;
        Assert.Equal(5, s.Format.IntBits); // max(4 + 0, 2 + 1) + 1: the unsigned operand needs one more bit
        Assert.Equal(9, s.Format.Width);
        Assert.Equal("-4.1875", s.ToString());
        var d = b - a;
        Assert.True(d.Format.Signed);
        Assert.Equal("11.6875", d.ToString());
        var n = -FixedValue.FromInteger(-128, F("int8"));
        Assert.Equal("128", n.ToString());
        Assert.Equal(9, n.Format.Width);
    }

    [Fact]
    public void Shifts_keep_the_format_and_comparisons_compare_values()
    {
        var f = F("ac_fixed<8,4>");
        var x = FixedValue.FromDecimal("5.25", f);
        Assert.Equal("-5.5", (x << 1).ToString()); // 10.5 wraps in 4 integer bits
        Assert.Equal("2.625", (x >> 1).ToString());
        Assert.Equal("1.3125", (x >> 2).ToString());
        Assert.True(x > FixedValue.FromDecimal("5.125", F("ac_fixed<16,8>")));
        Assert.True(x.ValueEquals(FixedValue.FromDecimal("5.25", F("ac_fixed<12,5>"))));
    }

    [Fact]
    public void Integer_bits_may_be_negative_or_above_the_width()
    {
        var small = F("ac_fixed<4,-2>");
        Assert.Equal(Math.ScaleB(1, -6), small.Quantum);
        Assert.Equal(7 * Math.ScaleB(1, -6), small.Max);
        Assert.Equal("0.109375", FixedValue.FromDouble(0.11, small).ToString());
        var big = F("ac_fixed<4,6,true,AC_RND,AC_SAT>");
        Assert.Equal(4.0, big.Quantum);
        Assert.Equal("28", FixedValue.FromDouble(1000, big).ToString());
        Assert.Equal("8", FixedValue.FromDouble(6, big).ToString()); // 6 is halfway between 4 and 8: AC_RND goes up
    }

    [Fact]
    public void Values_print_as_exact_decimals_binary_and_hex()
    {
        var v = FixedValue.FromDecimal("-1.625", F("ac_fixed<8,3>"));
        Assert.Equal("11001100", v.Binary()); // raw -52 in 8 bits
        Assert.Equal("CC", v.Hex());
        Assert.Equal("0.000000476837158203125", FixedValue.FromDouble(Math.ScaleB(1, -21), F("ac_fixed<32,0>")).ToString());
        Assert.Throws<FormatException>(() => FixedValue.FromDecimal("0.1", F("8.4")));
        Assert.Throws<FormatException>(() => FixedValue.FromDecimal("9", F("8.4")));
    }

    [Fact]
    public void Wide_formats_take_the_exact_path()
    {
        var f = F("ac_fixed<100,60,true,AC_RND,AC_SAT>");
        var v = FixedValue.FromDecimal("123456789012345678.5", f);
        var sq = v * v;
        Assert.Equal(200, sq.Format.Width);
        Assert.Equal("15241578753238836651425088777625362.25", sq.ToString());
        Assert.Equal(f.MaxRaw, (v * v).Cast(f).Raw);
    }
}
