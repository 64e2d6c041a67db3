using FlowRunner.Abstractions;
using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Tests.Support;
using FlowRunner.Engine.Tools;

namespace FlowRunner.Engine.Tests;

/// <summary>The CliWrap + Polly runner against real processes (sh as a stand-in tool).</summary>
public class ToolRunnerTests
{
    private sealed class ListLog : IStageLog
    {
        public List<string> Lines { get; } = new();
        public void Info(string message) { lock (Lines) Lines.Add(message); }
        public void Warn(string message) { lock (Lines) Lines.Add("WARN " + message); }
        public void Progress(double fraction, string status) { }
    }

    private static (ToolRunner Runner, ListLog Log, string Dir) Make(RetrySpec retry)
    {
        var dir = Path.Combine(Path.GetTempPath(), "fr-tool-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var log = new ListLog();
        return (new ToolRunner(dir, log, retry, new ToolLocator()), log, dir);
    }

    [Fact]
    public async Task Output_is_captured_logged_and_a_replay_script_reruns_it()
    {
        var (runner, log, dir) = Make(new RetrySpec(1, 0, 30));
        var r = await runner.RunAsync(new ToolInvocation("sh", ["-c", "cat; echo \"arg with 'quotes' $0\"", "zero"]) { StandardInput = "from stdin\n" }, CancellationToken.None);
        Assert.Equal("from stdin\narg with 'quotes' zero\n", r.StandardOutput);
        Assert.Contains("[sh] from stdin", log.Lines);
        var replay = await CliWrap.Cli.Wrap("sh").WithArguments([Path.Combine(dir, "replay.sh")]).WithValidation(CliWrap.CommandResultValidation.None)
            .ExecuteBufferedAsyncOutput();
        Assert.Equal(r.StandardOutput, replay);
    }

    [Fact]
    public async Task A_plain_failure_is_not_retried_and_reports_the_output_tail()
    {
        var (runner, log, _) = Make(new RetrySpec(3, 0, 30));
        var e = await Assert.ThrowsAsync<ToolFailedException>(() =>
            runner.RunAsync(new ToolInvocation("sh", ["-c", "echo 'ERROR: syntax error in foo.v:3'; exit 1"]), CancellationToken.None));
        Assert.Contains("exit code 1", e.Message);
        Assert.Contains("syntax error in foo.v:3", e.Message);
        Assert.DoesNotContain(log.Lines, l => l.StartsWith("WARN", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_crash_is_retried_with_backoff_until_it_succeeds()
    {
        var (runner, log, dir) = Make(new RetrySpec(3, 0.01, 30));
        // Dies by SIGKILL the first two times (exit 137), succeeds the third.
        var script = "n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; [ $n -ge 3 ] || kill -9 $$; echo ok";
        var r = await runner.RunAsync(new ToolInvocation("sh", ["-c", script]), CancellationToken.None);
        Assert.Equal(3, r.Attempts);
        Assert.Equal("3", File.ReadAllText(Path.Combine(dir, "count")).Trim());
        Assert.Equal(2, log.Lines.Count(l => l.Contains("retrying")));
    }

    [Fact]
    public async Task A_hang_is_killed_with_its_children_after_the_timeout_on_every_attempt()
    {
        var (runner, _, dir) = Make(new RetrySpec(2, 0, 1));
        var e = await Assert.ThrowsAsync<ToolFailedException>(() => runner.RunAsync(
            new ToolInvocation("sh", ["-c", "sleep 60 & echo $! >> child.pids; wait"]), CancellationToken.None));
        Assert.Contains("timed out", e.Message);
        Assert.Contains("2 attempt", e.Message);
        var pids = File.ReadAllLines(Path.Combine(dir, "child.pids")).Select(int.Parse).ToList();
        Assert.Equal(2, pids.Count);
        await Task.Delay(200);
        foreach (var pid in pids) Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z "), $"child {pid} still alive");
    }

    [Fact]
    public async Task A_missing_tool_is_a_clear_error()
    {
        var (runner, _, _) = Make(RetrySpec.Default);
        var e = await Assert.ThrowsAsync<ToolFailedException>(() => runner.RunAsync(new ToolInvocation("no-such-tool-xyz", []), CancellationToken.None));
        Assert.Contains("'no-such-tool-xyz' is not installed", e.Message);
    }

    [Fact]
    public async Task Stages_get_the_recipe_retry_block_and_a_stage_override()
    {
        using var ws = new Workspace();
        var f = ws.Write("t.yaml", """
            name: t
            retry: { attempts: 1, backoff_s: 0, timeout_s: 30 }
            stages:
              - id: flaky
                kind: test.shell
                retry: { attempts: 4 }
                with: { transient: true, script: "n=$(cat /tmp/$PPID.x 2>/dev/null || echo 0); echo $((n+1)) > n; [ -f seen ] && echo ok && exit 0; touch seen; exit 3" }
            """);
        var s = await ws.RunAsync(f);
        Assert.Equal(0, s.ExitCode);
        Assert.Contains(s.Stages[0].Metrics, m => m.Name == "attempts" && m.Value == 2);
        Assert.True(File.Exists(Path.Combine(s.RunDirectory, "p000", "flaky", "replay.sh")));
    }
}

internal static class CliWrapExtensions
{
    public static async Task<string> ExecuteBufferedAsyncOutput(this CliWrap.Command c) =>
        (await CliWrap.Buffered.BufferedCommandExtensions.ExecuteBufferedAsync(c)).StandardOutput;
}
