using FlowRunner.Abstractions;

namespace FlowRunner.Engine.Execution;

/// <summary>Holds a finished stage to what its kind declared: every view it writes (unless optional) and every metric it reports, in the declared unit.</summary>
public static class StageContract
{
    /// <summary>Throws a stage failure naming what is missing, in another unit, or not declared; a kind that declares no metrics is not checked for them.</summary>
    public static void Check(IStage stage, string stageId, StageResult result)
    {
        var problems = new List<string>();
        foreach (var w in stage.Writes.Where(w => !w.IsOptional))
            if (result.Artifacts.All(a => a.Name != w.Name))
                problems.Add($"did not write view '{w.Name}'");
        if (stage.Reports.Count > 0)
        {
            foreach (var spec in stage.Reports.Where(m => !m.IsOptional && !m.IsPattern))
                if (result.Metrics.All(m => m.Name != spec.Name))
                    problems.Add($"did not report metric '{spec.Name}'");
            foreach (var m in result.Metrics)
            {
                var spec = stage.Reports.FirstOrDefault(s => !s.IsPattern && s.Name == m.Name) ?? stage.Reports.FirstOrDefault(s => s.Matches(m.Name));
                if (spec is null) problems.Add($"reported metric '{m.Name}', which its kind does not declare");
                else if (spec.Unit != m.Unit) problems.Add($"reported metric '{m.Name}' in '{m.Unit}', declared in '{spec.Unit}'");
            }
        }
        if (problems.Count > 0)
            throw new StageFailedException($"stage '{stageId}' ({stage.Kind}) broke its declared contract: {string.Join("; ", problems)}");
    }
}
