using System.CommandLine;
using FlowRunner.Cli.Terminal;
using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Recipes;
using FlowRunner.Cli.Running;

namespace FlowRunner.Cli.Commands;

/// <summary>`flowrunner run RECIPE`: checks the recipe, then runs every design point's stage graph with caching and a progress display.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var recipe = RecipeArguments.Recipe();
        var set = RecipeArguments.Set();
        var jobs = new Option<int>("--jobs", "-j") { Description = "Stages run at once (default: the number of cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var force = new Option<bool>("--force") { Description = "Run every stage again, ignoring the cache" };
        var from = new Option<string?>("--from") { Description = "Run this stage and everything after it again" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only failures and the final line" };
        var plain = new Option<bool>("--plain") { Description = "Plain log lines instead of the live display (automatic under CI or when piped)" };
        var points = new Option<string[]>("--point") { Description = "Run only these design points (ids such as p003); repeatable", DefaultValueFactory = _ => [] };
        var runId = new Option<string?>("--run-id") { Description = "Write into this run id instead of a new one" };
        var failOnRegression = new Option<bool>("--fail-on-regression") { Description = "Exit 3 when a metric moved beyond the recipe's `regression:` limits since the previous run" };

        var cmd = new Command("run", "Run a recipe: every stage of every design point, in parallel where the graph allows, reusing cached results.")
        {
            recipe, set, jobs, force, from, quiet, plain, points, runId, failOnRegression,
        };
        cmd.SetAction(async (r, ct) =>
        {
            using var services = GlobalOptions.Services(r);
            var registry = GlobalOptions.Registry(services);
            RunPlan plan;
            try
            {
                plan = RecipeArguments.Plan(r.GetValue(recipe)!, r.GetValue(set)!, registry);
            }
            catch (RecipeException e)
            {
                return ErrorReport.Recipe(e);
            }
            if (r.GetValue(jobs) < 1) return ErrorReport.Usage("--jobs must be at least 1");
            var only = r.GetValue(points)!;
            var unknown = only.Where(p => plan.Points.All(x => x.Id != p)).ToList();
            if (unknown.Count > 0) return ErrorReport.Usage($"--point: no design point {string.Join(", ", unknown)} (points p000..p{plan.Points.Count - 1:000})");

            var progress = new RunProgress(RunProgress.Choose(r.GetValue(quiet), r.GetValue(plain)));
            var options = new ExecutorOptions
            {
                Workspace = GlobalOptions.WorkspaceOf(r),
                Jobs = r.GetValue(jobs),
                Force = r.GetValue(force),
                FromStage = r.GetValue(from),
                OnlyPoints = only.Length > 0 ? only.ToHashSet() : null,
                RunId = r.GetValue(runId),
            };
            try
            {
                var (summary, verdict) = await RecipeRun.ExecuteAsync(registry, plan, options, progress, ct);
                return summary.ExitCode != 0 ? summary.ExitCode : r.GetValue(failOnRegression) && verdict.Failed ? 3 : 0;
            }
            catch (ArgumentException e)
            {
                return ErrorReport.Usage(e.Message);
            }
        });
        return cmd;
    }
}
