using FlowRunner.Cli.Running;
using FlowRunner.Cli.Terminal;
using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Registry;
using Quartz;

namespace FlowRunner.Cli.Scheduling;

/// <summary>The Quartz job that runs one recipe at its scheduled time; never two at once for the same recipe.</summary>
[DisallowConcurrentExecution]
internal sealed class RecipeJob(StageRegistry registry, ScheduleSettings settings) : IJob
{
    public const string RecipeKey = "recipe";
    public const string SetKey = "set";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var file = context.MergedJobDataMap.GetString(RecipeKey)!;
        var sets = (context.MergedJobDataMap.GetString(SetKey) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var late = context.ScheduledFireTimeUtc is { } s ? DateTimeOffset.UtcNow - s : TimeSpan.Zero;
        Console.WriteLine($"[{DateTime.Now:yyyy-MM-dd HH:mm:ss}] schedule: running {file}" + (late > TimeSpan.FromMinutes(1) ? $" (missed fire time {context.ScheduledFireTimeUtc:u}, run now)" : ""));
        try
        {
            // The recipe is read at each fire, so edits between nights take effect without restarting the service.
            var plan = RunPlanner.PlanFile(file, sets, registry, new Engine.Paths.ReadPolicy(settings.Workspace, []));
            var options = new ExecutorOptions { Workspace = settings.Workspace, Jobs = settings.Jobs, CommandLine = $"flowrunner schedule ({file})" };
            var (summary, verdict) = await RecipeRun.ExecuteAsync(plan, options, new RunProgress(ProgressMode.Plain),
                (o, opts, c) => new Executor(registry, opts, o).RunAsync(plan, c), cancellationToken);
            Console.WriteLine($"schedule: {plan.Recipe.Name} {summary.Status}, regression {verdict.Verdict}");
        }
        catch (RecipeException e)
        {
            Console.Error.WriteLine($"schedule: {file} cannot run:{Environment.NewLine}{e.Message}");
        }
    }
}

/// <summary>Settings the scheduled runs share: the workspace and how many stages run at once.</summary>
internal sealed record ScheduleSettings(string Workspace, int Jobs);
