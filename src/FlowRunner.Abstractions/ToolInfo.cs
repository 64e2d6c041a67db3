namespace FlowRunner.Abstractions;

/// <summary>An external program an adapter needs: where it was found and which version it reported.</summary>
public sealed record ToolInfo(string Name, string? Path, string? Version)
{
    public bool Available => Path is not null;

    public static ToolInfo Missing(string name) => new(name, null, null);

    public override string ToString() => Available ? $"{Name} {Version ?? "?"} ({Path})" : $"{Name} (not found)";
}
