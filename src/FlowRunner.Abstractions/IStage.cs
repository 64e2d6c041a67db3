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

    /// <summary>Stage kinds whose outputs this stage reads (among its `needs:`, direct or transitive); a missing one is a recipe error.</summary>
    IReadOnlyList<string> Consumes => Array.Empty<string>();

    /// <summary>Names of the artifacts the stage writes, for documentation.</summary>
    IReadOnlyList<string> Produces => Array.Empty<string>();
}
