using System.Globalization;
using System.Text;
using System.Text.Json;
using FlowRunner.Abstractions;
using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Tools;
using FlowRunner.Engine.Tools.Scripting;

namespace FlowRunner.Engine.Cluster;

/// <summary>Settings of a Slurm run: how the nodes start flowrunner, the shared workspace, extra sbatch arguments and the polling period.</summary>
/// <param name="FlowRunnerCommand">The command that starts flowrunner on a node, e.g. ["dotnet", "/opt/flowrunner/flowrunner.dll"]; the workspace must be on a shared file system.</param>
/// <param name="PointsPerTask">Design points one array task runs in one flowrunner process (consecutive points: task t runs points t*k to t*k+k-1),
/// so the process start, the recipe planning and the dataset load are paid once per task instead of once per point.</param>
public sealed record SlurmOptions(IReadOnlyList<string> FlowRunnerCommand, string Workspace, string RecipeFile, IReadOnlyList<string> Sets,
    int JobsPerTask, IReadOnlyList<string> SbatchArguments, TimeSpan PollInterval, string? PluginFolder = null, string? RunId = null, int PointsPerTask = 1);

/// <summary>Runs a recipe's design points as a Slurm job array: each array task runs `flowrunner run --point P... --run-id R --task` (one point, or
/// <see cref="SlurmOptions.PointsPerTask"/> consecutive points) on a node against the shared run folder, cache and results store; the controller tracks the tasks with squeue (and sacct where accounting exists), resubmits failed
/// points up to the recipe's retry attempts, cancels the job with scancel when stopped, and merges the tasks' manifests into run.json.</summary>
public sealed class SlurmExecutor(SlurmOptions options, IRunObserver observer)
{
    public async Task<RunSummary> RunAsync(RunPlan plan, CancellationToken ct)
    {
        var started = DateTimeOffset.Now;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var runId = options.RunId ?? Executor.NewRunId();
        var runDir = Path.Combine(options.Workspace, "runs", plan.Recipe.Name, runId);
        var slurmDir = Path.Combine(runDir, "slurm");
        Directory.CreateDirectory(slurmDir);
        using var log = new FileLog(Path.Combine(slurmDir, "controller.log"));
        var tools = new ToolRunner(slurmDir, log, plan.Recipe.Retry with { Attempts = Math.Max(1, plan.Recipe.Retry.Attempts) }, new ToolLocator());
        var script = Path.Combine(slurmDir, "task.sh");
        await File.WriteAllTextAsync(script, TaskScript(plan, runId, slurmDir), ct);
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        observer.RunStarted(runId, runDir, plan.Points.Count, plan.Points.Sum(p => plan.Stages[p.Id].Count));

        // Array task t runs the points t*k .. t*k+k-1; a failed task is resubmitted as a whole (its points that succeeded come from the cache).
        var k = PointsPerTask(plan);
        var batches = (plan.Points.Count + k - 1) / k;
        var pending = Enumerable.Range(0, batches).ToList();
        var attempts = 0;
        var maxAttempts = Math.Max(1, plan.Recipe.Retry.Attempts);
        while (pending.Count > 0 && attempts < maxAttempts && !ct.IsCancellationRequested)
        {
            attempts++;
            foreach (var b in pending)
                foreach (var i in Batch(b, k, plan.Points.Count)) File.Delete(ExitFile(slurmDir, plan.Points[i].Id));
            var array = string.Join(',', pending);
            var submit = await tools.RunAsync(new ToolInvocation("sbatch",
                ["--parsable", $"--array={array}", $"--job-name=flowrunner-{plan.Recipe.Name}", $"--output={Path.Combine(slurmDir, "%a.out")}", .. options.SbatchArguments, script])
            { IsTransient = r => r.ExitCode != 0 }, CancellationToken.None);
            var jobId = submit.StandardOutput.Trim().Split(';')[0];
            log.Info($"attempt {attempts}: job {jobId} with array tasks {array}" + (k > 1 ? $" ({k} points a task)" : ""));
            try
            {
                await WaitAsync(tools, jobId, ct);
            }
            catch (OperationCanceledException)
            {
                log.Warn($"cancelled: scancel {jobId}");
                await tools.RunAsync(new ToolInvocation("scancel", [jobId]), CancellationToken.None);
                break;
            }
            await RecordAccountingAsync(tools, jobId, log);
            pending = pending.Where(b => Batch(b, k, plan.Points.Count).Any(i => ExitCode(slurmDir, plan.Points[i].Id) != 0)).ToList();
            if (pending.Count > 0)
                log.Warn($"failed tasks after attempt {attempts}: {string.Join(", ", pending.Select(b => string.Join(" ", Batch(b, k, plan.Points.Count).Select(i => plan.Points[i].Id))))}");
        }

        var records = new List<StageRecord>();
        var points = new List<PointManifest>();
        var manifests = new Dictionary<int, TaskManifest?>();
        for (var i = 0; i < plan.Points.Count; i++)
        {
            var p = plan.Points[i];
            var batch = i / k;
            if (!manifests.TryGetValue(batch, out var taskManifest))
            {
                // A task writes one manifest, named after its first point, holding every point it ran.
                var manifestFile = Path.Combine(runDir, $"run.{plan.Points[batch * k].Id}.json");
                manifests[batch] = taskManifest = File.Exists(manifestFile)
                    ? JsonSerializer.Deserialize<TaskManifest>(await File.ReadAllTextAsync(manifestFile, CancellationToken.None), PlainJson.Options)
                    : null;
            }
            var stages = taskManifest?.Points.FirstOrDefault(x => x.Id == p.Id)?.Stages ?? [];
            if (stages.Count == 0)
                stages = [new StageRecord { PointId = p.Id, StageId = plan.Stages[p.Id][0].Id, Kind = plan.Stages[p.Id][0].Spec.Kind, Status = StageStatus.Failed,
                    Error = $"the Slurm task of {p.Id} ended without results (exit {ExitCode(slurmDir, p.Id)}); see {Path.Combine(slurmDir, batch + ".out")}" }];
            foreach (var r in stages) observer.StageFinished(r);
            records.AddRange(stages);
            points.Add(new PointManifest(p.Id, p.Label, p.Params, stages));
        }
        var status = ct.IsCancellationRequested ? "cancelled" : records.All(r => r.Succeeded) ? "succeeded" : "failed";
        var manifest = new RunManifest
        {
            RunId = runId, Recipe = plan.Recipe.Name, RecipeFile = plan.Recipe.File, Status = status, FlowRunnerVersion = "slurm",
            Host = Environment.MachineName, Os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            DotnetVersion = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription, CommandLine = Environment.CommandLine,
            Started = started, Ended = DateTimeOffset.Now, DurationSeconds = clock.Elapsed.TotalSeconds, Jobs = options.JobsPerTask,
            TechFile = plan.TechFile, Resolved = null, Points = points,
        };
        await File.WriteAllTextAsync(Path.Combine(runDir, "run.json"), JsonSerializer.Serialize(manifest, PlainJson.Options), CancellationToken.None);
        var summary = new RunSummary(runId, runDir, status, records, clock.Elapsed);
        observer.RunFinished(summary);
        return summary;
    }

    private sealed record TaskManifest(IReadOnlyList<TaskPoint> Points);

    private sealed record TaskPoint(string Id, IReadOnlyList<StageRecord> Stages);

    private int PointsPerTask(RunPlan plan) => Math.Clamp(options.PointsPerTask, 1, Math.Max(1, plan.Points.Count));

    /// <summary>Indices of the points array task b runs.</summary>
    private static IEnumerable<int> Batch(int b, int k, int count) => Enumerable.Range(b * k, Math.Min(k, count - b * k));

    private static string ExitFile(string slurmDir, string point) => Path.Combine(slurmDir, point + ".exit");

    private static int? ExitCode(string slurmDir, string point) =>
        File.Exists(ExitFile(slurmDir, point)) && int.TryParse(File.ReadAllText(ExitFile(slurmDir, point)).Trim(), out var c) ? c : null;

    private string TaskScript(RunPlan plan, string runId, string slurmDir)
    {
        var q = Shell.Word;
        var sb = new StringBuilder();
        sb.AppendLine("#!/bin/sh");
        var k = PointsPerTask(plan);
        sb.AppendLine(Shell.Comment($"Design points of {plan.Recipe.Name} run {runId}: array task t runs points t*{k} to t*{k}+{k - 1} in one flowrunner process (written by flowrunner)."));
        sb.AppendLine($"FIRST=$((SLURM_ARRAY_TASK_ID * {k})); LAST=$((FIRST + {k - 1})); [ \"$LAST\" -lt {plan.Points.Count} ] || LAST={plan.Points.Count - 1}");
        sb.AppendLine("set --");
        sb.AppendLine("i=$FIRST; while [ \"$i\" -le \"$LAST\" ]; do set -- \"$@\" --point \"$(printf 'p%03d' \"$i\")\"; i=$((i + 1)); done");
        var plugins = options.PluginFolder is null ? [] : new[] { "--plugins", q(options.PluginFolder) };
        var cmd = options.FlowRunnerCommand.Select(q).Concat(["--workspace", q(options.Workspace), .. plugins, "run", q(options.RecipeFile),
            "--run-id", q(runId), "\"$@\"", "--task", "--plain", "--jobs", options.JobsPerTask.ToString(CultureInfo.InvariantCulture)])
            .Concat(options.Sets.SelectMany(s => new[] { "--set", q(s) }));
        sb.AppendLine(string.Join(' ', cmd));
        sb.AppendLine("RC=$?");
        sb.AppendLine($"i=$FIRST; while [ \"$i\" -le \"$LAST\" ]; do echo \"$RC\" > {q(slurmDir)}/\"$(printf 'p%03d' \"$i\")\".exit; i=$((i + 1)); done");
        return sb.ToString();
    }

    private async Task WaitAsync(ToolRunner tools, string jobId, CancellationToken ct)
    {
        while (true)
        {
            await Task.Delay(options.PollInterval, ct);
            var q = await tools.RunAsync(new ToolInvocation("squeue", ["-h", "-j", jobId, "-o", "%i %T"]) { SuccessExitCodes = [0, 1] }, ct);
            if (q.StandardOutput.Trim().Length == 0) return;
        }
    }

    /// <summary>sacct's view of the tasks, into the controller log; clusters without accounting storage simply have none.</summary>
    private static async Task RecordAccountingAsync(ToolRunner tools, string jobId, IStageLog log)
    {
        if (new ToolLocator().Find("sacct") is null) return;
        try
        {
            await tools.RunAsync(new ToolInvocation("sacct", ["-n", "-P", "-j", jobId, "-o", "JobID,State,ExitCode"]) { SuccessExitCodes = [0, 1] }, CancellationToken.None);
        }
        catch (ToolFailedException e)
        {
            log.Info("sacct: " + e.Message.Split('\n')[0]);
        }
    }

    /// <summary>The controller's log file.</summary>
    private sealed class FileLog(string file) : IStageLog, IDisposable
    {
        private readonly StreamWriter _w = new(file, append: true) { AutoFlush = true };
        public void Info(string message) { lock (_w) _w.WriteLine($"{DateTime.Now:HH:mm:ss} info {message}"); }
        public void Warn(string message) { lock (_w) _w.WriteLine($"{DateTime.Now:HH:mm:ss} warn {message}"); }
        public void Progress(double fraction, string status) { }
        public void Dispose() { lock (_w) _w.Dispose(); }
    }
}
