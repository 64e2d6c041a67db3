using System.Diagnostics;
using System.Text;
using CliWrap;
using FlowRunner.Abstractions;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Tools.Scripting;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace FlowRunner.Engine.Tools;

/// <summary>Runs a stage's external programs with CliWrap under a Polly pipeline (timeout per attempt, retries with back-off for transient failures);
/// streams their output into stage.log and appends each call to the stage's replay.sh.</summary>
public sealed class ToolRunner(string stageDirectory, IStageLog log, RetrySpec retry, IToolLocator locator) : IToolRunner
{
    private readonly object _replayLock = new();

    public async Task<ToolResult> RunAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var path = locator.Find(invocation.Tool)
            ?? throw new ToolFailedException($"'{invocation.Tool}' is not installed (not on PATH; FLOWRUNNER_TOOL_{invocation.Tool.ToUpperInvariant()} can point at it)", null);
        var workDir = invocation.WorkingDirectory ?? stageDirectory;
        AppendReplay(invocation, path, workDir);

        var transient = invocation.IsTransient ?? DefaultTransient;
        var attempts = 0;
        var builder = new ResiliencePipelineBuilder<ToolResult>();
        if (retry.Attempts > 1)
            builder.AddRetry(new RetryStrategyOptions<ToolResult>
            {
                MaxRetryAttempts = retry.Attempts - 1,
                Delay = TimeSpan.FromSeconds(retry.BackoffSeconds),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                ShouldHandle = new PredicateBuilder<ToolResult>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => !invocation.SuccessExitCodes.Contains(r.ExitCode) && transient(r)),
                OnRetry = a =>
                {
                    var why = a.Outcome.Exception is TimeoutRejectedException ? $"timed out after {retry.TimeoutSeconds:G4} s" : $"exit code {a.Outcome.Result?.ExitCode}";
                    log.Warn($"{invocation.Tool} {why}; retrying in {a.RetryDelay.TotalSeconds:G3} s (attempt {a.AttemptNumber + 2} of {retry.Attempts})");
                    return default;
                },
            });
        builder.AddTimeout(TimeSpan.FromSeconds(Math.Clamp(retry.TimeoutSeconds, 0.01, 86400)));
        var pipeline = builder.Build();

        var started = Stopwatch.StartNew();
        ToolResult result;
        try
        {
            result = await pipeline.ExecuteAsync(async token =>
            {
                attempts++;
                return await RunOnceAsync(invocation, path, workDir, token);
            }, cancellationToken);
        }
        catch (TimeoutRejectedException)
        {
            var r = new ToolResult(-1, _lastOut, _lastErr, started.Elapsed, true, attempts);
            throw new ToolFailedException($"{invocation.Tool} timed out after {retry.TimeoutSeconds:G4} s on each of {attempts} attempt(s); the process tree was killed.{Tail(r)}", r);
        }
        result = result with { Attempts = attempts };
        if (!invocation.SuccessExitCodes.Contains(result.ExitCode))
            throw new ToolFailedException($"{invocation.Tool} failed with exit code {result.ExitCode}{(attempts > 1 ? $" after {attempts} attempts" : "")}.{Tail(result)}", result);
        return result;
    }

    private string _lastOut = "";
    private string _lastErr = "";

    private async Task<ToolResult> RunOnceAsync(ToolInvocation inv, string path, string workDir, CancellationToken token)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var cmd = Cli.Wrap(path)
            .WithArguments(inv.Arguments)
            .WithWorkingDirectory(workDir)
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.Merge(PipeTarget.ToStringBuilder(stdout), PipeTarget.ToDelegate(l => log.Info($"[{inv.Tool}] {l}"))))
            .WithStandardErrorPipe(PipeTarget.Merge(PipeTarget.ToStringBuilder(stderr), PipeTarget.ToDelegate(l => log.Info($"[{inv.Tool}:err] {l}"))));
        if (inv.StandardInput is not null) cmd = cmd.WithStandardInputPipe(PipeSource.FromString(inv.StandardInput));
        if (inv.Environment is not null) cmd = cmd.WithEnvironmentVariables(inv.Environment);
        var sw = Stopwatch.StartNew();
        try
        {
            // Cancelling the token (Ctrl-C or the Polly timeout) makes CliWrap kill the process and its children.
            var r = await cmd.ExecuteAsync(token);
            return new ToolResult(r.ExitCode, stdout.ToString(), stderr.ToString(), sw.Elapsed, false, 1);
        }
        finally
        {
            _lastOut = stdout.ToString();
            _lastErr = stderr.ToString();
        }
    }

    /// <summary>Hangs (timeouts) and deaths by signal (exit code above 128: crash, abort, kill) are worth another try.</summary>
    public static bool DefaultTransient(ToolResult r) => r.TimedOut || r.ExitCode > 128;

    private static string Tail(ToolResult r)
    {
        var lines = (r.StandardOutput + "\n" + r.StandardError).Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).TakeLast(15).ToList();
        return lines.Count == 0 ? " It printed nothing." : " Last lines of its output:" + Environment.NewLine + string.Join(Environment.NewLine, lines.Select(l => "  | " + l));
    }

    private void AppendReplay(ToolInvocation inv, string path, string workDir)
    {
        var file = Path.Combine(stageDirectory, "replay.sh");
        var sb = new StringBuilder();
        lock (_replayLock)
        {
            if (!File.Exists(file))
            {
                sb.AppendLine("#!/bin/sh");
                sb.AppendLine("# Re-runs this stage's external tools by hand, outside FlowRunner, in the order FlowRunner ran them.");
                sb.AppendLine("set -e");
                sb.AppendLine("cd \"$(dirname \"$0\")\"");
            }
            sb.AppendLine(Shell.Comment($"{inv.Tool} was {path}"));
            // The stage runs in a temporary folder that is renamed into the cache when it succeeds: files inside it are named relative to
            // the folder the command runs in, so the script replays from the committed folder (or a copy of it).
            var tool = Path.IsPathRooted(inv.Tool) ? "./" + StagePaths.For(workDir, inv.Tool, stageDirectory) : inv.Tool;
            var command = string.Join(' ', new[] { tool }.Concat(inv.Arguments.Select(a => Path.IsPathRooted(a) ? StagePaths.For(workDir, a, stageDirectory) : a)).Select(Shell.Word));
            if (inv.Environment is not null)
                command = string.Join(' ', inv.Environment.Select(kv => $"{Shell.VariableName(kv.Key)}={Shell.Word(kv.Value ?? "")}")) + " " + command;
            var rel = Path.GetRelativePath(stageDirectory, workDir);
            if (rel != ".") command = $"(cd {Shell.Word(rel.StartsWith("..", StringComparison.Ordinal) ? workDir : rel)} && {command})";
            if (inv.StandardInput is not null)
                command += " " + Shell.HereDocument(inv.StandardInput);
            sb.AppendLine(command);
            File.AppendAllText(file, sb.ToString());
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
    }
}
