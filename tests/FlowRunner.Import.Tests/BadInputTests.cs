using FlowRunner.Import.Tests.Support;
using Google.Protobuf;
using Onnx;

namespace FlowRunner.Import.Tests;

/// <summary>Models FlowRunner cannot take: each a clear error naming the file and the node or layer, and nothing written.</summary>
public sealed class BadInputTests
{
    private readonly string _dir = ShippedModels.TempFolder("bad");

    private string Copy(string source, string name, Func<byte[], byte[]> change)
    {
        var file = Path.Combine(_dir, name);
        File.WriteAllBytes(file, change(File.ReadAllBytes(source)));
        return file;
    }

    private string OnnxVariant(string name, Action<ModelProto> change)
    {
        var m = ModelProto.Parser.ParseFrom(File.ReadAllBytes(ShippedModels.Onnx("two_layer_pytorch.onnx")));
        change(m);
        var file = Path.Combine(_dir, name);
        File.WriteAllBytes(file, m.ToByteArray());
        return file;
    }

    private static string Error(string file, string? weights = null) =>
        Assert.Throws<ImportException>(() => ModelImporter.Import(file, weights)).Message;

    [Fact]
    public void A_truncated_onnx_file_is_an_error_naming_it()
    {
        var file = Copy(ShippedModels.Onnx("two_layer_pytorch.onnx"), "cut.onnx", b => b[..(b.Length / 2)]);
        var e = Error(file);
        Assert.StartsWith(file + ":", e);
        Assert.Contains("truncated or corrupt", e);
    }

    [Fact]
    public void A_truncated_or_corrupt_h5_is_an_error_naming_it()
    {
        var json = Path.Combine(_dir, "m.json");
        File.Copy(ShippedModels.Keras("KERAS_3layer.json"), json);
        var cut = Copy(ShippedModels.Keras("KERAS_3layer_weights.h5"), "cut.h5", b => b[..(b.Length / 3)]);
        Assert.Contains("cut.h5", Error(json, cut));
        var junk = Copy(ShippedModels.Keras("KERAS_3layer_weights.h5"), "junk.h5", b => b.Select((x, i) => i > 512 ? (byte)(x ^ 0x5a) : x).ToArray());
        Assert.Contains("junk.h5", Error(json, junk));
    }

    [Fact]
    public void Weights_of_another_architecture_are_an_error_naming_the_layer()
    {
        var e = Error(ShippedModels.Keras("KERAS_3layer.json"), ShippedModels.Keras("KERAS_3layer_batch_norm_weights.h5"));
        Assert.Contains("weights for layers the architecture does not have: bn1, bn2, bn3, bn4", e);
        Assert.Contains("KERAS_3layer_batch_norm_weights.h5", e);
        var e2 = Error(ShippedModels.Keras("KERAS_conv1d_small.json"), ShippedModels.Keras("KERAS_3layer_weights.h5"));
        Assert.Contains("layer 'conv1_relu' (Conv1D)", e2);
        Assert.Contains("weights and architecture do not match", e2);
    }

    [Fact]
    public void An_unsupported_operator_names_the_op_the_node_and_the_file()
    {
        var file = OnnxVariant("erf.onnx", m => m.Graph.Node[1].OpType = "Erf");
        var e = Error(file);
        Assert.StartsWith(file + ":", e);
        Assert.Contains("unsupported operator Erf", e);
        Assert.Contains("node '6' (Erf)", e);
    }

    [Fact]
    public void An_unsupported_keras_layer_and_a_non_unit_alpha_name_the_layer()
    {
        var text = File.ReadAllText(ShippedModels.Keras("qkeras_3layer.json"));
        var json = Path.Combine(_dir, "q.json");
        File.WriteAllText(json, text.Replace("\"alpha\": 1,", "\"alpha\": \"auto_po2\",").Replace("\"alpha\":1,", "\"alpha\":\"auto_po2\","));
        var e = Error(json, ShippedModels.Keras("qkeras_3layer_weights.h5"));
        Assert.Contains("layer 'fc1' (QDense)", e);
        Assert.Contains("alpha=\"auto_po2\"", e);
        File.WriteAllText(json, File.ReadAllText(ShippedModels.Keras("KERAS_3layer.json")).Replace("\"class_name\": \"Dense\"", "\"class_name\": \"LSTM\""));
        Assert.Contains("unsupported layer type LSTM", Error(json, ShippedModels.Keras("KERAS_3layer_weights.h5")));
    }

    [Fact]
    public void A_dynamic_input_shape_and_two_inputs_are_errors()
    {
        var dynamic = OnnxVariant("dyn.onnx", m => m.Graph.Input[0].Type.TensorType.Shape.Dim[1] = new TensorShapeProto.Types.Dimension { DimParam = "features" });
        Assert.Contains("dynamic shape", Error(dynamic));
        var two = OnnxVariant("two.onnx", m => m.Graph.Input.Add(new ValueInfoProto(m.Graph.Input[0]) { Name = "second" }));
        Assert.Contains("2 inputs", Error(two));
        var json = Path.Combine(_dir, "dyn.json");
        File.WriteAllText(json, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(ShippedModels.Keras("KERAS_conv1d_small.json")), @"null,\s*10,", "null, null,"));
        Assert.Contains("dynamic input shape", Error(json, ShippedModels.Keras("KERAS_conv1d_small_weights.h5")));
    }

    [Fact]
    public void A_qonnx_quant_with_a_scale_that_is_not_a_power_of_two_names_the_node()
    {
        var m = ModelProto.Parser.ParseFrom(File.ReadAllBytes(ShippedModels.Onnx("bnn_model_fc_1layer.onnx")));
        var quant = m.Graph.Node.Single(n => n.OpType == "Quant");
        var scale = m.Graph.Initializer.Single(t => t.Name == quant.Input[1]);
        var copy = new TensorProto(scale) { Name = "odd_scale", RawData = ByteString.CopyFrom(BitConverter.GetBytes(0.3f)) };
        m.Graph.Initializer.Add(copy);
        quant.Input[1] = "odd_scale";
        var file = Path.Combine(_dir, "odd.onnx");
        File.WriteAllBytes(file, m.ToByteArray());
        var e = Error(file);
        Assert.Contains("node '/linear/bias_quant/export_handler/Quant' (Quant)", e);
        Assert.Contains("not a power of two", e);
    }

    [Fact]
    public void Writing_goes_through_temporary_files_so_a_failed_import_leaves_nothing()
    {
        var yaml = Path.Combine(_dir, "out", "net.yaml");
        Assert.Throws<ImportException>(() => ModelImporter.Write(ModelImporter.Import(Path.Combine(_dir, "missing.onnx")), yaml));
        Assert.False(Directory.Exists(Path.Combine(_dir, "out")));
        var (d, w) = ModelImporter.Write(ModelImporter.Import(ShippedModels.Onnx("two_layer_pytorch.onnx")), yaml);
        Assert.True(File.Exists(d) && File.Exists(w));
        Assert.Equal(["net.weights.json", "net.yaml"], Directory.GetFiles(Path.GetDirectoryName(yaml)!).Select(f => Path.GetFileName(f)).Order().ToArray());
        var reread = NetworkFiles.Open(yaml);
        Assert.Equal(385, reread.Weights.Sum(x => x.Length) + reread.Biases.Sum(x => x.Length));
    }
}
