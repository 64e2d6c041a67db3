using System.Diagnostics;
using FlowRunner.Cli.Running;
using FlowRunner.Cli.Terminal;
using FlowRunner.Engine;
using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Recipes;
using Spectre.Console;

namespace FlowRunner.Cli.Bench;

/// <summary>The engine at scale: flows/mnist-sweep-1000.yaml (1,000 points: formats x lanes x memory split) run as `flowrunner run` runs it
/// (results store, regression, report), cold on a fresh workspace and then fully cached, with wall and CPU time, peak memory and
/// stage-seconds by stage kind.</summary>
internal static class ScaleBench
{
    private const string RecipeName = "mnist-sweep-1000.yaml";

    public static async Task<int> RunAsync(BenchOptions o, CancellationToken ct)
    {
        var recipe = FindRecipe();
        if (recipe is null)
        {
            Console.Error.WriteLine($"no flows/{RecipeName} above the current folder or the program");
            return 2;
        }
        using var sp = GlobalOptions.BuiltInServices();
        var registry = GlobalOptions.Registry(sp);
        var plan = RunPlanner.PlanFile(recipe, [], registry);
        // --quick: the first 40 points (4 formats' worth of memory splits), the same code paths.
        var only = o.Quick ? plan.Points.Take(40).Select(p => p.Id).ToHashSet() : null;
        var points = only?.Count ?? plan.Points.Count;

        // The dataset download is not what this measures: fetch it once into a warm workspace and copy it into the cold one.
        var workspace = Path.Combine(o.WorkDirectory, "scale-" + Guid.NewGuid().ToString("N")[..6]);
        var warm = Path.Combine(o.WorkDirectory, "warm");
        AnsiConsole.MarkupLine("[grey]fetching the dataset (outside the timings)...[/]");
        Directory.CreateDirectory(warm);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "mnist-cnn.yaml"), Path.Combine(warm, "mnist-cnn.yaml"), overwrite: true);
        var warmRecipe = Path.Combine(warm, "warm.yaml");
        await File.WriteAllTextAsync(warmRecipe, """
            name: warm
            stages:
              - { id: model, kind: model.train, with: { network: mnist-cnn.yaml, dataset: mnist, epochs: 1, train_limit: 100, test_limit: 100 } }
            """, ct);
        await new Executor(registry, new ExecutorOptions { Workspace = warm }, NullRunObserver.Instance).RunAsync(RunPlanner.PlanFile(warmRecipe, [], registry), ct);
        SweepBench.CopyTree(Path.Combine(warm, ".flowrunner", "data"), Path.Combine(workspace, ".flowrunner", "data"));

        async Task<(TimeSpan Wall, TimeSpan Cpu, RunSummary Summary)> Run()
        {
            var options = new ExecutorOptions { Workspace = workspace, Jobs = Environment.ProcessorCount, OnlyPoints = only };
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var (summary, _) = await RecipeRun.ExecuteAsync(plan, options, new RunProgress(ProgressMode.Quiet),
                (observer, opts, c) => new Executor(registry, opts, observer).RunAsync(plan, c), ct);
            var wall = sw.Elapsed;
            return (wall, Process.GetCurrentProcess().TotalProcessorTime - cpu, summary);
        }

        var cold = await Run();
        var coldPeak = Process.GetCurrentProcess().PeakWorkingSet64;
        var cached = await Run();
        var threads = Environment.ProcessorCount;
        o.Figures.Add($"{points}-point sweep, cold", cold.Wall.TotalSeconds, "s", threads, "target", 120);
        o.Figures.Add($"{points}-point sweep, cold: CPU time", cold.Cpu.TotalSeconds, "s", threads);
        o.Figures.Add($"{points}-point sweep, cached", cached.Wall.TotalSeconds, "s", threads, "target", 5);
        o.Figures.Add($"{points}-point sweep, cached: CPU time", cached.Cpu.TotalSeconds, "s", threads);
        o.Figures.Add("peak working set", coldPeak / 1e6, "MB", threads);
        o.Figures.Add("managed heap after the runs", GC.GetGCMemoryInfo().HeapSizeBytes / 1e6, "MB", threads);

        var t = new Table().Border(TableBorder.Rounded).AddColumns("run", "points", "stages done / cached / failed", "wall", "CPU", "per point", "target");
        void Row(string name, (TimeSpan Wall, TimeSpan Cpu, RunSummary S) r, string target) => t.AddRow(name, points.ToString(),
            $"{r.S.Count(StageStatus.Done)} / {r.S.Count(StageStatus.Cached)} / {r.S.Count(StageStatus.Failed)}",
            $"{r.Wall.TotalSeconds:F1} s", $"{r.Cpu.TotalSeconds:F1} s", $"{1000 * r.Wall.TotalSeconds / points:F0} ms", target);
        Row("cold (fresh workspace, dataset present)", cold, "< 120 s (1,000 points)");
        Row("fully cached", cached, "< 5 s");
        AnsiConsole.Write(t);
        Console.WriteLine($"peak working set {coldPeak / 1e6:F0} MB, managed heap {GC.GetGCMemoryInfo().HeapSizeBytes / 1e6:F0} MB, {GC.CollectionCount(0)} gen-0 / {GC.CollectionCount(2)} gen-2 collections");

        // Where the cold run's time went: stage-seconds by kind (wall time of the stages; they overlap when 2 run at once).
        var kinds = new Table().Border(TableBorder.Rounded).AddColumns("stage kind", "ran", "from the cache", "stage-seconds", "per run");
        foreach (var g in cold.Summary.Stages.GroupBy(s => s.Kind).OrderByDescending(g => g.Where(s => s.Status == StageStatus.Done).Sum(s => s.DurationSeconds)))
        {
            var done = g.Where(s => s.Status == StageStatus.Done).ToList();
            var sum = done.Sum(s => s.DurationSeconds);
            kinds.AddRow(g.Key, done.Count.ToString(), g.Count(s => s.Status == StageStatus.Cached).ToString(), $"{sum:F1} s", done.Count == 0 ? "-" : $"{sum / done.Count:F3} s");
            o.Figures.Add($"cold: {g.Key} stage-seconds", sum, "s", threads);
        }
        AnsiConsole.Write(kinds);
        try { Directory.Delete(workspace, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return cold.Summary.ExitCode == 0 && cached.Summary.ExitCode == 0 ? 0 : 1;
    }

    private static string? FindRecipe()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                var p = Path.Combine(d.FullName, "flows", RecipeName);
                if (File.Exists(p)) return p;
            }
        return null;
    }
}
