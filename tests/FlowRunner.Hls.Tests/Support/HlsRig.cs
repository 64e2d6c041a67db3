using FlowRunner.Hls;
using FlowRunner.Hls.Architecture;
using FlowRunner.Hls.Vectors;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;
using FlowRunner.Tech.Tests.Support;

namespace FlowRunner.Hls.Tests.Support;

/// <summary>Builds accelerators of the reference network with seeded weights and digit-like images, emits them and runs the real tools.</summary>
internal static class HlsRig
{
    public static FloatNetwork Network(int seed = 3, string? description = null)
    {
        var spec = description is null ? ReferenceNetworks.Load(ReferenceNetworks.MnistCnn) : NetworkSpec.Parse(description, "test.yaml");
        var net = new FloatNetwork(spec);
        net.Initialize(seed);
        return net;
    }

    /// <summary>Images with a stroke-like blob of bright pixels on a dark background, like MNIST digits.</summary>
    public static float[][] Images(int count, int size, int seed)
    {
        var rng = new Random(seed);
        var side = (int)Math.Sqrt(size);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var img = new float[size];
            var cx = 8 + rng.Next(12);
            var cy = 8 + rng.Next(12);
            for (var i = 0; i < size; i++)
            {
                var x = i % side;
                var y = i / side;
                var d = Math.Abs(x - cx) + Math.Abs(y - cy);
                img[i] = d < 6 ? (float)(0.5 + 0.5 * rng.NextDouble()) : rng.NextDouble() < 0.05 ? (float)rng.NextDouble() : 0f;
            }
            return img;
        }).ToArray();
    }

    public static (Accelerator Accelerator, EmittedFiles Files) Emit(string dir, FloatNetwork net, string format, int lanes, int images,
        int seed = 5, int bus = 32)
    {
        var model = new BitAccurateNetwork(net, FixedFormat.Parse(format));
        var a = Accelerator.Plan(model, new Directives(bus, lanes));
        var imgs = Images(images, net.Spec.Input.Size, seed);
        var vectors = TestVectors.Compute(model, net, imgs, new int[images], images);
        return (a, AcceleratorFiles.Write(a, net, vectors, dir));
    }

    /// <summary>A network with seeded weights and seeded non-zero biases (the trainer starts biases at zero, which would prove nothing).</summary>
    public static FloatNetwork WithBiases(FloatNetwork net, int seed)
    {
        var rng = new Random(seed);
        foreach (var b in net.Biases)
            for (var i = 0; i < b.Length; i++) b[i] = (float)(rng.NextDouble() - 0.5);
        return net;
    }

    /// <summary>Emits a network in its own formats (the description's or the imported per-layer ones over <paramref name="format"/>) with
    /// seeded random vectors over the input format's range.</summary>
    public static (Accelerator Accelerator, EmittedFiles Files) EmitRandom(string dir, FloatNetwork net, string format, int lanes, int images,
        int seed = 5, int bus = 32)
    {
        var model = new BitAccurateNetwork(net, FixedFormat.Parse(format));
        var a = Accelerator.Plan(model, new Directives(bus, lanes));
        return (a, AcceleratorFiles.Write(a, net, TestVectors.Random(model, net, images, seed), dir));
    }

    /// <summary>A shipped model of tests/fixtures/models/keras (architecture JSON and its weights file).</summary>
    public static FloatNetwork Keras(string name)
    {
        var keras = Fixture("models", "keras");
        return FlowRunner.Import.ModelImporter.Import(Path.Combine(keras, name + ".json"), Path.Combine(keras, name + "_weights.h5")).Network;
    }

    /// <summary>A shipped ONNX model of tests/fixtures/models/onnx.</summary>
    public static FloatNetwork Onnx(string file) => FlowRunner.Import.ModelImporter.Import(Path.Combine(Fixture("models", "onnx"), file), null).Network;

    /// <summary>A shipped model by "keras:NAME" (tests/fixtures/models/keras) or "onnx:FILE" (tests/fixtures/models/onnx).</summary>
    public static FloatNetwork Shipped(string model) =>
        model.StartsWith("keras:", StringComparison.Ordinal) ? Keras(model[6..]) : Onnx(model[5..]);

    /// <summary>Emits a network and lints its RTL with Verilator -Wall: the tool's output when it is not clean, else null.</summary>
    public static string? LintProblems(FloatNetwork net, string format, int lanes)
    {
        using var dir = new TempDir();
        var (_, files) = EmitRandom(dir.Path, net, format, lanes, 1);
        var run = Tool.Run("verilator", new[] { "--lint-only", "-Wall", "--top-module", "accel" }.Concat(files.Rtl), dir.Path);
        return run.ExitCode == 0 && !run.Output.Contains("%Warning") ? null : run.ToString();
    }

    /// <summary>A path under tests/fixtures of the repository.</summary>
    public static string Fixture(params string[] parts)
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "FlowRunner.sln")))
                return Path.Combine([d.FullName, "tests", "fixtures", .. parts]);
        throw new InvalidOperationException("FlowRunner.sln not found above the test binaries");
    }

    /// <summary>Compiles the RTL and its test bench with Icarus and runs it on the vectors.</summary>
    public static Tool.Result Simulate(string dir, EmittedFiles files, int images = 1000)
    {
        var rtl = Path.Combine(dir, AcceleratorFiles.RtlFolder);
        var sources = new List<string> { "-g2005", "-o", "tb.vvp", Path.Combine(dir, files.Testbench) };
        sources.AddRange(files.Rtl.Select(f => Path.Combine(dir, f)));
        var compile = Tool.Run("iverilog", sources, rtl);
        Assert.True(compile.ExitCode == 0, compile.ToString());
        return Tool.Run("vvp", ["-n", "tb.vvp", "+vectors=" + Path.Combine(dir, files.Vectors), $"+images={images}"], rtl, timeoutSeconds: 600);
    }

    public static long MeasuredCycles(Tool.Result run)
    {
        var line = run.Output.Split('\n').FirstOrDefault(l => l.StartsWith("cycles_per_inference ", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException("the bench printed no cycle count:\n" + run.Output);
        return long.Parse(line.Split(' ')[1]);
    }
}
