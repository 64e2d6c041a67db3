using System.Diagnostics;
using System.Text;
using CliWrap;
using Microsoft.Data.Sqlite;

namespace FlowRunner.Cli.Tests;

/// <summary>The Quartz schedule service for real: persistent SQLite job store, a missed fire time run once at start, clean stop on SIGTERM.</summary>
public class ScheduleCliTests
{
    [Fact]
    public async Task List_prints_the_next_fire_times_and_bad_cron_is_an_error_with_its_place()
    {
        var ws = Flowrunner.NewWorkspace();
        Directory.CreateDirectory(Path.Combine(ws, "flows"));
        File.WriteAllText(Path.Combine(ws, "flows", "n.yaml"), "name: n\nstages: []\nschedule: { cron: \"0 30 2 * * ?\" }\n");
        var r = await Flowrunner.RunAsync(ws, "schedule", "--list", "--count", "2");
        Assert.Equal(0, r.ExitCode);
        Assert.True(2 == r.StandardOutput.Split('\n').Count(l => l.Contains("02:30:00")), r.StandardOutput + r.StandardError);

        File.WriteAllText(Path.Combine(ws, "flows", "bad.yaml"), "name: bad\nstages: []\nschedule:\n  cron: \"0 99 2 * * ?\"\n");
        var bad = await Flowrunner.RunAsync(ws, "schedule", "--list");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("bad.yaml:4:9: cron '0 99 2 * * ?'", bad.StandardError);
    }

    [Fact]
    public async Task A_missed_nightly_run_fires_once_at_start_and_SIGTERM_stops_the_service_cleanly()
    {
        var plugins = await EngineCliTests.PluginFolder();
        var ws = Flowrunner.NewWorkspace();
        Directory.CreateDirectory(Path.Combine(ws, "flows"));
        File.WriteAllText(Path.Combine(ws, "flows", "n.yaml"),
            "name: nightly\nstages:\n  - { id: g, kind: sample.greet, with: { name: night } }\nschedule: { cron: \"0 0 2 * * ?\", misfire: run-once }\n");

        // First start registers the job in the persistent store; nothing is due.
        var (code1, out1) = await RunServiceUntil(ws, plugins, o => o.Contains("nightly: next"));
        Assert.True(code1 == 0, out1);
        Assert.Contains("schedule: stopped", out1);
        Assert.False(Directory.Exists(Path.Combine(ws, "runs", "nightly")));

        // The machine was off at 02:00: the stored next fire time is an hour in the past.
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(ws, ".flowrunner", "schedule.db")};Pooling=False"))
        {
            await db.OpenAsync();
            var cmd = db.CreateCommand();
            cmd.CommandText = "UPDATE QRTZ_TRIGGERS SET NEXT_FIRE_TIME = $t WHERE TRIGGER_NAME = 'nightly'";
            cmd.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.AddHours(-1).UtcTicks);
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }

        var (code2, out2) = await RunServiceUntil(ws, plugins, o => o.Contains("schedule: nightly succeeded"));
        Assert.True(code2 == 0, out2);
        Assert.Contains("missed fire time", out2);
        Assert.Single(Directory.GetDirectories(Path.Combine(ws, "runs", "nightly")));
        Assert.Equal("hello, night", File.ReadAllText(Directory.GetFiles(Path.Combine(ws, "runs", "nightly"), "greeting.txt", SearchOption.AllDirectories).Single()));
    }

    /// <summary>Starts `flowrunner schedule`, waits until its output satisfies the condition, sends SIGTERM, and returns the exit code and output.</summary>
    private static async Task<(int Code, string Output)> RunServiceUntil(string ws, string plugins, Func<string, bool> condition)
    {
        var output = new StringBuilder();
        var task = Flowrunner.Command(ws, "--plugins", plugins, "schedule", "--recipes", Path.Combine(ws, "flows"))
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output)).WithStandardErrorPipe(PipeTarget.ToStringBuilder(output))
            .ExecuteAsync();
        var sw = Stopwatch.StartNew();
        while (!condition(Snapshot(output)))
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(90) && !task.Task.IsCompleted, "the service never reached the expected state:\n" + Snapshot(output));
            await Task.Delay(100);
        }
        using (var kill = Process.Start("kill", ["-TERM", task.ProcessId.ToString()])) await kill!.WaitForExitAsync();
        var result = await task;
        return (result.ExitCode, Snapshot(output));
    }

    private static string Snapshot(StringBuilder sb)
    {
        lock (sb) return sb.ToString();
    }
}
