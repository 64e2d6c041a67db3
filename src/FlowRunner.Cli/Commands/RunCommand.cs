using System.CommandLine;
using FlowRunner.Cli.Terminal;
using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Recipes;
using FlowRunner.Cli.Running;
using FlowRunner.Engine.Cluster;

namespace FlowRunner.Cli.Commands;

/// <summary>`flowrunner run RECIPE`: checks the recipe, then runs every design point's stage graph with caching and a progress display.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var recipe = RecipeArguments.Recipe();
        var set = RecipeArguments.Set();
        var jobs = new Option<int>("--jobs", "-j") { Description = "Stages run at once (default: the number of cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var threads = new Option<int>("--threads") { Description = "Threads one in-process stage may use (default: the cores shared among the stages computing when it starts); results never depend on it", DefaultValueFactory = _ => 0 };
        var force = new Option<bool>("--force") { Description = "Run every stage again, ignoring the cache" };
        var from = new Option<string?>("--from") { Description = "Run this stage and everything after it again" };
        var to = new Option<string?>("--to") { Description = "Stop after this stage: run only it and the stages it needs" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only failures and the final line" };
        var plain = new Option<bool>("--plain") { Description = "Plain log lines instead of the live display (automatic under CI or when piped)" };
        var points = new Option<string[]>("--point") { Description = "Run only these design points (ids such as p003); repeatable", DefaultValueFactory = _ => [] };
        var runId = new Option<string?>("--run-id") { Description = "Write into this run id instead of a new one" };
        var executorOption = new Option<string?>("--executor") { Description = "local (default) or slurm: submit design points as a Slurm job array (overrides the recipe's `executor:`)" };
        executorOption.AcceptOnlyFromAmong("local", "slurm");
        var task = new Option<bool>("--task") { Description = "Run as one task of a cluster run (writes run.<first point>.json; no report)", Hidden = true };
        var pointsPerTask = new Option<int>("--points-per-task") { Description = "Design points one Slurm array task runs in one flowrunner process (default 1)", DefaultValueFactory = _ => 1 };
        var sbatch = new Option<string[]>("--sbatch") { Description = "Extra sbatch argument for --executor slurm, e.g. --sbatch=--partition=gpu (repeatable)", DefaultValueFactory = _ => [] };
        var failOnRegression = new Option<bool>("--fail-on-regression") { Description = "Exit 3 when a metric moved beyond the recipe's `regression:` limits since the previous run" };

        var cmd = new Command("run", "Run a recipe: every stage of every design point, in parallel where the graph allows, reusing cached results.")
        {
            recipe, set, jobs, threads, force, from, to, quiet, plain, points, runId, failOnRegression, executorOption, task, sbatch, pointsPerTask,
        };
        cmd.SetAction(async (r, ct) =>
        {
            if (GlobalOptions.UnwritableWorkspace(r) is { } unwritable) return ErrorReport.Usage(unwritable);
            if (r.GetValue(runId) is { } id && Engine.Paths.SafeName.Problem(id) is { } badId) return ErrorReport.Usage($"--run-id '{id}' {badId} (it names the run folder)");
            using var services = GlobalOptions.Services(r);
            var registry = GlobalOptions.Registry(services);
            RunPlan plan;
            try
            {
                plan = RecipeArguments.Plan(r.GetValue(recipe)!, r.GetValue(set)!, registry, GlobalOptions.ReadsOf(r));
            }
            catch (RecipeException e)
            {
                return ErrorReport.Recipe(e);
            }
            if (r.GetValue(to) is { } last)
            {
                var ids = plan.Recipe.Stages.Select(s => s.Id).ToList();
                if (!ids.Contains(last)) return ErrorReport.Usage($"--to {last}: the recipe has no stage '{last}'{RecipeLoader.Suggest(last, ids)} (stages: {string.Join(", ", ids)})");
                plan = UpTo(plan, last);
            }
            if (r.GetValue(jobs) < 1) return ErrorReport.Usage("--jobs must be at least 1");
            if (r.GetValue(threads) < 0) return ErrorReport.Usage("--threads must be 0 (share the cores) or more");
            var only = r.GetValue(points)!;
            var unknown = only.Where(p => plan.Points.All(x => x.Id != p)).ToList();
            if (unknown.Count > 0) return ErrorReport.Usage($"--point: no design point {string.Join(", ", unknown)} (points p000..p{plan.Points.Count - 1:000})");

            var progress = new RunProgress(RunProgress.Choose(r.GetValue(quiet), r.GetValue(plain)));
            var options = new ExecutorOptions
            {
                Workspace = GlobalOptions.WorkspaceOf(r),
                Jobs = r.GetValue(jobs),
                ThreadsPerStage = r.GetValue(threads),
                Force = r.GetValue(force),
                FromStage = r.GetValue(from),
                OnlyPoints = only.Length > 0 ? only.ToHashSet() : null,
                RunId = r.GetValue(runId),
            };
            var executorKind = r.GetValue(executorOption) ?? plan.Recipe.Executor ?? "local";
            if (executorKind is not ("local" or "slurm")) return ErrorReport.Usage($"executor '{executorKind}' is not known (local or slurm)");
            if (r.GetValue(task))
            {
                if (only.Length == 0 || options.RunId is null) return ErrorReport.Usage("--task needs at least one --point and a --run-id");
                var summary = await new Executor(registry, options with { ManifestName = $"run.{only[0]}.json" }, progress).RunAsync(plan, ct);
                progress.PrintSummary(summary);
                return summary.ExitCode;
            }
            if (r.GetValue(pointsPerTask) < 1) return ErrorReport.Usage("--points-per-task must be at least 1");
            if (executorKind == "slurm")
            {
                var slurm = new SlurmOptions(SelfCommand(), options.Workspace, plan.Recipe.File, r.GetValue(set)!, options.Jobs, r.GetValue(sbatch)!, TimeSpan.FromSeconds(1), GlobalOptions.PluginFolderOf(r),
                    PointsPerTask: r.GetValue(pointsPerTask));
                var summary = await RecipeRun.ExecuteAsync(plan, options, progress, (o, opts, c) => new SlurmExecutor(slurm with { RunId = opts.RunId }, o).RunAsync(plan, c), ct);
                return summary.Summary.ExitCode != 0 ? summary.Summary.ExitCode : r.GetValue(failOnRegression) && summary.Verdict.Failed ? 3 : 0;
            }
            try
            {
                var (summary, verdict) = await RecipeRun.ExecuteAsync(plan, options, progress,
                    (o, opts, c) => new Executor(registry, opts, o).RunAsync(plan, c), ct);
                return summary.ExitCode != 0 ? summary.ExitCode : r.GetValue(failOnRegression) && verdict.Failed ? 3 : 0;
            }
            catch (ArgumentException e)
            {
                return ErrorReport.Usage(e.Message);
            }
            catch (RunInUseException e)
            {
                return ErrorReport.Usage(e.Message);
            }
        });
        return cmd;
    }

    /// <summary>The plan cut after a stage: that stage and its upstream stages, for every point.</summary>
    internal static RunPlan UpTo(RunPlan plan, string last) => new()
    {
        Recipe = plan.Recipe, Points = plan.Points, TechFile = plan.TechFile,
        Stages = plan.Stages.ToDictionary(kv => kv.Key, kv =>
        {
            var keep = kv.Value.First(s => s.Id == last).Upstream.Append(last).ToHashSet();
            return (IReadOnlyList<ResolvedStage>)kv.Value.Where(s => keep.Contains(s.Id)).ToList();
        }),
    };

    /// <summary>How a node starts this same flowrunner: FLOWRUNNER_COMMAND (words split on spaces), else this process's own command.</summary>
    internal static IReadOnlyList<string> SelfCommand()
    {
        if (Environment.GetEnvironmentVariable("FLOWRUNNER_COMMAND") is { Length: > 0 } c) return c.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var host = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(host) == "dotnet" ? [host, typeof(RunCommand).Assembly.Location] : [host];
    }
}
