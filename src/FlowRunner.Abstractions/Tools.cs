namespace FlowRunner.Abstractions;

/// <summary>Finds external programs: an override from the environment (FLOWRUNNER_TOOL_&lt;NAME&gt;) or the PATH.</summary>
public interface IToolLocator
{
    /// <summary>The full path of the program, or null when it is not installed.</summary>
    string? Find(string name);

    /// <summary>Runs the program with the given arguments and returns the first non-empty output line, for version probes.</summary>
    Task<string?> VersionAsync(string name, IReadOnlyList<string> arguments, CancellationToken cancellationToken);
}

/// <summary>One call of an external program: arguments as a list, never a shell string.</summary>
public sealed record ToolInvocation(string Tool, IReadOnlyList<string> Arguments)
{
    /// <summary>Working directory; the stage folder when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Text fed to standard input.</summary>
    public string? StandardInput { get; init; }

    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    /// <summary>Decides whether a failed call is worth retrying (a crash or a hang usually is; a syntax error is not). Default: timeouts and deaths by signal.</summary>
    public Func<ToolResult, bool>? IsTransient { get; init; }

    /// <summary>Exit codes that count as success; default only 0.</summary>
    public IReadOnlyList<int> SuccessExitCodes { get; init; } = [0];
}

/// <summary>What an external program did: exit code, its whole output, how long it took and whether it was killed for taking too long.</summary>
public sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Duration, bool TimedOut, int Attempts);

/// <summary>Runs external programs for a stage through CliWrap under the recipe's retry and timeout policy, logging into stage.log and replay.sh.</summary>
public interface IToolRunner
{
    /// <summary>Runs the tool; throws <see cref="ToolFailedException"/> with the log tail when it fails after its retries.</summary>
    Task<ToolResult> RunAsync(ToolInvocation invocation, CancellationToken cancellationToken);
}

/// <summary>An external tool failed, crashed or hung on every attempt; the message carries the tail of its output.</summary>
public sealed class ToolFailedException(string message, ToolResult? result) : StageFailedException(message)
{
    public ToolResult? Result { get; } = result;
}
