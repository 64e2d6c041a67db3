using FlowRunner.Hls.Tests.Support;

namespace FlowRunner.Hls.Tests;

/// <summary>The shipped conv models others trained (tests/fixtures/models) go to hardware with their own weights: Icarus runs the RTL to the
/// bit-accurate model's outputs bit for bit and the schedule's cycles, g++ builds the C++ to the float model's outputs.</summary>
public class ShippedConvModelTests
{
    [Theory]
    [InlineData("keras:KERAS_conv2d_model", 2)]
    [InlineData("keras:KERAS_conv1d_small", 1)]
    [InlineData("onnx:conv2d_small_keras.onnx", 2)]
    public void Shipped_conv_model_runs_bit_for_bit_in_the_rtl(string model, int lanes) =>
        LayerKindEquivalenceTests.RtlMatches(HlsRig.Shipped(model), "ac_fixed<16,6,true,AC_RND,AC_SAT>", lanes, 3);

    [Theory]
    [InlineData("keras:KERAS_conv2d_model")]
    [InlineData("keras:KERAS_conv1d_small")]
    [InlineData("onnx:conv2d_small_keras.onnx")]
    public void Shipped_conv_model_cpp_matches_the_float_model(string model) =>
        LayerKindEquivalenceTests.CppMatches(HlsRig.Shipped(model), "ac_fixed<16,6,true,AC_RND,AC_SAT>", 2, 4);
}
