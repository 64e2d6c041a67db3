using FlowRunner.Import.Tests.Support;
using FlowRunner.Models.Network;

namespace FlowRunner.Import.Tests;

/// <summary>Every float ONNX model shipped gives ONNX Runtime's outputs on random inputs to 1e-5 relative, and every Keras model its ONNX twin's.</summary>
public sealed class OnnxRuntimeTests
{
    public static TheoryData<string> FloatModels()
    {
        var d = new TheoryData<string>();
        foreach (var f in ShippedModels.OnnxFiles.Where(ShippedModels.IsFloatGraph)) d.Add(Path.GetFileName(f));
        return d;
    }

    [Fact]
    public void The_shipped_float_graphs_are_the_four_expected()
    {
        Assert.Equal(["conv2d_small_keras.onnx", "three_layer_bn_pytorch.onnx", "three_layer_keras.onnx", "two_layer_pytorch.onnx"],
            ShippedModels.OnnxFiles.Where(ShippedModels.IsFloatGraph).Select(Path.GetFileName).ToArray());
    }

    /// <summary>|a − b| ≤ 1e-5 · max(|b|, 1e-2): relative, with a floor so that outputs near zero (softmax tails) are compared at 1e-7.</summary>
    internal static void Close(float[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var tol = 1e-5 * Math.Max(Math.Abs(expected[i]), 1e-2);
            Assert.True(Math.Abs(actual[i] - expected[i]) <= tol, $"{what}: output {i}: FlowRunner {actual[i]:R}, reference {expected[i]:R} (tolerance {tol:G3})");
        }
    }

    [Theory]
    [MemberData(nameof(FloatModels))]
    public void Float_inference_equals_onnx_runtime(string name)
    {
        var file = ShippedModels.Onnx(name);
        var net = ModelImporter.Import(file).Network;
        using var ort = new OnnxReference(file);
        var inputs = ShippedModels.Random(50, net.Spec.Input.Size, seed: 7);
        foreach (var x in inputs)
        {
            var ours = VectorFiles.Infer(net, [net.Spec.InputLayout == "chw" ? VectorFiles.ChannelsLast(x, net.Spec.Input) : x], InferenceMode.Float)[0];
            Close(ort.Run(x), ours, name);
        }
    }

    [Theory]
    [InlineData("KERAS_3layer.json", "three_layer_keras.onnx")]
    [InlineData("KERAS_conv2d_model.json", "conv2d_small_keras.onnx")]
    public void Keras_model_equals_its_onnx_twin(string keras, string onnx)
    {
        var net = ModelImporter.Import(ShippedModels.Keras(keras)).Network;
        using var ort = new OnnxReference(ShippedModels.Onnx(onnx));
        foreach (var x in ShippedModels.Random(50, net.Spec.Input.Size, seed: 11, lo: 0, hi: 1))
            Close(ort.Run(x), net.Outputs(x).Select(v => (double)v).ToArray(), keras);
    }
}
