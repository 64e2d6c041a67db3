using FlowRunner.Numerics.Tools;

namespace FlowRunner.Numerics.Tests;

public class FixedEvalTests
{
    [Theory]
    [InlineData("add ac_fixed<10,7,true,AC_TRN,AC_WRAP> 62.5 ac_fixed<10,7,true,AC_TRN,AC_WRAP> 2.0 ac_fixed<10,7,true,AC_TRN,AC_WRAP>", "-63.5")]
    [InlineData("add ac_fixed<10,7,true,AC_TRN,AC_WRAP> 62.5 ac_fixed<10,7,true,AC_TRN,AC_WRAP> 2.0 ac_fixed<10,7,true,AC_TRN,AC_SAT>", "63.875")]
    [InlineData("sub ac_fixed<8,4,false> 1.5 ac_fixed<8,4> 7.9375 ac_fixed<12,6>", "-6.4375")]
    [InlineData("mul ac_fixed<8,4> -7.5 ac_fixed<8,4> 7.5 ac_fixed<6,6,true,AC_RND,AC_SAT>", "-32")]
    [InlineData("mul ac_fixed<8,4> -7.5 ac_fixed<8,4> 7.5 ac_fixed<8,8,true,AC_RND,AC_SAT>", "-56")]
    [InlineData("mul ac_fixed<8,4> 1.0625 ac_fixed<8,4> 1.0625 ac_fixed<8,4,true,AC_RND,AC_WRAP>", "1.125")]
    [InlineData("assign ac_fixed<8,4> 2.5 ac_fixed<4,4,true,AC_RND_CONV,AC_SAT>", "2")]
    [InlineData("assign ac_fixed<8,4> -8 ac_fixed<4,4,true,AC_TRN,AC_SAT_SYM>", "-7")]
    public void Lines_evaluate_to_exact_decimals(string line, string expected) => Assert.Equal(expected, FixedEval.Evaluate(line));

    [Theory]
    [InlineData("mul ac_fixed<8,4> 1.5 ac_fixed<8,4>", "takes FORMAT_A A FORMAT_B B FORMAT_OUT")]
    [InlineData("div ac_fixed<8,4> 1 ac_fixed<8,4> 1 ac_fixed<8,4>", "unknown operation 'div'")]
    [InlineData("assign ac_fixed<8,4> 0.01 ac_fixed<8,4>", "not exactly representable")]
    [InlineData("assign 8.4 1 ac_fixed<8,4>", "full ac_fixed")]
    // AC_SAT_SYM never holds the most negative pattern: -2 is not a value of ac_fixed<4,2,true,AC_TRN,AC_SAT_SYM> (its range is [-1.75, 1.75]),
    // and ac_types would copy it unsaturated into another AC_SAT_SYM format, where FlowRunner's assignment gives -1.75.
    [InlineData("assign ac_fixed<4,2,true,AC_TRN,AC_SAT_SYM> -2 ac_fixed<8,4,true,AC_TRN,AC_SAT_SYM>", "AC_SAT_SYM excludes the most negative pattern")]
    [InlineData("add ac_fixed<4,2,true,AC_TRN,AC_SAT_SYM> -2 ac_fixed<4,2> 0 ac_fixed<8,4>", "[-1.75, 1.75]")]
    public void Malformed_lines_say_what_is_wrong(string line, string message) =>
        Assert.Contains(message, Assert.Throws<FormatException>(() => FixedEval.Evaluate(line)).Message);

    [Fact]
    public void The_lowest_value_of_an_AC_SAT_SYM_format_is_accepted_and_assigned_as_ac_types_does()
    {
        // -1.75 is in range; into a wider AC_SAT_SYM format nothing overflows and ac_types skips saturation: the value is kept.
        Assert.Equal("-1.75", FixedEval.Evaluate("assign ac_fixed<4,2,true,AC_TRN,AC_SAT_SYM> -1.75 ac_fixed<8,4,true,AC_TRN,AC_SAT_SYM>"));
        Assert.Equal("-2", FixedEval.Evaluate("assign ac_fixed<4,2,true,AC_TRN,AC_SAT> -2 ac_fixed<8,4,true,AC_TRN,AC_SAT_SYM>"));
    }

    [Fact]
    public void A_4096_bit_format_has_a_finite_range()
    {
        var f = FlowRunner.Numerics.Formats.FixedFormat.Parse("4096.1");
        Assert.Equal(-1.0, f.Lowest);
        Assert.InRange(f.Max, 1 - 1e-15, 1.0); // 1 - 2^-4095
        Assert.Equal(-0.5, FlowRunner.Numerics.Formats.FixedFormat.Parse("4000.0").Lowest);
        Assert.Equal(Math.ScaleB(1, 1000), FlowRunner.Numerics.Formats.FixedFormat.Parse("u2000.1000").Max, Math.ScaleB(1, 950));
    }
}
