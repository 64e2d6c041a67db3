using FlowRunner.Hls.Architecture;
using FlowRunner.Hls.Tests.Support;
using FlowRunner.Models.Inference;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Hls.Tests;

/// <summary>A quantizer on the network's input (QKeras `quantized_relu` as the first layer, as in qkeras_mnist_dense) is the accelerator's input
/// format: the plan starts at the first weighted layer, and the RTL without the leading layer equals the bit-accurate model with it.</summary>
public class InputQuantizerTests
{
    private const string Unsigned = "ac_fixed<4,2,false,AC_RND_CONV,AC_SAT>";

    private static Accelerator Plan(string first) =>
        Accelerator.Plan(new BitAccurateNetwork(HlsRig.Network(3, $"name: q\ninput: [1, 1, 12]\nlayers:\n  - {first}\n  - {{ type: dense, units: 5, bias: true }}\n"),
            FixedFormat.Parse("ac_fixed<8,4,true,AC_RND,AC_SAT>")), new Directives(32, 2));

    [Fact]
    public void Qkeras_mnist_dense_with_its_input_quantizer_runs_bit_for_bit_in_the_rtl()
    {
        var net = HlsRig.Keras("qkeras_mnist_dense");
        Assert.Equal("q_activation_2", net.Spec.Layers[0].Name); // the quantized_relu(2) on the input stays in the model
        var a = LayerKindEquivalenceTests.RtlMatches(net, "ac_fixed<8,4,true,AC_RND,AC_SAT>", 4, 3);
        Assert.Equal("q_dense_2", a.Layers[0].Name);
        Assert.Equal("ac_fixed<2,0,false,AC_RND_CONV,AC_SAT>", a.InputFormat.ToString());
        Assert.Equal(784, a.InputValues);
    }

    [Fact]
    public void Qkeras_mnist_dense_cpp_matches_the_float_model() =>
        LayerKindEquivalenceTests.CppMatches(HlsRig.Keras("qkeras_mnist_dense"), "ac_fixed<8,4,true,AC_RND,AC_SAT>", 4, 3);

    [Fact]
    public void A_relu_into_the_inputs_own_unsigned_format_is_the_input_format()
    {
        var a = Plan($"{{ type: relu, input_format: \"{Unsigned}\", output_format: \"{Unsigned}\" }}");
        Assert.Equal(Unsigned, a.InputFormat.ToString());
        Assert.Single(a.Layers);
        // A bound at or above the format's largest value (3.75) clips nothing.
        Assert.Single(Plan($"{{ type: relu, max: 4, input_format: \"{Unsigned}\", output_format: \"{Unsigned}\" }}").Layers);
    }

    [Theory]
    [InlineData("{ type: relu }", "is signed")]
    [InlineData("{ type: relu, input_format: \"ac_fixed<4,2,false,AC_RND_CONV,AC_SAT>\", output_format: \"ac_fixed<3,1,false,AC_RND_CONV,AC_SAT>\" }", "differs from the input format")]
    [InlineData("{ type: relu, max: 2, input_format: \"ac_fixed<4,2,false,AC_RND_CONV,AC_SAT>\", output_format: \"ac_fixed<4,2,false,AC_RND_CONV,AC_SAT>\" }", "its bound 2 clips")]
    [InlineData("{ type: sigmoid }", "only a quantizer on the input")]
    public void A_leading_layer_that_is_more_than_the_inputs_quantizer_is_refused_naming_it_and_why(string first, string why)
    {
        var e = Assert.Throws<HlsException>(() => Plan(first));
        Assert.Contains("on the input, before the first conv2d or dense", e.Message);
        Assert.Contains(why, e.Message);
        Assert.StartsWith("layer '", e.Message);
    }
}
