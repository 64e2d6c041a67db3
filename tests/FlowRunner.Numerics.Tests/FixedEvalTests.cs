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
    public void Malformed_lines_say_what_is_wrong(string line, string message) =>
        Assert.Contains(message, Assert.Throws<FormatException>(() => FixedEval.Evaluate(line)).Message);
}
