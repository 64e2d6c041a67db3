using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Schedules;
using Quartz;

namespace FlowRunner.Cli.Scheduling;

/// <summary>The scheduled recipes of a folder, and their registration as Quartz jobs with cron triggers.</summary>
internal static class RecipeSchedules
{
    public const string Group = "recipes";

    /// <summary>Every recipe file in the folder (and below) with a `schedule:` block, with the problems of those that cannot be read.</summary>
    public static (List<(Recipe Recipe, ScheduleSpec Schedule)> Scheduled, List<string> Problems) Find(string folder)
    {
        var scheduled = new List<(Recipe, ScheduleSpec)>();
        var problems = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var errors = new List<RecipeError>();
            Recipe? recipe;
            try
            {
                recipe = RecipeLoader.Load(file, null, errors);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add($"{file}: {e.Message}");
                continue;
            }
            if (recipe?.Schedule is null) continue; // not a recipe, or not scheduled
            var spec = ScheduleSpec.From(recipe.Schedule, errors);
            if (errors.Count > 0 || spec is null) { problems.AddRange(errors.Select(e => e.ToString())); continue; }
            if (spec.Enabled) scheduled.Add((recipe, spec));
        }
        return (scheduled, problems);
    }

    /// <summary>Adds or updates each recipe's job; a trigger whose cron and policy did not change is kept, so a missed fire time is still seen as missed.</summary>
    public static async Task RegisterAsync(IScheduler scheduler, IEnumerable<(Recipe Recipe, ScheduleSpec Schedule)> recipes, CancellationToken ct)
    {
        var wanted = new HashSet<JobKey>();
        foreach (var (recipe, spec) in recipes)
        {
            var key = new JobKey(recipe.Name, Group);
            wanted.Add(key);
            var triggerKey = new TriggerKey(recipe.Name, Group);
            var description = $"{spec.Cron}|{spec.Misfire}|{spec.TimeZone.Id}|{recipe.File}|{string.Join("\n", spec.Set)}";
            if (await scheduler.GetTrigger(triggerKey, ct) is { } existing && existing.Description == description) continue;
            var job = JobBuilder.Create<RecipeJob>().WithIdentity(key).StoreDurably()
                .UsingJobData(RecipeJob.RecipeKey, recipe.File).UsingJobData(RecipeJob.SetKey, string.Join("\n", spec.Set)).Build();
            var trigger = TriggerBuilder.Create().WithIdentity(triggerKey).ForJob(key).WithDescription(description)
                .WithCronSchedule(spec.Cron, c =>
                {
                    c.InTimeZone(spec.TimeZone);
                    c.WithMisfireInstruction(spec.Misfire == MisfirePolicy.RunOnce ? CronTriggerMisfireInstruction.FireAndProceed : CronTriggerMisfireInstruction.DoNothing);
                })
                .Build();
            await scheduler.ScheduleJob(job, [trigger], ScheduleJobOptions.Replacing, ct);
        }
        foreach (var stale in (await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(Group), ct)).Where(k => !wanted.Contains(k)))
            await scheduler.DeleteJob(stale, ct);
    }
}
