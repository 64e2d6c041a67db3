using System.Globalization;
using FlowRunner.Import;

namespace FlowRunner.Cli.Bench;

/// <summary>`bench import`: per shipped model (tests/fixtures/models, or the folder in FLOWRUNNER_BENCH_MODELS), the import time and the float
/// and bit-accurate time per inference on one thread. ONNX Runtime is not linked into the CLI (its native library would triple the
/// install); its time for the same inputs, and the ratios, come from tests/FlowRunner.Import.Tests (OnnxRuntimeTimingTests).</summary>
internal static class ImportBench
{
    public static Task<int> RunAsync(BenchOptions o, CancellationToken ct)
    {
        var folder = Environment.GetEnvironmentVariable("FLOWRUNNER_BENCH_MODELS") ?? Find(Environment.CurrentDirectory);
        if (folder is null || !Directory.Exists(folder))
        {
            Console.Error.WriteLine("error: no tests/fixtures/models above the current folder; set FLOWRUNNER_BENCH_MODELS to a folder of models");
            return Task.FromResult(2);
        }
        var count = o.Quick ? 200 : 2000;
        Console.WriteLine($"{"model",-34} {"layers",6} {"params",7} {"import ms",10} {"float us",9} {"bit-acc us",11}   ({count} inputs, one thread)");
        foreach (var file in ImportTiming.ModelFiles(folder))
        {
            ct.ThrowIfCancellationRequested();
            var t = ImportTiming.Measure(file, count: count);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{t.Model,-34} {t.Layers,6} {t.Parameters,7} {t.ImportMs,10:F1} {t.FloatUs,9:F2} {t.BitAccurateUs,11:F2}"));
        }
        return Task.FromResult(0);
    }

    private static string? Find(string from)
    {
        for (var d = new DirectoryInfo(from); d is not null; d = d.Parent)
        {
            var p = Path.Combine(d.FullName, "tests", "fixtures", "models");
            if (Directory.Exists(p)) return p;
        }
        return null;
    }
}
