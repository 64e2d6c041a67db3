using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;

namespace FlowRunner.Cli.Tests;

/// <summary>The engine through the command line: exit codes, plug-ins built from source, and a run killed with SIGKILL and resumed.</summary>
public class EngineCliTests
{
    private static readonly Lazy<Task<string>> Plugin = new(BuildPluginAsync);

    /// <summary>The sample plug-in, built once for all tests.</summary>
    public static Task<string> PluginFolder() => Plugin.Value;

    /// <summary>Builds tests/fixtures/SamplePlugin into a fresh plug-in folder, as a user would with `dotnet build -o plugins/...`.</summary>
    private static async Task<string> BuildPluginAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "fr-plugins-" + Guid.NewGuid().ToString("N")[..8]);
        var r = await CliWrap.Cli.Wrap("dotnet")
            .WithArguments(["build", Path.Combine(Flowrunner.RepoRoot, "tests", "fixtures", "SamplePlugin", "SamplePlugin.csproj"), "-o", Path.Combine(folder, "SamplePlugin"), "--nologo", "-v", "q"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);
        return folder;
    }

    [Fact]
    public async Task Validate_prints_every_error_with_its_place_and_exits_2()
    {
        var ws = Flowrunner.NewWorkspace();
        File.WriteAllText(Path.Combine(ws, "r.yaml"), "name: r\nstagez: []\nstages:\n  - { id: a, kind: nosuch }\n");
        var r = await Flowrunner.RunAsync(ws, "validate", "r.yaml");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("r.yaml:2:1: unknown recipe key 'stagez'", r.StandardError);
        Assert.Contains("r.yaml:4:20: stage 'a': unknown stage kind 'nosuch'", r.StandardError);
        Assert.False(Directory.Exists(Path.Combine(ws, "runs")));
    }

    [Fact]
    public async Task A_plugin_built_from_source_appears_in_stages_and_runs_in_a_recipe()
    {
        var plugins = await Plugin.Value;
        var ws = Flowrunner.NewWorkspace();
        var stages = await Flowrunner.RunAsync(ws, "--plugins", plugins, "stages");
        Assert.Equal(0, stages.ExitCode);
        Assert.Contains("sample.greet", stages.StandardOutput);
        File.WriteAllText(Path.Combine(ws, "g.yaml"), "name: g\nstages:\n  - { id: hi, kind: sample.greet, with: { name: flowrunner } }\n");
        var run = await Flowrunner.RunAsync(ws, "--plugins", plugins, "run", "g.yaml");
        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
        var greeting = Directory.GetFiles(Path.Combine(ws, "runs", "g"), "greeting.txt", SearchOption.AllDirectories).Single();
        Assert.Equal("hello, flowrunner", File.ReadAllText(greeting));
        var again = await Flowrunner.RunAsync(ws, "--plugins", plugins, "run", "g.yaml");
        Assert.Contains("everything came from the cache", again.StandardOutput);
    }

    /// <summary>Writes k.yaml (first, then slow, which waits while the returned hold file exists, then last) and the hold file.</summary>
    public static string WriteHeldRecipe(string ws)
    {
        var hold = Path.Combine(ws, "hold");
        File.WriteAllText(hold, "");
        File.WriteAllText(Path.Combine(ws, "k.yaml"), $"""
            name: k
            stages:
              - {"{"} id: first, kind: sample.greet {"}"}
              - {"{"} id: slow, kind: sample.hold, needs: [first], with: {"{"} hold_file: "{hold}" {"}"} {"}"}
              - {"{"} id: last, kind: sample.greet, needs: [slow], with: {"{"} name: end {"}"} {"}"}
            """);
        return hold;
    }

    /// <summary>Waits until the held stage of k.yaml has started (its started.txt is in the cache's temporary folder).</summary>
    public static async Task WaitForHeldStageAsync(string ws)
    {
        var tmp = Path.Combine(ws, ".flowrunner", "cache", "tmp");
        var sw = Stopwatch.StartNew();
        while (!(Directory.Exists(tmp) && Directory.GetFiles(tmp, "started.txt", SearchOption.AllDirectories).Length > 0))
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60), "the slow stage never started");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_run_killed_with_SIGKILL_resumes_and_never_takes_a_half_written_stage_as_done()
    {
        var plugins = await Plugin.Value;
        var ws = Flowrunner.NewWorkspace();
        var hold = WriteHeldRecipe(ws);
        using var killer = new CancellationTokenSource();
        var running = Flowrunner.Command(ws, "--plugins", plugins, "run", "k.yaml").ExecuteAsync(CancellationToken.None, killer.Token);
        await WaitForHeldStageAsync(ws);
        var pid = running.ProcessId;
        Process.GetProcessById(pid).Kill(entireProcessTree: true); // SIGKILL: no chance to clean up
        Assert.NotEqual(0, (await running).ExitCode);
        Assert.False(Directory.Exists(Path.Combine(ws, "runs", "k")) && Directory.GetFiles(Path.Combine(ws, "runs", "k"), "finished.txt", SearchOption.AllDirectories).Length > 0);

        File.Delete(hold);
        var r = await Flowrunner.RunAsync(ws, "--plugins", plugins, "run", "k.yaml");
        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);
        Assert.Matches(@"cached\s+p000/first", r.StandardOutput);
        Assert.Matches(@"done\s+p000/slow", r.StandardOutput);
        Assert.Matches(@"done\s+p000/last", r.StandardOutput);
    }

    [Fact]
    public async Task A_failing_stage_makes_run_exit_1_with_the_stage_and_its_log_tail_and_bad_usage_exits_2()
    {
        var plugins = await Plugin.Value;
        var ws = Flowrunner.NewWorkspace();
        File.WriteAllText(Path.Combine(ws, "f.yaml"), "name: f\nstages:\n  - { id: bad, kind: sample.fail, with: { message: \"model.yaml:3: no such layer\" } }\n  - { id: ok, kind: sample.greet }\n");
        var r = await Flowrunner.RunAsync(ws, "--plugins", plugins, "run", "f.yaml");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("error: p000/bad (sample.fail, inprocess) failed: model.yaml:3: no such layer", r.StandardError);
        Assert.Contains("checking the input", r.StandardError);
        Assert.Matches(@"done\s+p000/ok", r.StandardOutput);
        var usage = await Flowrunner.RunAsync(ws, "--plugins", plugins, "run", "f.yaml", "--jobs", "0");
        Assert.Equal(2, usage.ExitCode);
    }
}
