using FlowRunner.Abstractions;
using FlowRunner.Engine.Sweeps;

namespace FlowRunner.Engine.Recipes;

/// <summary>A checked recipe, ready to run: its design points and, for each, the stages with resolved options in dependency order.</summary>
public sealed class RunPlan
{
    public required Recipe Recipe { get; init; }
    public required IReadOnlyList<DesignPoint> Points { get; init; }

    /// <summary>Stages of each point, by point id, in a topological order.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<ResolvedStage>> Stages { get; init; }
    public string? TechFile { get; init; }
}

/// <summary>A stage of one design point: its spec, kind, options with defaults and interpolation done, seed, retry and upstream stages.</summary>
public sealed class ResolvedStage
{
    public required StageSpec Spec { get; init; }
    public required IStage Kind { get; init; }
    public required OrderedMap Options { get; init; }
    public required int Seed { get; init; }
    public required RetrySpec Retry { get; init; }

    /// <summary>Every upstream stage id: direct needs first (in recipe order), then their ancestors, nearest first.</summary>
    public required IReadOnlyList<string> Upstream { get; init; }
    public string Id => Spec.Id;
}
