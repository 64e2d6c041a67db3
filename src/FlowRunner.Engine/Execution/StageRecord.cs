using System.Text.Json.Serialization;
using FlowRunner.Abstractions;

namespace FlowRunner.Engine.Execution;

/// <summary>What happened to one stage of one design point; stored as stage.json in the stage folder and in run.json.</summary>
public sealed record StageRecord
{
    public const string FileName = "stage.json";

    public required string PointId { get; init; }
    public required string StageId { get; init; }
    public required string Kind { get; init; }

    /// <summary>The stage's place in the point's dependency order (0 first): where two stages report a metric of the same name, the earlier one
    /// gives the plain name, and both stay reachable as &lt;stage&gt;.&lt;metric&gt;.</summary>
    public int Position { get; init; }
    public string Adapter { get; init; } = "";
    public IReadOnlyList<ToolInfo> Tools { get; init; } = [];
    public string CacheKey { get; init; } = "";
    public string OutputHash { get; init; } = "";

    /// <summary>done, cached, failed, skipped or cancelled.</summary>
    public required string Status { get; init; }
    public DateTimeOffset Started { get; init; }
    public DateTimeOffset Ended { get; init; }
    public double DurationSeconds { get; init; }
    public IReadOnlyList<Metric> Metrics { get; init; } = [];
    public IReadOnlyList<Artifact> Artifacts { get; init; } = [];
    public string? Error { get; init; }

    /// <summary>The folder holding the stage's files: in the run folder for people, and the cache folder downstream stages read.</summary>
    public string? Directory { get; init; }
    public string? CacheDirectory { get; init; }

    [JsonIgnore]
    public bool Succeeded => Status is StageStatus.Done or StageStatus.Cached;
}

/// <summary>The statuses a stage can end in.</summary>
public static class StageStatus
{
    public const string Done = "done";
    public const string Cached = "cached";
    public const string Failed = "failed";
    public const string Skipped = "skipped";
    public const string Cancelled = "cancelled";
}

/// <summary>System.Text.Json settings and source-generated metadata for the engine's files.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(StageRecord))]
[JsonSerializable(typeof(List<Metric>))]
public partial class EngineJson : JsonSerializerContext;

/// <summary>Reflection-based JSON settings for files holding plain recipe values (run.json, resolved options).</summary>
public static class PlainJson
{
    public static readonly System.Text.Json.JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
