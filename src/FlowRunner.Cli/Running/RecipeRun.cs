using FlowRunner.Cli.Terminal;
using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Regression;
using FlowRunner.Engine.Results;
using FlowRunner.Stages.RunReport;

namespace FlowRunner.Cli.Running;

/// <summary>One complete run of a planned recipe, as `run` and the scheduler do it: execute with progress, record in the results store,
/// compare with the previous run, write the report.</summary>
internal static class RecipeRun
{
    /// <summary>The run's summary and regression verdict; throws <see cref="ArgumentException"/> for bad options such as an unknown --from stage.</summary>
    /// <param name="execute">Runs the plan with the given observer: the local executor, or the Slurm one.</param>
    public static async Task<(RunSummary Summary, RegressionVerdict Verdict)> ExecuteAsync(RunPlan plan, ExecutorOptions options, RunProgress progress,
        Func<IRunObserver, CancellationToken, Task<RunSummary>> execute, CancellationToken ct)
    {
        using var store = new ResultsStore(ResultsStore.DefaultPath(options.Workspace));
        var observer = new CompositeRunObserver(progress, new ResultsRecorder(store, plan, options.CommandLine));
        var summary = await progress.ShowAsync(() => execute(observer, ct));
        progress.PrintSummary(summary);
        var verdict = RegressionVerdict.Compare(store, plan, summary.RunId, MetricLimit.From(plan.Recipe.Regression, []));
        verdict.Write(summary.RunDirectory);
        Console.WriteLine(verdict.Summary());
        Console.WriteLine($"report: {RunReportWriter.Write(plan, summary, verdict)}");
        return (summary, verdict);
    }
}
