namespace FlowRunner.Engine.Execution;

/// <summary>run.json: the resolved recipe, the design points, every stage's status and timing, tool versions and provenance.</summary>
public sealed record RunManifest
{
    public required string RunId { get; init; }
    public required string Recipe { get; init; }
    public required string RecipeFile { get; init; }
    public required string Status { get; init; }
    public required string FlowRunnerVersion { get; init; }
    public required string Host { get; init; }
    public required string Os { get; init; }
    public required string DotnetVersion { get; init; }
    public required string CommandLine { get; init; }
    public required DateTimeOffset Started { get; init; }
    public DateTimeOffset? Ended { get; init; }
    public double? DurationSeconds { get; init; }
    public int Jobs { get; init; }
    public string? TechFile { get; init; }

    /// <summary>The recipe after `extends:`, `--set` and defaults, as plain values.</summary>
    public required object? Resolved { get; init; }
    public required IReadOnlyList<PointManifest> Points { get; init; }
}

/// <summary>One design point in run.json: its parameters and its stages.</summary>
public sealed record PointManifest(string Id, string Label, IReadOnlyDictionary<string, object?> Params, IReadOnlyList<StageRecord> Stages);
