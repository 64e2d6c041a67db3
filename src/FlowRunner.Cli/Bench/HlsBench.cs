using System.Diagnostics;
using System.Globalization;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Tools;
using FlowRunner.Hls;
using FlowRunner.Hls.Architecture;
using FlowRunner.Hls.Vectors;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;
using FlowRunner.Abstractions;

namespace FlowRunner.Cli.Bench;

/// <summary>`bench hls`: per network the hardware builds (the reference network, the LeNet-like fixture, the shipped KERAS_3layer, qkeras_3layer,
/// KERAS_conv2d_model, KERAS_conv1d_small and the PyTorch MLP with batch-norm), the time to plan and emit it, Icarus's simulation time per
/// image of the RTL test bench (checked to pass), the cycles per inference it measured against the schedule's, and (without --quick) Yosys's
/// area against the analytical model's on both techs, through bench synth's comparison.</summary>
internal static class HlsBench
{
    private sealed record Network(string Label, Func<FloatNetwork> Load, string Format, int Lanes);

    public static async Task<int> RunAsync(BenchOptions o, CancellationToken ct)
    {
        var fixtures = Find(Environment.CurrentDirectory);
        if (fixtures is null)
        {
            Console.Error.WriteLine("error: no tests/fixtures above the current folder; run bench hls from the FlowRunner checkout");
            return 2;
        }
        var locator = new ToolLocator();
        if (locator.Find("iverilog") is null || locator.Find("vvp") is null)
        {
            Console.Error.WriteLine("error: bench hls needs Icarus Verilog (iverilog, vvp)");
            return 2;
        }
        var log = new ConsoleStageLog();
        var images = o.Quick ? 2 : 10;
        Console.WriteLine($"{"network",-22} {"layers",6} {"mults",6} {"emit ms",8} {"sim s/img",10} {"cycles",9} {"schedule",9} {"bench",5}   ({images} random images)");
        var points = new List<(string, string)>();
        foreach (var n in Networks(fixtures))
        {
            ct.ThrowIfCancellationRequested();
            var net = n.Load();
            var model = new BitAccurateNetwork(net, FixedFormat.Parse(n.Format));
            var dir = Path.Combine(o.WorkDirectory, n.Label);
            Accelerator? a = null;
            EmittedFiles? files = null;
            var vectors = TestVectors.Random(model, net, images, 1);
            var emitMs = BenchTiming.Best(() =>
            {
                if (Directory.Exists(dir)) Directory.Delete(dir, true);
                a = Accelerator.Plan(model, new Directives(32, n.Lanes));
                files = AcceleratorFiles.Write(a, net, vectors, dir);
                Stages.Hls.ScheduleFile.Write(files.Schedule, dir);
            }) * 1000;
            var rtl = Path.Combine(dir, AcceleratorFiles.RtlFolder);
            var tools = new ToolRunner(dir, log, RetrySpec.Default, locator);
            var sources = new List<string> { "-g2005", "-o", "tb.vvp", Path.Combine(dir, files!.Testbench) };
            sources.AddRange(files.Rtl.Select(f => Path.Combine(dir, f)));
            await tools.RunAsync(new ToolInvocation("iverilog", sources) { WorkingDirectory = rtl }, ct);
            var sw = Stopwatch.StartNew();
            var run = await tools.RunAsync(new ToolInvocation("vvp", ["-n", "tb.vvp", "+vectors=" + Path.Combine(dir, files.Vectors), $"+images={images}"]) { WorkingDirectory = rtl }, ct);
            var simPerImage = sw.Elapsed.TotalSeconds / images;
            var passed = run.StandardOutput.Contains($"PASS {images} images", StringComparison.Ordinal);
            var cycles = run.StandardOutput.Split('\n').FirstOrDefault(l => l.StartsWith("cycles_per_inference ", StringComparison.Ordinal)) is { } line
                ? long.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture) : -1;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{n.Label,-22} {a!.Layers.Count,6} {a.Multipliers,6} {emitMs,8:F1} {simPerImage,10:F3} {cycles,9} {a.CyclesPerInference,9} {(passed ? "PASS" : "FAIL"),5}"));
            o.Figures.Add($"{n.Label} emit", emitMs, "ms", 1);
            o.Figures.Add($"{n.Label} RTL simulation per image", simPerImage, "s", 1);
            o.Figures.Add($"{n.Label} cycles per inference", cycles, "cycles", 1, "schedule", a.CyclesPerInference);
            if (!passed) Console.Error.WriteLine($"{n.Label}: the RTL does not match the model:\n{run.StandardOutput[^Math.Min(2000, run.StandardOutput.Length)..]}");
            points.Add((n.Label, dir));
        }
        if (o.Quick) Console.WriteLine("--quick: Yosys against analytical area left out (bench synth --no-calibration FOLDER... compares them)");
        else await SynthBench.ComparePointsAsync(points, o.WorkDirectory, ct, o.Figures);
        return 0;
    }

    private static IEnumerable<Network> Networks(string fixtures)
    {
        var keras = Path.Combine(fixtures, "models", "keras");
        FloatNetwork Keras(string name) => Import.ModelImporter.Import(Path.Combine(keras, name + ".json"), Path.Combine(keras, name + "_weights.h5")).Network;
        FloatNetwork Seeded(NetworkSpec spec)
        {
            var net = new FloatNetwork(spec);
            net.Initialize(1);
            return net;
        }
        yield return new("mnist-cnn", () => Seeded(ReferenceNetworks.Load(ReferenceNetworks.MnistCnn)), "ac_fixed<8,4,true,AC_RND,AC_SAT>", 3);
        yield return new("lenet-like", () => Seeded(NetworkSpec.Load(Path.Combine(fixtures, "networks", "lenet-like.yaml"))), "ac_fixed<8,4,true,AC_RND,AC_SAT>", 4);
        yield return new("KERAS_3layer", () => Keras("KERAS_3layer"), "ac_fixed<16,6,true,AC_RND,AC_SAT>", 2);
        yield return new("qkeras_3layer", () => Keras("qkeras_3layer"), "ac_fixed<16,6,true,AC_RND,AC_SAT>", 2);
        yield return new("KERAS_conv2d_model", () => Keras("KERAS_conv2d_model"), "ac_fixed<16,6,true,AC_RND,AC_SAT>", 2);
        yield return new("KERAS_conv1d_small", () => Keras("KERAS_conv1d_small"), "ac_fixed<16,6,true,AC_RND,AC_SAT>", 2);
        yield return new("three_layer_bn_pytorch", () => Import.ModelImporter.Import(Path.Combine(fixtures, "models", "onnx", "three_layer_bn_pytorch.onnx")).Network,
            "ac_fixed<16,6,true,AC_RND,AC_SAT>", 2);
    }

    private static string? Find(string from)
    {
        for (var d = new DirectoryInfo(from); d is not null; d = d.Parent)
        {
            var p = Path.Combine(d.FullName, "tests", "fixtures");
            if (Directory.Exists(Path.Combine(p, "networks"))) return p;
        }
        return null;
    }
}
