using FlowRunner.Import.Tests.Support;
using FlowRunner.Models.Network;
using Google.Protobuf;
using Onnx;

namespace FlowRunner.Import.Tests;

/// <summary>The ONNX operators and conventions the shipped graphs do not exercise, in a graph built here with seeded weights and run by ONNX
/// Runtime: Transpose from NHWC, Conv with strides and explicit asymmetric pads, SAME_UPPER Conv (the odd extra row and column at the end),
/// LeakyRelu, MaxPool, Identity, AveragePool with pads left out of the count, Tanh, Sigmoid, Flatten, Gemm (transB) and Clip(0, max).</summary>
public sealed class OnnxLayerConventionTests
{
    private static readonly Random Rng = new(5);

    private static TensorProto Tensor(string name, long[] dims, float[]? values = null)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(values ?? Enumerable.Range(0, (int)dims.Aggregate(1L, (a, b) => a * b)).Select(_ => (float)(Rng.NextDouble() * 1.2 - 0.6)));
        return t;
    }

    private static ValueInfoProto Value(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } };
    }

    private static NodeProto Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var n = new NodeProto { OpType = op, Name = output + "_" + op, Output = { output } };
        n.Input.AddRange(inputs);
        n.Attribute.AddRange(attributes);
        return n;
    }

    private static AttributeProto Ints(string name, params long[] v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { v } };
    private static AttributeProto Int(string name, long v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = v };
    private static AttributeProto Float(string name, float v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = v };
    private static AttributeProto Text(string name, string v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(v) };

    private static string Graph()
    {
        var g = new GraphProto { Name = "conventions" };
        g.Input.Add(Value("x", 1, 9, 9, 2)); // NHWC, as onnxmltools and tf2onnx graphs take it
        g.Output.Add(Value("y", 1, 5));
        g.Initializer.AddRange([Tensor("w1", [4, 2, 3, 3]), Tensor("b1", [4]), Tensor("w2", [3, 4, 3, 3]), Tensor("b2", [3]), Tensor("wd", [5, 12]), Tensor("bd", [5]),
            Tensor("lo", [], [0f]), Tensor("hi", [], [0.5f])]);
        g.Node.AddRange(
        [
            Node("Transpose", ["x"], "t", Ints("perm", 0, 3, 1, 2)),
            Node("Conv", ["t", "w1", "b1"], "c1", Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 0, 1, 1)), // [1,4,5,4]
            Node("LeakyRelu", ["c1"], "l1", Float("alpha", 0.2f)),
            Node("MaxPool", ["l1"], "m1", Ints("kernel_shape", 2, 2), Ints("strides", 1, 1)), // [1,4,4,3]
            Node("Identity", ["m1"], "i1"),
            Node("AveragePool", ["i1"], "a1", Ints("kernel_shape", 2, 2), Ints("strides", 1, 1), Ints("pads", 0, 0, 1, 1), Int("count_include_pad", 0)), // [1,4,4,3]
            Node("Tanh", ["a1"], "h1"),
            Node("Conv", ["h1", "w2", "b2"], "c2", Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Text("auto_pad", "SAME_UPPER")), // [1,3,2,2]
            Node("Sigmoid", ["c2"], "s2"),
            Node("Flatten", ["s2"], "f"),
            Node("Gemm", ["f", "wd", "bd"], "d", Int("transB", 1)),
            Node("Clip", ["d", "lo", "hi"], "y"),
        ]);
        var model = new ModelProto { IrVersion = 7, ProducerName = "FlowRunner tests", Graph = g };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        var file = Path.Combine(ShippedModels.TempFolder("conventions"), "conventions.onnx");
        File.WriteAllBytes(file, model.ToByteArray());
        return file;
    }

    [Fact]
    public void Strides_pads_same_upper_pooling_and_activations_equal_onnx_runtime()
    {
        var file = Graph();
        var imported = ModelImporter.Import(file);
        var types = imported.Spec.Layers.Select(l => l.Op?.Type ?? l.TypeName).ToList();
        Assert.Equal(["conv2d", "leaky_relu", "maxpool2d", "avgpool2d", "tanh", "conv2d", "sigmoid", "flatten", "dense", "relu"], types);
        var net = imported.Network;
        using var ort = new OnnxReference(file);
        var (clipped, inside) = (0, 0);
        foreach (var x in ShippedModels.Random(40, net.Spec.Input.Size, seed: 3))
        {
            var expected = ort.Run(x);
            clipped += expected.Count(v => v is 0 or 0.5f);
            inside += expected.Count(v => v is > 0 and < 0.5f);
            OnnxRuntimeTests.Close(expected, VectorFiles.Infer(net, [x], InferenceMode.Float)[0], "conventions.onnx");
        }
        Assert.True(clipped > 0 && inside > 0, $"outputs at Clip's bounds ({clipped}) and between them ({inside}): both are compared");
    }

    /// <summary>A PyTorch-style 1-D graph on an NCW input: Conv1d with stride and asymmetric pads, MaxPool1d, AveragePool1d with SAME_UPPER
    /// (pads left out of the count), a SAME_UPPER Conv1d, Flatten (channels first), Gemm and Sigmoid.</summary>
    private static string Graph1D()
    {
        var g = new GraphProto { Name = "conventions1d" };
        g.Input.Add(Value("x", 1, 3, 20));
        g.Output.Add(Value("y", 1, 4));
        g.Initializer.AddRange([Tensor("w1", [4, 3, 5]), Tensor("b1", [4]), Tensor("w2", [3, 4, 3]), Tensor("b2", [3]), Tensor("wd", [4, 15]), Tensor("bd", [4])]);
        g.Node.AddRange(
        [
            Node("Conv", ["x", "w1", "b1"], "c1", Ints("kernel_shape", 5), Ints("strides", 2), Ints("pads", 2, 1)), // [1,4,10]
            Node("Relu", ["c1"], "r1"),
            Node("MaxPool", ["r1"], "m1", Ints("kernel_shape", 2), Ints("strides", 2)), // [1,4,5]
            Node("AveragePool", ["m1"], "a1", Ints("kernel_shape", 3), Ints("strides", 1), Text("auto_pad", "SAME_UPPER"), Int("count_include_pad", 0)), // [1,4,5]
            Node("Conv", ["a1", "w2", "b2"], "c2", Ints("kernel_shape", 3), Text("auto_pad", "SAME_UPPER")), // [1,3,5]
            Node("Flatten", ["c2"], "f"),
            Node("Gemm", ["f", "wd", "bd"], "d", Int("transB", 1)),
            Node("Sigmoid", ["d"], "y"),
        ]);
        var model = new ModelProto { IrVersion = 7, ProducerName = "FlowRunner tests", Graph = g };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        var file = Path.Combine(ShippedModels.TempFolder("conventions1d"), "conventions1d.onnx");
        File.WriteAllBytes(file, model.ToByteArray());
        return file;
    }

    [Fact]
    public void One_dimensional_conv_and_pooling_on_ncw_equal_onnx_runtime()
    {
        var file = Graph1D();
        var imported = ModelImporter.Import(file);
        var types = imported.Spec.Layers.Select(l => l.Op?.Type ?? l.TypeName).ToList();
        Assert.Equal(["conv1d", "relu", "maxpool1d", "avgpool1d", "conv1d", "flatten", "dense", "sigmoid"], types);
        Assert.Equal("chw", imported.Spec.InputLayout);
        var net = imported.Network;
        using var ort = new OnnxReference(file);
        foreach (var x in ShippedModels.Random(40, net.Spec.Input.Size, seed: 4))
            OnnxRuntimeTests.Close(ort.Run(x), VectorFiles.Infer(net, [VectorFiles.ChannelsLast(x, net.Spec.Input)], InferenceMode.Float)[0], "conventions1d.onnx");
    }
}
