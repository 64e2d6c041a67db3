using System.Diagnostics;
using FlowRunner.Engine;
using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Registry;
using FlowRunner.Stages;
using FlowRunner.Tech;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace FlowRunner.Cli.Bench;

/// <summary>A 98-point design sweep of the MNIST accelerator (formats x lanes) through the whole flow on the analytical backends: cold, fully
/// cached, and cold with 1 job against 2 jobs.</summary>
internal static class SweepBench
{
    private const string Grid = "{ word: [4, 5, 6, 7, 8, 10, 12, 16], int: [2, 3, 4, 5], lanes: [1, 2, 3, 4, 8] }";

    private static string Recipe(string grid) => $$"""
        name: bench-sweep
        tech: generic45
        seed: 1
        params: { word: 8, int: 4, lanes: 1 }
        stages:
          - { id: model, kind: model.train, with: { network: mnist-cnn.yaml, dataset: mnist, epochs: 1, train_limit: 2000, test_limit: 500 } }
          - { id: accuracy, kind: model.accuracy, needs: [model], with: { format: "ac_fixed<${params.word},${params.int},true,AC_RND,AC_SAT>" } }
          - { id: hls, kind: hls.emit, needs: [model], with: { format: "ac_fixed<${params.word},${params.int},true,AC_RND,AC_SAT>", lanes: "${params.lanes}", vectors: 4 } }
          - { id: memory, kind: memory.generate, needs: [hls], with: { max_macro_kbits: 16 } }
          - { id: synth, kind: synth, tool: analytical, needs: [hls] }
          - { id: floorplan, kind: floorplan, needs: [synth, memory, hls], with: { moves: 0.3 } }
          - { id: power, kind: power, tool: analytical, needs: [hls, memory, synth, floorplan, model], with: { images: 50 } }
          - { id: report, kind: report, needs: [accuracy, hls, memory, synth, floorplan, power] }
        sweep:
          grid: {{grid}}
          where: "int < word and lanes * word <= 32"
        """;

    public static async Task<int> RunAsync(BenchOptions o, CancellationToken ct)
    {
        var grid = o.Quick ? "{ word: [4, 8], int: [2, 3], lanes: [1, 2] }" : Grid;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "mnist-cnn.yaml"), Path.Combine(o.WorkDirectory, "mnist-cnn.yaml"), overwrite: true);
        var techRoot = TechLoader.FindTechRoot(AppContext.BaseDirectory) ?? TechLoader.FindTechRoot(Environment.CurrentDirectory)
            ?? throw new InvalidOperationException("no tech/ folder above the program or the current folder");
        Environment.SetEnvironmentVariable("FLOWRUNNER_TECH_PATH", techRoot);

        var services = new ServiceCollection();
        services.AddBuiltInStages();
        services.AddFlowRunnerEngine(null);
        using var sp = services.BuildServiceProvider();
        var registry = sp.GetRequiredService<StageRegistry>();

        var points = 0;
        async Task<(TimeSpan Time, RunSummary Summary)> Run(string workspace, int jobs, int threads = 0)
        {
            Directory.CreateDirectory(workspace);
            var warmData = Path.Combine(o.WorkDirectory, "warm", ".flowrunner", "data");
            var data = Path.Combine(workspace, ".flowrunner", "data");
            if (Directory.Exists(warmData) && !Directory.Exists(data)) CopyTree(warmData, data);
            var recipe = Path.Combine(workspace, "bench-sweep.yaml");
            File.Copy(Path.Combine(o.WorkDirectory, "mnist-cnn.yaml"), Path.Combine(workspace, "mnist-cnn.yaml"), overwrite: true);
            await File.WriteAllTextAsync(recipe, Recipe(grid), ct);
            var plan = RunPlanner.PlanFile(recipe, [], registry);
            points = plan.Points.Count;
            var sw = Stopwatch.StartNew();
            var summary = await new Executor(registry, new ExecutorOptions { Workspace = workspace, Jobs = jobs, ThreadsPerStage = threads }, NullRunObserver.Instance).RunAsync(plan, ct);
            return (sw.Elapsed, summary);
        }

        // The dataset download and the JIT are not what this measures: warm both on a throw-away workspace.
        AnsiConsole.MarkupLine("[grey]warming up (dataset, JIT)...[/]");
        await Run(Path.Combine(o.WorkDirectory, "warm"), Environment.ProcessorCount);

        var two = await Run(Path.Combine(o.WorkDirectory, "jobs2"), 2);
        var cached = await Run(Path.Combine(o.WorkDirectory, "jobs2"), 2);
        var one = await Run(Path.Combine(o.WorkDirectory, "jobs1"), 1);
        var serial = await Run(Path.Combine(o.WorkDirectory, "jobs1-thread1"), 1, threads: 1);
        var t = new Table().Border(TableBorder.Rounded).AddColumns("run", "points", "stages done / cached / failed", "time", "per point", "target");
        void Row(string name, (TimeSpan Time, RunSummary S) r, string target) => t.AddRow(name, points.ToString(),
            $"{r.S.Count(StageStatus.Done)} / {r.S.Count(StageStatus.Cached)} / {r.S.Count(StageStatus.Failed)}",
            $"{r.Time.TotalSeconds:F1} s", $"{r.Time.TotalSeconds / points:F2} s", target);
        Row("cold, 1 job x 1 thread", serial, "");
        Row("cold, 1 job x 2 threads", one, "");
        Row("cold, 2 jobs x 1 thread", two, "");
        Row("fully cached, 2 jobs", cached, "< 5 s");
        AnsiConsole.Write(t);
        Console.WriteLine($"speed-up of 2 jobs over 1 (one thread a stage): {serial.Time / two.Time:F2}x (target >= 1.7x); " +
                          $"over 1 job whose stages use both cores: {one.Time / two.Time:F2}x; cached rerun {cached.Time.TotalSeconds:F2} s");
        // Every point waits for the one shared training run; the points themselves are what parallel jobs can spread.
        static double Training(RunSummary s) => s.Stages.Where(x => x.Kind == "model.train" && x.Status == StageStatus.Done).Sum(x => x.DurationSeconds);
        var pointsOne = one.Time.TotalSeconds - Training(one.Summary);
        var pointsTwo = two.Time.TotalSeconds - Training(two.Summary);
        Console.WriteLine($"shared training: {Training(one.Summary):F1} s (1 job, 2 threads) and {Training(two.Summary):F1} s (2 jobs, 1 thread each); " +
                          $"the points after it: {pointsOne:F1} s with 1 job, {pointsTwo:F1} s with 2 jobs: {pointsOne / pointsTwo:F2}x");
        return new[] { one, two, serial }.All(r => r.Summary.Count(StageStatus.Failed) == 0) ? 0 : 1;
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
    }
}
