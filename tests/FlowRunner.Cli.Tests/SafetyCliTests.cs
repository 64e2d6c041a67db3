using System.Diagnostics;
using CliWrap.Buffered;

namespace FlowRunner.Cli.Tests;

/// <summary>Failures a user can cause end in one line and exit 2 or 1, never a stack trace; killed runs are shown as interrupted (issue 16).</summary>
public class SafetyCliTests
{
    private static void OneLineNoTrace(BufferedCommandResult r, string names)
    {
        Assert.DoesNotContain("   at ", r.StandardError + r.StandardOutput);
        Assert.DoesNotContain("Exception", r.StandardError);
        var lines = r.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, r.StandardError);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(names, lines[0]);
    }

    [Fact]
    public async Task A_workspace_that_cannot_be_written_is_a_usage_error_naming_it()
    {
        var ws = Flowrunner.NewWorkspace();
        var file = Path.Combine(ws, "not-a-folder");
        File.WriteAllText(file, "");
        File.WriteAllText(Path.Combine(ws, "r.yaml"), "name: r\nstages:\n  - { id: a, kind: report }\n");
        var r = await Flowrunner.Command(ws, "run", "r.yaml").WithArguments(["exec", Flowrunner.Dll, "--workspace", file, "run", "r.yaml"]).ExecuteBufferedAsync();
        Assert.Equal(2, r.ExitCode);
        OneLineNoTrace(r, $"--workspace {file}");
    }

    [Fact]
    public async Task A_results_store_that_cannot_be_opened_is_one_line_naming_it_with_the_details_in_a_log()
    {
        var ws = Flowrunner.NewWorkspace();
        Directory.CreateDirectory(Path.Combine(ws, ".flowrunner"));
        File.WriteAllText(Path.Combine(ws, ".flowrunner", "results.db"), "this is not a database, it is long enough to be read as a header of one");
        var r = await Flowrunner.RunAsync(ws, "results");
        Assert.Equal(1, r.ExitCode);
        OneLineNoTrace(r, "results.db");
        var log = System.Text.RegularExpressions.Regex.Match(r.StandardError, @"details: (\S+)\)").Groups[1].Value;
        Assert.Contains(".flowrunner/logs/", log);
        Assert.Contains("SqliteException", File.ReadAllText(log));
    }

    [Fact]
    public async Task Floorplan_bench_into_a_missing_folder_is_a_usage_error_naming_the_option()
    {
        var ws = Flowrunner.NewWorkspace();
        var r = await Flowrunner.RunAsync(ws, "floorplan", "bench", Path.Combine(Flowrunner.RepoRoot, "flows", "floorplan-benchmarks", "ami33"), "--svg", "/missing/dir/x.svg");
        Assert.Equal(2, r.ExitCode);
        OneLineNoTrace(r, "--svg /missing/dir/x.svg");
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../../victim")]
    [InlineData("/tmp/fr-abs")]
    public async Task A_run_id_that_leaves_runs_is_a_usage_error(string runId)
    {
        var ws = Flowrunner.NewWorkspace();
        File.WriteAllText(Path.Combine(ws, "r.yaml"), "name: r\nstages:\n  - { id: a, kind: model.train }\n");
        var r = await Flowrunner.RunAsync(ws, "run", "r.yaml", "--run-id", runId);
        Assert.Equal(2, r.ExitCode);
        OneLineNoTrace(r, "--run-id");
        Assert.False(Directory.Exists(Path.Combine(ws, "runs")));
    }

    [Fact]
    public async Task Stage_options_print_list_defaults_as_lists()
    {
        var ws = Flowrunner.NewWorkspace();
        var r = await Flowrunner.RunAsync(ws, "stages", "accuracy.sweep", "--options");
        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain("System.", r.StandardOutput);
        Assert.Matches(@"int_bits\s+list\s+\[1, 2", r.StandardOutput);
    }

    [Fact]
    public async Task A_killed_run_is_interrupted_its_point_incomplete_and_the_same_command_completes_it()
    {
        var plugins = await EngineCliTests.PluginFolder();
        var ws = Flowrunner.NewWorkspace();
        var hold = EngineCliTests.WriteHeldRecipe(ws);
        string[] run = ["--plugins", plugins, "run", "k.yaml", "--run-id", "night"];
        var running = Flowrunner.Command(ws, run).ExecuteAsync();
        await EngineCliTests.WaitForHeldStageAsync(ws);
        var live = await Flowrunner.RunAsync(ws, "results", "--runs");
        Assert.Matches(@"night.*running", live.StandardOutput);
        Process.GetProcessById(running.ProcessId).Kill(entireProcessTree: true);
        Assert.NotEqual(0, (await running).ExitCode);

        var runs = await Flowrunner.RunAsync(ws, "results", "--runs");
        Assert.Matches(@"night.*interrupted", runs.StandardOutput);
        var csv = await Flowrunner.RunAsync(ws, "results", "--run", "night", "--format", "csv");
        Assert.Contains("night,p000,incomplete", csv.StandardOutput);
        var best = await Flowrunner.RunAsync(ws, "best", "night");
        Assert.Equal(1, best.ExitCode);
        Assert.Contains("p000", best.StandardError);
        Assert.Contains("incomplete", best.StandardError);

        File.Delete(hold);
        var again = await Flowrunner.RunAsync(ws, run);
        Assert.True(again.ExitCode == 0, again.StandardOutput + again.StandardError);
        Assert.Matches(@"cached\s+p000/first", again.StandardOutput);
        Assert.Matches(@"done\s+p000/slow", again.StandardOutput);
        Assert.Matches(@"night.*succeeded", (await Flowrunner.RunAsync(ws, "results", "--runs")).StandardOutput);
        Assert.Contains("night,p000,ok", (await Flowrunner.RunAsync(ws, "results", "--run", "night", "--format", "csv")).StandardOutput);
        Assert.Contains("\"status\": \"succeeded\"", File.ReadAllText(Path.Combine(ws, "runs", "k", "night", "run.json")));
    }
}
