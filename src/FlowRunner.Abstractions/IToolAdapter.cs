namespace FlowRunner.Abstractions;

/// <summary>One way of doing a stage kind (how it is done): in-process, analytical, or through an external tool.</summary>
public interface IToolAdapter
{
    /// <summary>The stage kind this adapter implements.</summary>
    string StageKind { get; }

    /// <summary>The adapter id used in recipes as `tool:`, e.g. "yosys" or "analytical".</summary>
    string Id { get; }

    /// <summary>Order for `tool: auto`: the available adapter with the highest priority wins (real tools above models).</summary>
    int Priority { get; }

    /// <summary>Names of the external programs this adapter needs; empty for in-process adapters.</summary>
    IReadOnlyList<string> RequiredTools { get; }

    /// <summary>Programs the adapter runs when they are installed (and does without otherwise). With the required ones they are every
    /// program it may run: the engine refuses any other, and their versions (or absence) are part of the cache key.</summary>
    IReadOnlyList<string> OptionalTools => [];

    /// <summary>Finds the required and optional tools and their versions; an adapter is available when every required tool is found.</summary>
    Task<IReadOnlyList<ToolInfo>> ProbeAsync(IToolLocator locator, CancellationToken cancellationToken);

    /// <summary>Does the stage's work inside <see cref="StageContext.Directory"/> and returns its metrics and artifacts.</summary>
    Task<StageResult> RunAsync(StageContext context, CancellationToken cancellationToken);
}
