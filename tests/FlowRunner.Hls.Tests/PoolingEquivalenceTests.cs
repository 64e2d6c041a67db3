using FlowRunner.Hls.Architecture;
using FlowRunner.Hls.Tests.Support;
using FlowRunner.Models.Network;

namespace FlowRunner.Hls.Tests;

/// <summary>Max-pools go to hardware fused into the conv before them (the conv walks each pool window's outputs in turn and stores their
/// maximum), and a LeNet-like network (tests/fixtures/networks/lenet-like.yaml) runs bit for bit in the RTL and the C++.</summary>
public class PoolingEquivalenceTests
{
    private static FloatNetwork LeNet(int seed) =>
        HlsRig.WithBiases(HlsRig.Network(seed, File.ReadAllText(HlsRig.Fixture("networks", "lenet-like.yaml"))), seed + 50);

    /// <summary>Overlapping windows (3 at stride 2) after a padded conv, a 1-D pool after a conv1d, and a pool before the relu.</summary>
    private const string Overlapping = """
        name: overlap
        input: [11, 11, 2]
        layers:
          - { type: conv2d, kernel: 3, filters: 5, padding: same, bias: true }
          - { type: maxpool2d, pool: 3, stride: 2 }
          - { type: relu }
          - { type: flatten }
          - { type: dense, units: 4, bias: true }
        """;

    private const string Pool1D = """
        name: pool1d
        input: [1, 20, 3]
        layers:
          - { type: conv1d, kernel: 4, filters: 3, padding: same, bias: true }
          - { type: relu }
          - { type: maxpool1d, pool: 2 }
          - { type: conv1d, kernel: 3, filters: 2, bias: true }
          - { type: relu }
          - { type: flatten }
          - { type: dense, units: 3 }
        """;

    [Theory]
    [InlineData("ac_fixed<8,4,true,AC_RND,AC_SAT>", 4)]
    [InlineData("ac_fixed<6,3,true,AC_TRN,AC_WRAP>", 3)]
    public void Lenet_like_runs_bit_for_bit_in_the_rtl(string format, int lanes)
    {
        var a = LayerKindEquivalenceTests.RtlMatches(LeNet(31), format, lanes, 2);
        Assert.Equal(2, a.Layers.Count(l => l.Pool is not null));
        Assert.Equal(5, a.Array.Rows);
    }

    [Fact]
    public void Lenet_like_cpp_matches_the_float_model() =>
        LayerKindEquivalenceTests.CppMatches(LeNet(32), "ac_fixed<8,4,true,AC_RND,AC_SAT>", 4, 3);

    [Theory]
    [InlineData("overlap", 2)]
    [InlineData("pool1d", 3)]
    public void Pools_run_bit_for_bit_in_the_rtl(string network, int lanes) =>
        LayerKindEquivalenceTests.RtlMatches(HlsRig.WithBiases(HlsRig.Network(41, Description(network)), 42), "ac_fixed<8,4,true,AC_RND,AC_SAT>", lanes, 3);

    [Theory]
    [InlineData("overlap")]
    [InlineData("pool1d")]
    public void Pools_cpp_matches_the_float_model(string network) =>
        LayerKindEquivalenceTests.CppMatches(HlsRig.WithBiases(HlsRig.Network(43, Description(network)), 44), "ac_fixed<8,4,true,AC_RND,AC_SAT>", 2, 3);

    [Fact]
    public void Lenet_like_rtl_is_clean_under_verilator_lint_all() => Assert.Null(HlsRig.LintProblems(LeNet(31), "ac_fixed<8,4,true,AC_RND,AC_SAT>", 3));

    [Theory]
    [InlineData("  - { type: avgpool2d, pool: 2 }", "avgpool2d")]
    [InlineData("  - { type: maxpool2d, pool: 2, padding: same }", "valid windows only")]
    public void Pools_the_rtl_cannot_build_are_errors_naming_the_layer(string pool, string message)
    {
        var description = $"name: t\ninput: [8, 8, 1]\nlayers:\n  - {{ type: conv2d, kernel: 3, filters: 2 }}\n{pool}\n  - {{ type: flatten }}\n  - {{ type: dense, units: 3 }}\n";
        var model = new Models.Inference.BitAccurateNetwork(HlsRig.Network(1, description), Numerics.Formats.FixedFormat.Parse("ac_fixed<8,4,true,AC_RND,AC_SAT>"));
        var e = Assert.Throws<HlsException>(() => Accelerator.Plan(model, new Directives(32, 2)));
        Assert.Contains(message, e.Message);
        Assert.Contains("layer '", e.Message);
    }

    private static string Description(string name) => name == "overlap" ? Overlapping : Pool1D;
}
