using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;

namespace FlowRunner.Cli.Tests;

/// <summary>A sweep through a real local Slurm: a job array, one design point per task, results merged into run.json and the results store.</summary>
public class SlurmCliTests(SlurmCluster cluster) : IClassFixture<SlurmCluster>
{
    [Fact]
    public async Task A_sweep_runs_as_a_Slurm_job_array_and_a_failing_point_is_resubmitted_then_reported()
    {
        var plugins = await EngineCliTests.PluginFolder();
        var ws = Flowrunner.NewWorkspace();
        File.WriteAllText(Path.Combine(ws, "s.yaml"), """
            name: sl
            params: { who: "a" }
            retry: { attempts: 2, backoff_s: 0, timeout_s: 60 }
            stages:
              - { id: g, kind: sample.greet, with: { name: "${params.who}" } }
            sweep:
              list: [{ who: "ab" }, { who: "abc" }, { who: "abcd" }]
            """);
        var r = await Flowrunner.Command(ws, "--plugins", plugins, "run", "s.yaml", "--executor", "slurm")
            .WithEnvironmentVariables(e => e.Set("CI", "true").Set("SLURM_CONF", cluster.Config)).ExecuteBufferedAsync();
        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);
        var runDir = Directory.GetDirectories(Path.Combine(ws, "runs", "sl")).Single();
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "run.json")));
        Assert.Equal("succeeded", manifest.RootElement.GetProperty("status").GetString());
        Assert.Equal(3, manifest.RootElement.GetProperty("points").GetArrayLength());
        Assert.Equal("hello, abcd", File.ReadAllText(Path.Combine(runDir, "p002", "g", "greeting.txt")));
        Assert.Contains("sbatch", File.ReadAllText(Path.Combine(runDir, "slurm", "replay.sh")));
        var results = await Flowrunner.RunAsync(ws, "results", "--run", "sl", "--format", "csv");
        Assert.Equal(4, results.StandardOutput.Trim().Split('\n').Length);

        File.WriteAllText(Path.Combine(ws, "f.yaml"), "name: slf\nretry: { attempts: 2, backoff_s: 0 }\nparams: { m: x }\nstages:\n  - { id: b, kind: sample.fail, with: { message: \"${params.m}\" } }\nsweep:\n  list: [{ m: boom }]\n");
        var f = await Flowrunner.Command(ws, "--plugins", plugins, "run", "f.yaml", "--executor", "slurm")
            .WithEnvironmentVariables(e => e.Set("CI", "true").Set("SLURM_CONF", cluster.Config)).ExecuteBufferedAsync();
        Assert.Equal(1, f.ExitCode);
        Assert.Contains("failed: boom", f.StandardError);
        var log = File.ReadAllText(Path.Combine(Directory.GetDirectories(Path.Combine(ws, "runs", "slf")).Single(), "slurm", "controller.log"));
        Assert.Contains("attempt 2", log);
    }

    [Fact]
    public async Task Points_per_task_runs_consecutive_points_in_one_task_and_a_failed_task_is_resubmitted_whole()
    {
        var plugins = await EngineCliTests.PluginFolder();
        var ws = Flowrunner.NewWorkspace();
        File.WriteAllText(Path.Combine(ws, "b.yaml"), """
            name: sb
            params: { who: "a" }
            stages:
              - { id: g, kind: sample.greet, with: { name: "${params.who}" } }
            sweep:
              list: [{ who: "p0" }, { who: "p1" }, { who: "p2" }]
            """);
        var r = await Flowrunner.Command(ws, "--plugins", plugins, "run", "b.yaml", "--executor", "slurm", "--points-per-task", "2")
            .WithEnvironmentVariables(e => e.Set("CI", "true").Set("SLURM_CONF", cluster.Config)).ExecuteBufferedAsync();
        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);
        var runDir = Directory.GetDirectories(Path.Combine(ws, "runs", "sb")).Single();
        var slurm = Path.Combine(runDir, "slurm");
        // Two array tasks (p000 + p001, then p002), each with one output and one manifest named after its first point.
        Assert.True(File.Exists(Path.Combine(slurm, "0.out")) && File.Exists(Path.Combine(slurm, "1.out")));
        Assert.False(File.Exists(Path.Combine(slurm, "2.out")));
        Assert.True(File.Exists(Path.Combine(runDir, "run.p000.json")) && File.Exists(Path.Combine(runDir, "run.p002.json")));
        Assert.False(File.Exists(Path.Combine(runDir, "run.p001.json")));
        Assert.Contains("array tasks 0,1 (2 points a task)", File.ReadAllText(Path.Combine(slurm, "controller.log")));
        for (var i = 0; i < 3; i++) Assert.Equal($"hello, p{i}", File.ReadAllText(Path.Combine(runDir, $"p00{i}", "g", "greeting.txt")));
        using (var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "run.json"))))
        {
            Assert.Equal("succeeded", manifest.RootElement.GetProperty("status").GetString());
            Assert.Equal(3, manifest.RootElement.GetProperty("points").GetArrayLength());
        }
        var results = await Flowrunner.RunAsync(ws, "results", "--run", "sb", "--format", "csv");
        Assert.Equal(4, results.StandardOutput.Trim().Split('\n').Length);

        // A task whose points fail is submitted again as a whole, and every point's failure is reported.
        File.WriteAllText(Path.Combine(ws, "f.yaml"), "name: sbf\nretry: { attempts: 2, backoff_s: 0 }\nparams: { m: x }\nstages:\n  - { id: b, kind: sample.fail, with: { message: \"${params.m}\" } }\nsweep:\n  list: [{ m: boom0 }, { m: boom1 }]\n");
        var f = await Flowrunner.Command(ws, "--plugins", plugins, "run", "f.yaml", "--executor", "slurm", "--points-per-task", "2")
            .WithEnvironmentVariables(e => e.Set("CI", "true").Set("SLURM_CONF", cluster.Config)).ExecuteBufferedAsync();
        Assert.Equal(1, f.ExitCode);
        Assert.Contains("failed: boom0", f.StandardError);
        Assert.Contains("failed: boom1", f.StandardError);
        var log = File.ReadAllText(Path.Combine(Directory.GetDirectories(Path.Combine(ws, "runs", "sbf")).Single(), "slurm", "controller.log"));
        Assert.Contains("attempt 2: job", log);
        Assert.Contains("with array tasks 0 (2 points a task)", log);

        var bad = await Flowrunner.Command(ws, "--plugins", plugins, "run", "b.yaml", "--executor", "slurm", "--points-per-task", "0")
            .WithEnvironmentVariables(e => e.Set("CI", "true").Set("SLURM_CONF", cluster.Config)).ExecuteBufferedAsync();
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--points-per-task must be at least 1", bad.StandardError);
    }
}
