using FlowRunner.Engine.Recipes;

namespace FlowRunner.Engine.Sweeps;

/// <summary>One assignment of the recipe's parameters: one pass through the stage graph.</summary>
/// <param name="Id">Stable id within a run: "p000", "p001", ...</param>
/// <param name="Params">Every parameter's value at this point (defaults plus the swept ones).</param>
/// <param name="Swept">Only the swept parameters, for labels.</param>
public sealed record DesignPoint(string Id, OrderedMap Params, OrderedMap Swept)
{
    public string Label => Swept.Count == 0 ? Id : string.Join(" ", Swept.Select(kv => $"{kv.Key}={Interpolator.Format(kv.Value)}"));
}
