using FlowRunner.Hls.Architecture;
using FlowRunner.Hls.Tests.Support;

namespace FlowRunner.Hls.Tests;

/// <summary>Element-wise activations go to hardware fused after their layer: LeakyReLU with a power-of-two slope as a shift, with another slope
/// as a ROM of the model's outputs, sigmoid and tanh as the model's documented 1,024-entry table (also on the logits). Icarus runs the RTL to
/// the bit-accurate model's outputs bit for bit and the schedule's cycles; g++ builds the C++ to the float model's outputs.</summary>
public class ActivationEquivalenceTests
{
    private const string Mlp = """
        name: act
        input: [1, 1, 12]
        layers:
          - { type: dense, units: 10, bias: true }
          - { type: leaky_relu, alpha: 0.125 }
          - { type: dense, units: 8, bias: true }
          - { type: leaky_relu, alpha: 0.3 }
          - { type: dense, units: 6, bias: true }
          - { type: tanh }
          - { type: dense, units: 3, bias: true }
          - { type: sigmoid }
        """;

    private const string Conv = """
        name: actconv
        input: [6, 6, 2]
        layers:
          - { type: conv2d, kernel: 3, filters: 3, bias: true }
          - { type: leaky_relu, alpha: 0.5 }
          - { type: flatten }
          - { type: dense, units: 4, bias: true }
          - { type: sigmoid }
          - { type: dense, units: 2, bias: true }
        """;

    private static Models.Network.FloatNetwork Net(string description, int seed) => HlsRig.WithBiases(HlsRig.Network(seed, description), seed + 7);

    [Theory]
    [InlineData("mlp", "ac_fixed<8,4,true,AC_RND,AC_SAT>", 2)]
    [InlineData("mlp", "ac_fixed<10,5,true,AC_TRN,AC_WRAP>", 3)]
    [InlineData("conv", "ac_fixed<16,6,true,AC_RND,AC_SAT>", 2)]
    public void Activations_run_bit_for_bit_in_the_rtl(string network, string format, int lanes)
    {
        var a = LayerKindEquivalenceTests.RtlMatches(Net(network == "mlp" ? Mlp : Conv, 61), format, lanes, 4);
        if (network == "mlp")
            Assert.Equal([FunctionKind.Shift, FunctionKind.Lookup, FunctionKind.Table, FunctionKind.Table], a.Layers.Select(l => l.Function!.Kind));
    }

    [Theory]
    [InlineData("mlp", "ac_fixed<10,5,true,AC_RND,AC_SAT>")]
    [InlineData("conv", "ac_fixed<16,6,true,AC_RND,AC_SAT>")]
    public void Activations_cpp_matches_the_float_model(string network, string format) =>
        LayerKindEquivalenceTests.CppMatches(Net(network == "mlp" ? Mlp : Conv, 62), format, 2, 4);

    [Fact]
    public void Shipped_pytorch_mlp_with_a_sigmoid_output_runs_bit_for_bit() =>
        LayerKindEquivalenceTests.RtlMatches(HlsRig.Onnx("two_layer_pytorch.onnx"), "ac_fixed<16,6,true,AC_RND,AC_SAT>", 2, 3);

    [Fact]
    public void Activation_rtl_is_clean_under_verilator_lint_all() => Assert.Null(HlsRig.LintProblems(Net(Mlp, 61), "ac_fixed<8,4,true,AC_RND,AC_SAT>", 2));

    [Fact]
    public void A_wide_leaky_relu_with_another_slope_is_an_error_naming_the_layer()
    {
        var model = new Models.Inference.BitAccurateNetwork(Net(Mlp, 1), Numerics.Formats.FixedFormat.Parse("ac_fixed<16,6,true,AC_RND,AC_SAT>"));
        var e = Assert.Throws<HlsException>(() => Accelerator.Plan(model, new Directives(32, 2)));
        Assert.Contains("leaky_relu", e.Message);
        Assert.Contains("not a power of two", e.Message);
    }
}
