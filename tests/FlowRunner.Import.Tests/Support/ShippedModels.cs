using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace FlowRunner.Import.Tests.Support;

/// <summary>The shipped models (tests/fixtures/models, from hls4ml's example-models) and ONNX Runtime as the reference for them.</summary>
public static class ShippedModels
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "FlowRunner.sln"))) return Path.Combine(d.FullName, "tests", "fixtures", "models");
        throw new InvalidOperationException("FlowRunner.sln not found above the test binaries");
    }

    public static string Keras(string name) => Path.Combine(Root, "keras", name);
    public static string Onnx(string name) => Path.Combine(Root, "onnx", name);

    public static IEnumerable<string> OnnxFiles => Directory.GetFiles(Path.Combine(Root, "onnx"), "*.onnx").OrderBy(f => f);

    /// <summary>Whether every node is a standard ONNX operator (ONNX Runtime can run it; QONNX Quant nodes are custom ops).</summary>
    public static bool IsFloatGraph(string file) => ModelProto.Parser.ParseFrom(File.ReadAllBytes(file)).Graph.Node.All(n => n.Domain is "" or "ai.onnx");

    public static string TempFolder(string name)
    {
        var d = Path.Combine(Path.GetTempPath(), $"flowrunner-import-tests-{Environment.ProcessId}", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>Seeded inputs uniform in [-lo, hi).</summary>
    public static float[][] Random(int count, int size, int seed, double lo = -2, double hi = 2)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, size).Select(_ => (float)(lo + (hi - lo) * rng.NextDouble())).ToArray()).ToArray();
    }
}

/// <summary>ONNX Runtime on a shipped model with batch 1. The PyTorch exports fix the batch at their example's 789,444 and the oldest use
/// opset 6; the session gets a copy with a symbolic batch, no stored intermediate shapes, and (for opset 6) the two attributes opset 7
/// dropped (Gemm broadcast, BatchNormalization is_test), which changes no arithmetic.</summary>
public sealed class OnnxReference : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _input;
    private readonly int[] _dims;

    public OnnxReference(string file)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(file));
        var g = model.Graph;
        var init = g.Initializer.Select(t => t.Name).ToHashSet();
        var input = g.Input.Single(i => !init.Contains(i.Name));
        _input = input.Name;
        _dims = input.Type.TensorType.Shape.Dim.Skip(1).Select(d => (int)d.DimValue).ToArray();
        foreach (var v in g.Input.Where(i => !init.Contains(i.Name)).Concat(g.Output))
            v.Type.TensorType.Shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = "N" };
        g.ValueInfo.Clear();
        var opset = model.OpsetImport.First(o => o.Domain == "");
        if (opset.Version < 7)
        {
            opset.Version = 7;
            foreach (var n in g.Node)
            {
                var drop = n.Attribute.Where(a => a.Name is "broadcast" or "is_test" or "consumed_inputs").ToList();
                foreach (var a in drop) n.Attribute.Remove(a);
            }
        }
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        _session = new InferenceSession(model.ToByteArray(), options);
    }

    /// <summary>The model's output for one input, flattened as ONNX lays it out (the input in the graph's own layout).</summary>
    public float[] Run(float[] x)
    {
        var t = new DenseTensor<float>(x, [1, .. _dims]);
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(_input, t)]);
        return results.First().AsEnumerable<float>().ToArray();
    }

    /// <summary>Mean seconds of one inference over the inputs (after one warm-up run).</summary>
    public double Time(IReadOnlyList<float[]> inputs)
    {
        Run(inputs[0]);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        foreach (var x in inputs) Run(x);
        return sw.Elapsed.TotalSeconds / inputs.Count;
    }

    public void Dispose() => _session.Dispose();
}
