using System.CommandLine;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Results;
using FlowRunner.Engine.Selection;
using Spectre.Console;
using YamlDotNet.Serialization;

namespace FlowRunner.Cli.Commands;

/// <summary>`flowrunner best RECIPE-OR-RUN`: the winning design point by the recipe's objective and constraints, its Pareto front,
/// and a recipe with the winner's parameters filled in, ready to rerun.</summary>
internal static class BestCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("recipe-or-run") { Description = "A recipe file or name (its latest run), or a run id" };
        var output = new Option<string?>("--output", "-o") { Description = "Where to write the winner's recipe (default: <name>.best.yaml beside the recipe, so its relative paths still hold)" };
        var cmd = new Command("best", "Pick the best design point of a run by the recipe's `sweep.objective`, and write its recipe.") { target, output };
        cmd.SetAction(r =>
        {
            var file = ResultsStore.DefaultPath(GlobalOptions.WorkspaceOf(r));
            if (!File.Exists(file)) return Terminal.ErrorReport.Usage($"no results yet ({file} does not exist): run the recipe first");
            using var store = new ResultsStore(file);
            var t = r.GetValue(target)!;
            var reads = GlobalOptions.ReadsOf(r);
            var name = File.Exists(t) ? RecipeLoader.Load(t, null, reads).Name : t;
            var run = ResultsCommand.Resolve(store, name);
            if (run is null) return Terminal.ErrorReport.Usage($"no run of '{t}' in the results store");
            Recipe recipe;
            Objective objective;
            try
            {
                recipe = RecipeLoader.Load(File.Exists(t) ? t : run.RecipeFile, null, reads);
                objective = Objective.From(recipe.Sweep);
            }
            catch (RecipeException e)
            {
                return Terminal.ErrorReport.Recipe(e);
            }
            var points = store.Points(run.RunId);
            if (points.Any(p => p.Metrics.Count > 0))
                foreach (var c in objective.Constraints)
                    if (MetricNames.Unknown(c, points) is { } unknown)
                        return Terminal.ErrorReport.Usage($"{Path.GetFileName(recipe.File)}: sweep.objective.subject_to: {unknown}");
            var (best, why) = Selector.Best(points, objective);
            foreach (var p in points.Where(p => !p.Succeeded))
            {
                var f = p.Stages.FirstOrDefault(s => s.Status == "failed");
                Console.Error.WriteLine($"point {p.PointId} [{p.Label}] {(f is null ? "incomplete (stages never ran: the run was interrupted or cancelled)" : $"failed at {f.StageId}: {f.Error}")}");
                if (f?.Directory is { } dir && File.Exists(Path.Combine(dir, "stage.log")))
                    foreach (var l in File.ReadLines(Path.Combine(dir, "stage.log")).TakeLast(3)) Console.Error.WriteLine("  | " + l);
            }
            if (best is null)
            {
                Console.Error.WriteLine($"error: no winner in run {run.RunId}: {why}");
                return 1;
            }
            AnsiConsole.MarkupLine($"best of run [bold]{run.RunId}[/]: [green]{best.PointId}[/] {Markup.Escape($"[{best.Label}] ({why})")}");
            var table = new Table().Border(TableBorder.Rounded).AddColumns("metric", "value", "unit");
            table.Columns[1].RightAligned();
            foreach (var k in MetricNames.Shown(best).Order(StringComparer.Ordinal))
                table.AddRow(Markup.Escape(k), Figures.Format(best.Metrics[k]), Markup.Escape(best.Units.GetValueOrDefault(k, "")));
            AnsiConsole.Write(table);
            var front = Selector.ParetoFront(points, Selector.DefaultParetoGoals);
            if (front.Count > 1)
                Console.WriteLine($"Pareto front ({string.Join(", ", Selector.DefaultParetoGoals)}), {front.Count} point(s): {string.Join(", ", front.Select(p => $"{p.PointId} [{p.Label}]"))}");

            var outFile = r.GetValue(output) ?? Path.Combine(recipe.Directory, recipe.Name + ".best.yaml");
            File.WriteAllText(outFile, WinnerRecipe(recipe, best));
            Console.WriteLine($"wrote {outFile}: `flowrunner run {outFile}` reruns the winner");
            return 0;
        });
        return cmd;
    }

    /// <summary>The recipe as resolved, with the winner's parameters as defaults and no sweep.</summary>
    public static string WinnerRecipe(Recipe recipe, PointResult best)
    {
        var root = (OrderedMap)recipe.Root.ToPlain()!;
        root.Remove("extends");
        root.Remove("sweep");
        root.Remove("schedule");
        root["name"] = recipe.Name + "-best";
        var pars = new OrderedMap(recipe.Params);
        foreach (var (k, v) in best.Params) pars[k] = v;
        root["params"] = pars;
        var header = $"# The best design point {best.PointId} [{best.Label}] of a run of {Path.GetFileName(recipe.File)}, written by `flowrunner best`.\n";
        return header + new SerializerBuilder().Build().Serialize(ToYaml(root));
    }

    private static object? ToYaml(object? v) => v switch
    {
        OrderedMap m => m.ToDictionary(kv => kv.Key, kv => ToYaml(kv.Value)),
        IList<object?> l => l.Select(ToYaml).ToList(),
        _ => v,
    };
}
