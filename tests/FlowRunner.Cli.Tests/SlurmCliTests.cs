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
}
