namespace FlowRunner.Abstractions;

/// <summary>The finished outputs of an upstream stage, as a downstream stage sees them.</summary>
public sealed class StageOutput(string stageId, string kind, string adapter, string directory,
    IReadOnlyList<Metric> metrics, IReadOnlyList<Artifact> artifacts)
{
    public string StageId { get; } = stageId;
    public string Kind { get; } = kind;
    public string Adapter { get; } = adapter;

    /// <summary>The stage's folder; read-only for everyone but its own stage.</summary>
    public string Directory { get; } = directory;
    public IReadOnlyList<Metric> Metrics { get; } = metrics;
    public IReadOnlyList<Artifact> Artifacts { get; } = artifacts;

    /// <summary>Absolute path of the named artifact; a clear error when the stage did not write it.</summary>
    public string ArtifactPath(string name)
    {
        var a = Artifacts.FirstOrDefault(x => x.Name == name)
            ?? throw new StageFailedException($"stage '{StageId}' ({Kind}) has no artifact '{name}'; it has: {string.Join(", ", Artifacts.Select(x => x.Name))}");
        return Path.Combine(Directory, a.RelativePath);
    }

    public bool HasArtifact(string name) => Artifacts.Any(x => x.Name == name);

    public double? Metric(string name) => Metrics.FirstOrDefault(m => m.Name == name)?.Value;
}
