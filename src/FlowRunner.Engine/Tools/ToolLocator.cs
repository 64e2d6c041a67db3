using System.Collections.Concurrent;
using CliWrap;
using CliWrap.Buffered;
using FlowRunner.Abstractions;

namespace FlowRunner.Engine.Tools;

/// <summary>Finds external programs: FLOWRUNNER_TOOL_&lt;NAME&gt; (e.g. FLOWRUNNER_TOOL_YOSYS=/opt/yosys/bin/yosys) first, then the PATH.</summary>
public sealed class ToolLocator : IToolLocator
{
    private readonly ConcurrentDictionary<string, string?> _found = new();

    public string? Find(string name) => _found.GetOrAdd(name, Search);

    private static string? Search(string name)
    {
        var env = Environment.GetEnvironmentVariable("FLOWRUNNER_TOOL_" + name.ToUpperInvariant().Replace('-', '_').Replace('.', '_'));
        if (!string.IsNullOrEmpty(env)) return File.Exists(env) ? Path.GetFullPath(env) : null;
        if (name.Contains(Path.DirectorySeparatorChar)) return File.Exists(name) ? Path.GetFullPath(name) : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var f = Path.Combine(dir, name);
            if (File.Exists(f) && IsExecutable(f)) return f;
        }
        return null;
    }

    private static bool IsExecutable(string f) =>
        OperatingSystem.IsWindows() || (File.GetUnixFileMode(f) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    public async Task<string?> VersionAsync(string name, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var path = Find(name);
        if (path is null) return null;
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(20));
            var r = await Cli.Wrap(path).WithArguments(arguments).WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(cts.Token);
            return (r.StandardOutput + "\n" + r.StandardError).Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
        }
        catch (Exception e) when (e is OperationCanceledException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return "unknown (version probe failed)";
        }
    }

    /// <summary>A probe result for one tool: found or missing, with the version line when found.</summary>
    public static async Task<ToolInfo> ProbeAsync(IToolLocator locator, string name, IReadOnlyList<string> versionArguments, CancellationToken ct)
    {
        var path = locator.Find(name);
        return path is null ? ToolInfo.Missing(name) : new ToolInfo(name, path, await locator.VersionAsync(name, versionArguments, ct));
    }
}
