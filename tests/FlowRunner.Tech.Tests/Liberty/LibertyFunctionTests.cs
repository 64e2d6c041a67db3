using FlowRunner.Tech.Liberty;

namespace FlowRunner.Tech.Tests.Liberty;

public class LibertyFunctionTests
{
    [Theory]
    [InlineData("!(A&B)", "A", "negative_unate")]
    [InlineData("(A B)", "B", "positive_unate")]
    [InlineData("A^B", "A", "non_unate")]
    [InlineData("(A&!S)|(B&S)", "S", "non_unate")]
    [InlineData("(A&!S)|(B&S)", "A", "positive_unate")]
    [InlineData("!((A|B)&C)", "C", "negative_unate")]
    [InlineData("A'+B", "A", "negative_unate")]
    public void Unateness_comes_from_the_truth_table(string function, string input, string expected) =>
        Assert.Equal(expected, LibertyFunction.Parse(function).Unateness(input));

    [Fact]
    public void Evaluates_the_osu_full_adder_carry_with_juxtaposition_and_plus()
    {
        var carry = LibertyFunction.Parse("(((A B)+(B C))+(C A))");
        Assert.Equal(["A", "B", "C"], carry.Variables);
        for (var m = 0; m < 8; m++)
        {
            bool a = (m & 1) == 1, b = (m & 2) == 2, c = (m & 4) == 4;
            var expected = (a ? 1 : 0) + (b ? 1 : 0) + (c ? 1 : 0) >= 2;
            Assert.Equal(expected, carry.Evaluate(n => n switch { "A" => a, "B" => b, _ => c }));
        }
    }

    [Fact]
    public void Xor_binds_tighter_than_and_which_binds_tighter_than_or()
    {
        var f = LibertyFunction.Parse("A|B&C^D");
        // A | (B & (C ^ D)): with A = 0, B = 1, C = 1, D = 1 the XOR is 0, so the result is 0.
        Assert.False(f.Evaluate(n => n != "A"));
        Assert.True(LibertyFunction.Parse("1").Evaluate(_ => false));
    }

    [Fact]
    public void Rejects_broken_functions()
    {
        Assert.Throws<FormatException>(() => LibertyFunction.Parse("(A&B"));
        Assert.Throws<FormatException>(() => LibertyFunction.Parse("A&"));
    }
}
