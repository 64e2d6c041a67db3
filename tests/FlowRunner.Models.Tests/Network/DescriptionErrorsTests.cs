using FlowRunner.Models.Network;

namespace FlowRunner.Models.Tests.Network;

/// <summary>A description with several mistakes reports every one at once, each at its file, line and column.</summary>
public class DescriptionErrorsTests
{
    [Fact]
    public void Every_error_of_a_description_is_reported_with_its_line_and_column()
    {
        const string text = """
            name: bad
            input: [28, 28, 1]
            colour: red
            layers:
              - { type: conv2d, kernel: 3, filters: 4, wieght_format: "8.4" }
              - { type: relu, output_format: "ac_fixed<0,4>" }
              - { type: dense, units: 10, bias: maybe }
              - { type: swish }
            """;
        var e = Assert.Throws<ModelFormatException>(() => NetworkSpec.Parse(text, "net.yaml"));
        Assert.Equal(
        [
            "net.yaml:3:1: unknown top-level key 'colour'",
            "net.yaml:5:44: unknown layer key 'wieght_format'",
            "net.yaml:7:37: bias must be true or false, got 'maybe'",
            "net.yaml:8:5: unsupported layer type 'swish'",
        ], e.Errors.Select(x => x.Split(" (")[0]).Where(x => !x.Contains("output_format")));
        Assert.Contains(e.Errors, x => x.StartsWith("net.yaml:6:", StringComparison.Ordinal) && x.Contains("output_format: width W must be at least 1"));
        Assert.Equal(5, e.Errors.Count);
        Assert.StartsWith("net.yaml:3:1: unknown top-level key 'colour'", e.Message);
        Assert.EndsWith("(and 4 more error(s) in the description)", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_single_error_keeps_its_one_line_and_a_good_description_still_reads()
    {
        var e = Assert.Throws<ModelFormatException>(() => NetworkSpec.Parse("input: [4]\nlayers:\n  - { type: dense, units: 0 }\n", "n.yaml"));
        Assert.Equal("n.yaml:3:27: units must be a positive integer, got '0'", e.Message);
        Assert.Single(e.Errors);
        Assert.Equal(3, NetworkSpec.Parse("input: [4]\nlayers:\n  - { type: dense, units: 3 }\n", "n.yaml").Classes);
    }
}
