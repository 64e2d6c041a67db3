using System.CommandLine;
using FlowRunner.Cli.Scheduling;
using FlowRunner.Engine.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;
using Spectre.Console;

namespace FlowRunner.Cli.Commands;

/// <summary>`flowrunner schedule`: the nightly service. Runs every recipe with a `schedule:` at its cron times (Quartz, persistent SQLite
/// job store), never two runs of one recipe at once, missed fire times run once at start; stops cleanly on SIGTERM.</summary>
internal static class ScheduleCommand
{
    public static Command Create()
    {
        var recipes = new Option<string>("--recipes") { Description = "Folder of recipes to schedule (searched recursively)", DefaultValueFactory = _ => "flows" };
        var list = new Option<bool>("--list") { Description = "Print each scheduled recipe's next fire times and exit" };
        var count = new Option<int>("--count") { Description = "How many fire times --list prints", DefaultValueFactory = _ => 3 };
        var store = new Option<string?>("--store") { Description = "Quartz job store (SQLite file); default .flowrunner/schedule.db in the workspace" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Stages run at once within a scheduled run", DefaultValueFactory = _ => Environment.ProcessorCount };
        var cmd = new Command("schedule", "Run scheduled recipes as a service (Quartz); --list shows the next fire times.") { recipes, list, count, store, jobs };
        cmd.SetAction(async (r, ct) =>
        {
            var folder = Path.GetFullPath(r.GetValue(recipes)!);
            if (!Directory.Exists(folder)) return Terminal.ErrorReport.Usage($"--recipes: folder {folder} does not exist");
            var (scheduled, problems) = RecipeSchedules.Find(folder);
            foreach (var p in problems) Console.Error.WriteLine($"error: {p}");
            if (r.GetValue(list))
            {
                var t = new Table().Border(TableBorder.Rounded).AddColumns("recipe", "cron", "misfire", "next fire times");
                foreach (var (recipe, spec) in scheduled)
                    t.AddRow(Markup.Escape(recipe.Name), Markup.Escape(spec.Cron), spec.Misfire == Engine.Schedules.MisfirePolicy.RunOnce ? "run-once" : "skip",
                        Markup.Escape(string.Join("\n", spec.NextFireTimes(DateTimeOffset.Now, r.GetValue(count)).Select(x => x.ToString("yyyy-MM-dd HH:mm:ss zzz")))));
                AnsiConsole.Write(t);
                return problems.Count > 0 ? 2 : 0;
            }
            if (scheduled.Count == 0) return Terminal.ErrorReport.Usage($"no recipe in {folder} has a `schedule:` block");

            var workspace = GlobalOptions.WorkspaceOf(r);
            var db = Path.GetFullPath(r.GetValue(store) ?? Path.Combine(workspace, ".flowrunner", "schedule.db"));
            Directory.CreateDirectory(Path.GetDirectoryName(db)!);
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(30));
            using var services = GlobalOptions.Services(r);
            builder.Services.AddSingleton(GlobalOptions.Registry(services));
            builder.Services.AddSingleton(new ScheduleSettings(workspace, r.GetValue(jobs)));
            builder.Services.AddQuartz(q =>
            {
                q.UsePersistentStore(s =>
                {
                    s.UseSqlite($"Data Source={db}");
                    s.UseSystemTextJsonSerializer();
                    s.ProvisionSchema();
                    // A fire time missed by more than this (machine off, service stopped) counts as missed.
                    s.ConfigureStore(o => o.MisfireThreshold = TimeSpan.FromSeconds(30));
                });
            });
            builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
            using var host = builder.Build();
            await host.StartAsync(ct);
            var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(ct);
            await RecipeSchedules.RegisterAsync(scheduler, scheduled, ct);
            Console.WriteLine($"schedule: {scheduled.Count} recipe(s) from {folder}; job store {db}; Ctrl-C or SIGTERM stops after the runs in flight");
            foreach (var (recipe, _) in scheduled)
                if (await scheduler.GetTrigger(new TriggerKey(recipe.Name, RecipeSchedules.Group), ct) is { } tr)
                    Console.WriteLine($"  {recipe.Name}: next {tr.NextFireTimeUtc?.ToLocalTime():yyyy-MM-dd HH:mm:ss}");
            await host.WaitForShutdownAsync(CancellationToken.None);
            Console.WriteLine("schedule: stopped");
            return 0;
        });
        return cmd;
    }
}
