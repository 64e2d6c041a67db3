using FlowRunner.Cli.Terminal;
using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Regression;
using FlowRunner.Engine.Results;
using FlowRunner.Stages.RunReport;

namespace FlowRunner.Cli.Running;

/// <summary>One complete run of a planned recipe, as `run` and the scheduler do it: execute with progress, record in the results store,
/// compare with the previous run, write the report. The run folder's owner lock is held until the report is written, and the run's final
/// status is recorded only then, so a run killed before its report shows as interrupted, never as succeeded.</summary>
internal static class RecipeRun
{
    /// <summary>The run's summary and regression verdict; throws <see cref="ArgumentException"/> for bad options such as an unknown --from stage.</summary>
    /// <param name="execute">Runs the plan with the given observer and options: the local executor, or the Slurm one.</param>
    public static async Task<(RunSummary Summary, RegressionVerdict Verdict)> ExecuteAsync(RunPlan plan, ExecutorOptions options, RunProgress progress,
        Func<IRunObserver, ExecutorOptions, CancellationToken, Task<RunSummary>> execute, CancellationToken ct)
    {
        options = options with { RunId = options.RunId ?? Executor.NewRunId(), ReportFollows = true };
        if (Engine.Paths.SafeName.Problem(options.RunId) is { } bad) throw new ArgumentException($"--run-id '{options.RunId}' {bad} (it names the run folder)");
        var runDir = Path.Combine(options.RunsDirectory, plan.Recipe.Name, options.RunId);
        using var owner = RunLock.Acquire(runDir);
        using var store = new ResultsStore(ResultsStore.DefaultPath(options.Workspace));
        var observer = new CompositeRunObserver(progress, new ResultsRecorder(store, plan, options.CommandLine, recordsEnd: false));
        var summary = await progress.ShowAsync(() => execute(observer, options, ct));
        progress.PrintSummary(summary);
        var verdict = RegressionVerdict.Compare(store, plan, summary.RunId, MetricLimit.From(plan.Recipe.Regression, []));
        var status = summary.Status;
        try
        {
            verdict.Write(summary.RunDirectory);
            Console.WriteLine(verdict.Summary());
            Console.WriteLine($"report: {RunReportWriter.Write(plan, summary, verdict)}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full disk while writing the report: the stages' results are kept (cache, results store), the run is recorded as failed.
            Console.Error.WriteLine($"error: could not write the report in {summary.RunDirectory}: {e.Message}");
            status = "failed";
            summary = summary with { Status = status, Problem = $"could not write the report: {e.Message}" };
        }
        store.RunFinished(summary.RunId, status, DateTimeOffset.Now);
        try
        {
            Executor.RecordFinalStatus(summary.RunDirectory, status);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: could not record the final status in {Path.Combine(summary.RunDirectory, "run.json")}: {e.Message}");
            summary = summary with { Status = "failed" };
        }
        return (summary, verdict);
    }
}
