namespace FlowRunner.Abstractions;

/// <summary>A stage kind (what is done): its name, documentation, `with:` options and the metrics it reports.</summary>
/// <remarks>The work itself is done by one of the kind's <see cref="IToolAdapter"/>s.</remarks>
public interface IStage
{
    /// <summary>The name used in recipes as `kind:`, e.g. "synth" or "model.train".</summary>
    string Kind { get; }

    /// <summary>One line that says what the stage does.</summary>
    string Description { get; }

    /// <summary>The `with:` keys the stage accepts; a key not listed here is a recipe error.</summary>
    IReadOnlyList<StageOption> Options { get; }

    /// <summary>The views the stage reads from the stages it `needs:` (direct or transitive). The engine refuses a recipe where a needed
    /// view has no producer upstream (`validate` names the stage and the view), and the stage can read only views listed here.</summary>
    IReadOnlyList<ViewUse> Reads => [];

    /// <summary>The views the stage writes (each as the artifact of the same name); after the stage runs, a view it declared and did not
    /// write fails it.</summary>
    IReadOnlyList<ViewUse> Writes => [];

    /// <summary>The views the stage reads with these resolved `with:` options: <see cref="Reads"/>, with an optional view the options make
    /// needed turned required (the planner then checks it has a producer upstream). The default is <see cref="Reads"/>.</summary>
    IReadOnlyList<ViewUse> ReadsWith(IReadOnlyDictionary<string, object?> options) => Reads;

    /// <summary>The views the stage writes with these resolved `with:` options: <see cref="Writes"/>, with an optional view turned required
    /// when the options make the stage write it, and left out when they rule it out. The default is <see cref="Writes"/>.</summary>
    IReadOnlyList<ViewUse> WritesWith(IReadOnlyDictionary<string, object?> options) => Writes;

    /// <summary>The metrics the stage reports, with units. When the list is not empty, the engine fails a stage that does not report a
    /// declared metric, reports it in another unit, or reports one it did not declare.</summary>
    IReadOnlyList<MetricSpec> Reports => [];

    /// <summary>Why the stage cannot run on the recipe's technology (its tech.yaml, <paramref name="techFile"/>), found before anything runs:
    /// `validate` and `run` refuse the recipe with this line at the stage. Null when it can (the default), or when only running can tell.</summary>
    string? TechProblem(string techFile) => null;
}
