namespace FlowRunner.Abstractions;

/// <summary>What an adapter returns: its metrics and the artifacts it wrote.</summary>
public sealed record StageResult(IReadOnlyList<Metric> Metrics, IReadOnlyList<Artifact> Artifacts)
{
    public static StageResult Empty { get; } = new(Array.Empty<Metric>(), Array.Empty<Artifact>());
}

/// <summary>A stage failure with a message meant for the user (file and place where there is one); the engine prints it without a stack trace.</summary>
public class StageFailedException(string message, Exception? inner = null) : Exception(message, inner);
