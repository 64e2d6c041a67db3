using FlowRunner.Hls.Tests.Support;

namespace FlowRunner.Hls.Tests;

/// <summary>Batch normalization goes to hardware: folded by the importers into the Dense or Conv before it (KERAS_3layer_batch_norm, the PyTorch
/// ONNX MLP), else a per-channel multiply-add in its own formats (a 1x1 conv with the scales on the diagonal). Icarus runs the RTL to the
/// bit-accurate model's outputs bit for bit and the schedule's cycles; g++ builds the C++ to the float model's outputs.</summary>
public class BatchNormEquivalenceTests
{
    /// <summary>Batch-norms after a relu (so nothing folds them): on a conv's feature map and on a dense layer's outputs.</summary>
    private const string Unfolded = """
        name: bn
        input: [6, 6, 2]
        layers:
          - { type: conv2d, kernel: 3, filters: 3, bias: true }
          - { type: relu }
          - { type: batchnorm }
          - { type: flatten }
          - { type: dense, units: 8, bias: true }
          - { type: relu }
          - { type: batchnorm }
          - { type: dense, units: 4 }
        """;

    private static Models.Network.FloatNetwork Net(int seed)
    {
        var net = HlsRig.WithBiases(HlsRig.Network(seed, Unfolded), seed + 1);
        // Scales away from 1 and of both signs, so a wrong channel or a missing scale shows.
        var rng = new Random(seed);
        for (var i = 0; i < net.Spec.Layers.Count; i++)
            if (net.Spec.Layers[i].TypeName == "batchnorm")
                for (var c = 0; c < net.Weights[i].Length; c++) net.Weights[i][c] = (float)(rng.NextDouble() * 3 - 1.5);
        return net;
    }

    [Theory]
    [InlineData("ac_fixed<8,4,true,AC_RND,AC_SAT>", 2)]
    [InlineData("ac_fixed<10,5,true,AC_TRN,AC_WRAP>", 3)]
    public void Unfolded_batchnorm_runs_bit_for_bit_in_the_rtl(string format, int lanes) =>
        Assert.Equal(2, LayerKindEquivalenceTests.RtlMatches(Net(51), format, lanes, 3).Layers.Count(l => l.KindName == "batchnorm"));

    [Fact]
    public void Unfolded_batchnorm_cpp_matches_the_float_model() =>
        LayerKindEquivalenceTests.CppMatches(Net(52), "ac_fixed<8,4,true,AC_RND,AC_SAT>", 2, 4);

    [Theory]
    [InlineData("keras:KERAS_3layer_batch_norm")]
    [InlineData("onnx:three_layer_bn_pytorch.onnx")]
    public void Folded_batchnorm_models_run_bit_for_bit_in_the_rtl(string model) =>
        LayerKindEquivalenceTests.RtlMatches(HlsRig.Shipped(model), "ac_fixed<16,6,true,AC_RND,AC_SAT>", 2, 3);

    [Theory]
    [InlineData("keras:KERAS_3layer_batch_norm")]
    [InlineData("onnx:three_layer_bn_pytorch.onnx")]
    public void Folded_batchnorm_models_cpp_matches_the_float_model(string model) =>
        LayerKindEquivalenceTests.CppMatches(HlsRig.Shipped(model), "ac_fixed<16,6,true,AC_RND,AC_SAT>", 2, 4);
}
