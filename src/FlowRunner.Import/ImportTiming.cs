using System.Diagnostics;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;

namespace FlowRunner.Import;

/// <summary>What `bench import` measures for one model: the import, and float and bit-accurate inference of the same inputs one at a time on
/// one thread (the way ONNX Runtime is timed beside it in the tests' harness).</summary>
public sealed record ImportTime(string Model, int Layers, int Parameters, double ImportMs, double FloatUs, double BitAccurateUs);

public static class ImportTiming
{
    /// <summary>The shipped model files under a folder: every .onnx, and every Keras .json with its weights.</summary>
    public static IReadOnlyList<string> ModelFiles(string folder) =>
        Directory.GetFiles(folder, "*.onnx", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(folder, "*.json", SearchOption.AllDirectories).Where(f => File.Exists(Path.ChangeExtension(f, null) + "_weights.h5")))
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>Seeded inputs uniform in [-1, 1) of the network's input size (in the source model's layout).</summary>
    public static float[][] Inputs(NetworkSpec spec, int count, int seed = 1)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, spec.Input.Size).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToArray();
    }

    /// <summary>Imports <paramref name="file"/> <paramref name="imports"/> times (median) and runs each input through both models (mean per
    /// inference after a warm-up pass).</summary>
    public static ImportTime Measure(string file, IReadOnlyList<float[]>? inputs = null, int count = 2000, int imports = 5)
    {
        var times = new List<double>();
        ImportedModel? m = null;
        for (var i = 0; i < imports; i++)
        {
            var sw = Stopwatch.StartNew();
            m = ModelImporter.Import(file);
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        var net = m!.Network;
        var xs = (inputs ?? Inputs(net.Spec, count)).Select(x => net.Spec.InputLayout == "chw" ? VectorFiles.ChannelsLast(x, net.Spec.Input) : x).ToList();
        var bit = new BitAccurateNetwork(net, FormatDefaults.For(net.Spec));
        double Per(Action<float[]> run)
        {
            foreach (var x in xs.Take(50)) run(x);
            var sw = Stopwatch.StartNew();
            foreach (var x in xs) run(x);
            return sw.Elapsed.TotalMicroseconds / xs.Count;
        }
        var f = Per(x => net.Outputs(x));
        var b = Per(x => bit.Infer(x));
        return new ImportTime(Path.GetFileName(file), net.Spec.Layers.Count, net.Weights.Sum(w => w.Length) + net.Biases.Sum(w => w.Length),
            times.Order().ElementAt(times.Count / 2), f, b);
    }
}
