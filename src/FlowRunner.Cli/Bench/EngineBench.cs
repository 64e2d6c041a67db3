using System.Diagnostics;
using System.Text;
using FlowRunner.Abstractions;
using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Registry;
using FlowRunner.Engine.Tools;
using Spectre.Console;

namespace FlowRunner.Cli.Bench;

/// <summary>Engine overhead: a recipe of 200 no-op stages (each needing up to two earlier ones) run cold, then fully cached.</summary>
internal static class EngineBench
{
    /// <summary>A stage that does nothing but report one metric: what is left is the engine's own cost.</summary>
    private sealed class NoopStage : IStage
    {
        public string Kind => "bench.noop";
        public string Description => "does nothing";
        public IReadOnlyList<StageOption> Options { get; } = [new("n", OptionType.Int, 0, "stage number")];
    }

    private sealed class NoopAdapter : IToolAdapter
    {
        public string StageKind => "bench.noop";
        public string Id => "noop";
        public int Priority => 0;
        public IReadOnlyList<string> RequiredTools => [];
        public Task<IReadOnlyList<ToolInfo>> ProbeAsync(IToolLocator locator, CancellationToken ct) => Task.FromResult<IReadOnlyList<ToolInfo>>([]);
        public Task<StageResult> RunAsync(StageContext c, CancellationToken ct) =>
            Task.FromResult(new StageResult([new Metric("n", c.Options.Int("n"))], []));
    }

    /// <summary>Loads and plans a recipe whose `params:` block has 80,000 keys (20,000 with --quick): it took 53 s when map lookups were linear.</summary>
    private static async Task<(int Keys, TimeSpan Elapsed)> LargeParamsAsync(BenchOptions o, CancellationToken ct)
    {
        var keys = o.Quick ? 20_000 : 80_000;
        var sb = new StringBuilder("name: bench-params\nparams:\n");
        for (var i = 0; i < keys; i++) sb.Append("  p").Append(i).Append(": ").Append(i).Append('\n');
        sb.Append("stages:\n  - { id: s, kind: bench.noop, with: { n: \"${params.p").Append(keys - 1).Append("}\" } }\n");
        var file = Path.Combine(o.WorkDirectory, "params.yaml");
        await File.WriteAllTextAsync(file, sb.ToString(), ct);
        var registry = new StageRegistry([new NoopStage()], [new NoopAdapter()], new ToolLocator());
        var sw = Stopwatch.StartNew();
        RunPlanner.PlanFile(file, [], registry);
        return (keys, sw.Elapsed);
    }

    public static async Task<int> RunAsync(BenchOptions o, CancellationToken ct)
    {
        var stages = o.Quick ? 50 : 200;
        var recipe = Path.Combine(o.WorkDirectory, "noop.yaml");
        var sb = new StringBuilder("name: bench-noop\nstages:\n");
        for (var i = 0; i < stages; i++)
        {
            var needs = new[] { i - 1, i / 2 - 1 }.Where(x => x >= 0).Distinct().Select(x => $"s{x}");
            sb.Append($"  - {{ id: s{i}, kind: bench.noop, needs: [{string.Join(", ", needs)}], with: {{ n: {i} }} }}\n");
        }
        await File.WriteAllTextAsync(recipe, sb.ToString(), ct);
        var registry = new StageRegistry([new NoopStage()], [new NoopAdapter()], new ToolLocator());
        var plan = RunPlanner.Plan(RecipeLoader.Load(recipe), registry);
        var options = new ExecutorOptions { Workspace = o.WorkDirectory, Jobs = Environment.ProcessorCount };

        // Warm the JIT on a throw-away workspace so the figures show steady-state cost.
        await new Executor(registry, options with { Workspace = Path.Combine(o.WorkDirectory, "warm") }, NullRunObserver.Instance).RunAsync(plan, ct);

        var cold = Stopwatch.StartNew();
        var s1 = await new Executor(registry, options, NullRunObserver.Instance).RunAsync(plan, ct);
        cold.Stop();
        var cached = Stopwatch.StartNew();
        var s2 = await new Executor(registry, options, NullRunObserver.Instance).RunAsync(plan, ct);
        cached.Stop();
        if (s1.Count(StageStatus.Done) != stages || s2.Count(StageStatus.Cached) != stages)
        {
            Console.Error.WriteLine($"unexpected: cold {s1.Count(StageStatus.Done)} done, cached run {s2.Count(StageStatus.Cached)} cached of {stages}");
            return 1;
        }
        o.Figures.Add("engine overhead per stage, cold", cold.Elapsed.TotalMilliseconds / stages, "ms", options.Jobs);
        o.Figures.Add("engine overhead per stage, cached", cached.Elapsed.TotalMilliseconds / stages, "ms", options.Jobs);
        var t = new Table().Border(TableBorder.Rounded).AddColumns("run", "stages", "total", "per stage", "target");
        t.AddRow("cold", stages.ToString(), $"{cold.Elapsed.TotalMilliseconds:F0} ms", $"{cold.Elapsed.TotalMilliseconds / stages:F2} ms", "< 5 ms");
        t.AddRow("fully cached", stages.ToString(), $"{cached.Elapsed.TotalMilliseconds:F0} ms", $"{cached.Elapsed.TotalMilliseconds / stages:F2} ms", "< 1 ms");
        var (keys, load) = await LargeParamsAsync(o, ct);
        t.AddRow($"plan a recipe of {keys:N0} params", "1", $"{load.TotalMilliseconds:F0} ms", "", "< 2 s (linear)");
        AnsiConsole.Write(t);
        Console.WriteLine($"jobs {Environment.ProcessorCount}; cold/cached ratio {cold.Elapsed / cached.Elapsed:F1}x");
        return 0;
    }
}
