using FlowRunner.Abstractions;
using FlowRunner.Engine.Recipes;

namespace FlowRunner.Stages.Services;

/// <summary>The planner's check of a stage's options again inside an adapter, before any work, for callers that did not plan (tests,
/// plug-in hosts): options whose values reach scripts or choose a code path are refused as `validate` would refuse them.</summary>
public static class OptionRecheck
{
    /// <summary>Throws the planner's refusal of the first option given in the context that matches <paramref name="which"/> and fails its check.</summary>
    public static void Require(IStage stage, StageContext context, Func<StageOption, bool> which)
    {
        foreach (var option in stage.Options.Where(x => which(x) && context.Options.Has(x.Key)))
            if (RunPlanner.Check(option, context.Options.String(option.Key)) is { } problem)
                throw new StageFailedException($"stage '{context.StageId}': option `{option.Key}` {problem}");
    }
}
