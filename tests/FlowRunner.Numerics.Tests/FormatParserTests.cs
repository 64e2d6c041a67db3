using FlowRunner.Numerics.Formats;

namespace FlowRunner.Numerics.Tests;

public class FormatParserTests
{
    [Theory]
    [InlineData("ac_fixed<8,3,true,AC_RND,AC_SAT>", "ac_fixed<8,3,true,AC_RND,AC_SAT>")]
    [InlineData("ac_fixed<8,3>", "ac_fixed<8,3,true,AC_TRN,AC_WRAP>")]
    [InlineData("ac_fixed< 8 , 3 , false >", "ac_fixed<8,3,false,AC_TRN,AC_WRAP>")]
    [InlineData("8.3", "ac_fixed<8,3,true,AC_TRN,AC_WRAP>")]
    [InlineData("8.3 rnd sat", "ac_fixed<8,3,true,AC_RND,AC_SAT>")]
    [InlineData("u16.8 RND_CONV sat_sym", "ac_fixed<16,8,false,AC_RND_CONV,AC_SAT_SYM>")]
    [InlineData("int8", "ac_fixed<8,8,true,AC_TRN,AC_WRAP>")]
    [InlineData("uint16 sat", "ac_fixed<16,16,false,AC_TRN,AC_SAT>")]
    [InlineData("ac_int<12,false>", "ac_fixed<12,12,false,AC_TRN,AC_WRAP>")]
    [InlineData("4.-2", "ac_fixed<4,-2,true,AC_TRN,AC_WRAP>")]
    public void Every_spelling_parses_to_the_same_format(string text, string expected) =>
        Assert.Equal(expected, FixedFormat.Parse(text).ToString());

    [Theory]
    [InlineData("ac_fixed<0,3>", "W must be at least 1")]
    [InlineData("-4.2", "W must be at least 1")]
    [InlineData("8.3 round", "unknown mode 'round'")]
    [InlineData("ac_fixed<8,3,true,AC_ROUND>", "unknown quantization mode 'AC_ROUND'")]
    [InlineData("ac_fixed<8,3,true,AC_RND,AC_CLAMP>", "unknown overflow mode 'AC_CLAMP'")]
    [InlineData("ac_fixed<8,x>", "I must be an integer")]
    [InlineData("eight", "is not a format")]
    [InlineData("", "empty format")]
    public void Impossible_formats_are_clear_errors(string text, string message) =>
        Assert.Contains(message, Assert.Throws<FixedFormatException>(() => FixedFormat.Parse(text)).Message);

    [Fact]
    public void Range_and_quantum_follow_from_the_format()
    {
        var f = FixedFormat.Parse("ac_fixed<10,7>");
        Assert.Equal(-64, f.Min);
        Assert.Equal(63.875, f.Max);
        Assert.Equal(0.125, f.Quantum);
        var u = FixedFormat.Parse("u8.3");
        Assert.Equal(0, u.Min);
        Assert.Equal(7.96875, u.Max);
    }
}
