using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Registry;
using FlowRunner.Stages.QuantSearch;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace FlowRunner.Cli.Bench;

/// <summary>The quantization search on the reference network (trained as the main job trains it, fewer epochs): candidates evaluated per
/// second, time to the confirmed front, and the chosen point against the best uniform format meeting the same accuracy (energy and area).</summary>
internal static class SearchBench
{
    private static string Recipe(bool quick) => $$"""
        name: bench-search
        tech: generic45
        seed: 1
        stages:
          - { id: model, kind: model.train, with: { network: mnist-cnn.yaml, dataset: mnist, epochs: {{(quick ? 1 : 4)}}, optimizer: adam, learning_rate: 0.003, batch: 64, schedule: one_cycle, augment: { shift: 2, rotate: 10, scale: 0.1 } } }
          - { id: profile, kind: model.profile, needs: [model] }
          - { id: search, kind: quant.search, needs: [model, profile], with: { max_drop: 0.01{{(quick ? ", max_candidates: 40, generations: 2, search_images: 200, uniform_int_bits: [3, 4, 5], uniform_frac_bits: [1, 2, 4]" : "")}} } }
        """;

    public static async Task<int> RunAsync(BenchOptions o, CancellationToken ct)
    {
        using var sp = SweepBench.Engine(o.WorkDirectory);
        var registry = sp.GetRequiredService<StageRegistry>();
        var recipe = Path.Combine(o.WorkDirectory, "bench-search.yaml");
        await File.WriteAllTextAsync(recipe, Recipe(o.Quick), ct);
        var plan = RunPlanner.PlanFile(recipe, [], registry);
        var summary = await new Executor(registry, new ExecutorOptions { Workspace = o.WorkDirectory }, NullRunObserver.Instance).RunAsync(plan, ct);
        var stage = summary.Stages.FirstOrDefault(s => s.StageId == "search");
        if (summary.ExitCode != 0 || stage?.Directory is null)
        {
            AnsiConsole.MarkupLine($"[red]the search run failed: {Markup.Escape(string.Join("; ", summary.Stages.Where(s => s.Error is not null).Select(s => $"{s.StageId}: {s.Error}")))}[/]");
            return 1;
        }
        var r = SearchRecord.Read(Path.Combine(stage.Directory, SearchRecord.FileName));
        double Metric(string name) => stage.Metrics.First(m => m.Name == name).Value;
        var searched = r.Candidates.Count(c => c.Phase != "uniform");
        var uniform = r.Candidates.Count - searched;
        var t = new Table().Border(TableBorder.Rounded).Title($"quant.search on {r.TestImages:N0} held-out digits, target {r.Target:P2} (float {r.FloatAccuracy:P2})")
            .AddColumns("figure", "value");
        t.AddRow("candidates (searched + uniform sweep)", $"{searched} + {uniform}");
        t.AddRow("candidates per second", $"{Metric("candidates_per_s"):F1}");
        t.AddRow("time to the confirmed front", $"{r.Seconds:F1} s");
        o.Figures.Add("candidates evaluated per second", Metric("candidates_per_s"), "1/s", Environment.ProcessorCount);
        o.Figures.Add("time to the confirmed front", r.Seconds, "s", Environment.ProcessorCount);
        var chosen = r.Candidates[r.Chosen];
        t.AddRow("chosen point", $"{chosen.Accuracy:P2}, {chosen.EnergyUj:G4} uJ, {chosen.AreaUm2:N0} um2, widths {string.Join("/", chosen.Widths)}");
        if (r.BestUniform is { } u)
        {
            var b = r.Candidates[u];
            t.AddRow("best uniform format meeting the target", $"ac_fixed<{b.Widths[0]},{b.IntBits[0]}>: {b.Accuracy:P2}, {b.EnergyUj:G4} uJ, {b.AreaUm2:N0} um2");
            o.Figures.Add("energy per inference of the searched point", chosen.EnergyUj ?? 0, "uJ", Environment.ProcessorCount, "best uniform format at the same accuracy target", b.EnergyUj);
            o.Figures.Add("area of the searched point", chosen.AreaUm2 ?? 0, "um2", Environment.ProcessorCount, "best uniform format at the same accuracy target", b.AreaUm2);
        }
        else t.AddRow("best uniform format meeting the target", "none");
        t.AddRow("front (searched / uniform)", $"{r.Front.Count} / {r.UniformFront.Count} points");
        AnsiConsole.Write(t);
        return 0;
    }
}
