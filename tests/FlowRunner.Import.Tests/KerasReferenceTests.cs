using FlowRunner.Import.Tests.Support;
using PureHDF;

namespace FlowRunner.Import.Tests;

/// <summary>The Keras models without an ONNX twin against computations written here from Keras' definitions, on the arrays of the .h5
/// read directly (kernels in Keras' own layouts, so no code of the importer is reused).</summary>
public sealed class KerasReferenceTests
{
    private static float[] Read(string h5, string layer, string array)
    {
        using var f = H5File.OpenRead(h5);
        return f.Dataset($"{layer}/{layer}/{array}:0").Read<float[]>();
    }

    private static double[] Dense(double[] x, float[] kernel, float[] bias)
    {
        var units = bias.Length;
        var y = new double[units];
        for (var u = 0; u < units; u++)
        {
            double s = bias[u];
            for (var i = 0; i < x.Length; i++) s += x[i] * kernel[i * units + u]; // Keras kernel [in][out]
            y[u] = s;
        }
        return y;
    }

    private static double[] Relu(double[] x) => x.Select(v => Math.Max(v, 0)).ToArray();

    private static double[] Softmax(double[] x)
    {
        var m = x.Max();
        var e = x.Select(v => Math.Exp(v - m)).ToArray();
        return e.Select(v => v / e.Sum()).ToArray();
    }

    [Fact]
    public void Batch_normalized_jet_tagger_equals_dense_batchnorm_relu_by_hand()
    {
        var json = ShippedModels.Keras("KERAS_3layer_batch_norm.json");
        var h5 = ShippedModels.Keras("KERAS_3layer_batch_norm_weights.h5");
        var net = ModelImporter.Import(json).Network;
        string[] dense = ["fc1_relu", "fc2_relu", "fc3_relu", "output_softmax"];
        string[] bn = ["bn1", "bn2", "bn3", "bn4"];
        foreach (var x in ShippedModels.Random(30, 16, seed: 3))
        {
            var h = x.Select(v => (double)v).ToArray();
            for (var l = 0; l < 4; l++)
            {
                h = Dense(h, Read(h5, dense[l], "kernel"), Read(h5, dense[l], "bias"));
                var (g, b, m, v) = (Read(h5, bn[l], "gamma"), Read(h5, bn[l], "beta"), Read(h5, bn[l], "moving_mean"), Read(h5, bn[l], "moving_variance"));
                h = h.Select((y, c) => (y - m[c]) / Math.Sqrt(v[c] + 1e-6) * g[c] + b[c]).ToArray(); // epsilon 1e-06 in the JSON
                h = l < 3 ? Relu(h) : Softmax(h);
            }
            OnnxRuntimeTests.Close(h.Select(v => (float)v).ToArray(), net.Outputs(x).Select(v => (double)v).ToArray(), "KERAS_3layer_batch_norm");
        }
    }

    [Fact]
    public void Conv1d_model_equals_same_padded_convolution_by_hand()
    {
        var json = ShippedModels.Keras("KERAS_conv1d_small.json");
        var h5 = ShippedModels.Keras("KERAS_conv1d_small_weights.h5");
        var net = ModelImporter.Import(json).Network;
        foreach (var x in ShippedModels.Random(30, 40, seed: 4))
        {
            // x is [10 steps][4 channels]; Keras 'same' with kernel 4 pads 1 step before and 2 after (the odd one at the end).
            var h = new double[10, 4];
            for (var t = 0; t < 10; t++) for (var c = 0; c < 4; c++) h[t, c] = x[t * 4 + c];
            foreach (var (layer, cout) in new[] { ("conv1_relu", 3), ("conv2_relu", 2), ("conv3_relu", 1) })
            {
                var k = Read(h5, layer, "kernel"); // [4][cin][cout]
                var b = Read(h5, layer, "bias");
                var cin = h.GetLength(1);
                var y = new double[10, cout];
                for (var t = 0; t < 10; t++)
                    for (var f = 0; f < cout; f++)
                    {
                        double s = b[f];
                        for (var j = 0; j < 4; j++)
                        {
                            var src = t + j - 1;
                            if (src < 0 || src >= 10) continue;
                            for (var c = 0; c < cin; c++) s += h[src, c] * k[(j * cin + c) * cout + f];
                        }
                        y[t, f] = Math.Max(s, 0);
                    }
                h = y;
            }
            var flat = Enumerable.Range(0, 10).Select(t => h[t, 0]).ToArray();
            var d1 = Relu(Dense(flat, Read(h5, "fc1_relu", "kernel"), Read(h5, "fc1_relu", "bias")));
            var o = Softmax(Dense(d1, Read(h5, "output_softmax", "kernel"), Read(h5, "output_softmax", "bias")));
            OnnxRuntimeTests.Close(o.Select(v => (float)v).ToArray(), net.Outputs(x).Select(v => (double)v).ToArray(), "KERAS_conv1d_small");
        }
    }

    [Fact]
    public void Keras_tanh_sigmoid_and_relu6_activations_equal_their_definitions()
    {
        // The jet tagger with its three hidden activations changed in the model.json: tanh, sigmoid, relu6 (min(max(x, 0), 6)).
        var text = File.ReadAllText(ShippedModels.Keras("KERAS_3layer.json"));
        foreach (var act in new[] { "tanh", "sigmoid", "relu6" })
        {
            var at = text.IndexOf("\"activation\": \"relu\"", StringComparison.Ordinal);
            text = text[..at] + $"\"activation\": \"{act}\"" + text[(at + "\"activation\": \"relu\"".Length)..];
        }
        var json = Path.Combine(ShippedModels.TempFolder("keras-activations"), "activations.json");
        File.WriteAllText(json, text);
        var h5 = ShippedModels.Keras("KERAS_3layer_weights.h5");
        var net = ModelImporter.Import(json, h5).Network;
        Func<double, double>[] activation = [Math.Tanh, v => 1 / (1 + Math.Exp(-v)), v => Math.Min(Math.Max(v, 0), 6)];
        string[] dense = ["fc1_relu", "fc2_relu", "fc3_relu", "output_softmax"];
        foreach (var x in ShippedModels.Random(30, 16, seed: 4, lo: -4, hi: 4))
        {
            var h = x.Select(v => (double)v).ToArray();
            for (var l = 0; l < 4; l++)
            {
                h = Dense(h, Read(h5, dense[l], "kernel"), Read(h5, dense[l], "bias"));
                h = l < 3 ? h.Select(activation[l]).ToArray() : Softmax(h);
            }
            OnnxRuntimeTests.Close(h.Select(v => (float)v).ToArray(), net.Outputs(x).Select(v => (double)v).ToArray(), "KERAS_3layer with tanh, sigmoid, relu6");
        }
    }
}
