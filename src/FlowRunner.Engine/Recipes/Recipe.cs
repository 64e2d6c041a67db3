namespace FlowRunner.Engine.Recipes;

/// <summary>A loaded recipe: parameters with defaults, stages, and the optional sweep, schedule, retry and regression blocks.</summary>
public sealed class Recipe
{
    public required string Name { get; init; }

    /// <summary>Absolute path of the recipe file (the child, when it extends another).</summary>
    public required string File { get; init; }

    public string Directory => Path.GetDirectoryName(File)!;
    public string? Description { get; init; }
    public string? Tech { get; init; }
    public SourceMark? TechMark { get; init; }

    /// <summary>The recipe-wide seed (default 1): stages without their own `seed:` use it.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Parameters with their values after `extends:` and `--set`, in file order.</summary>
    public required OrderedMap Params { get; init; }
    public required IReadOnlyDictionary<string, SourceMark> ParamMarks { get; init; }
    public required IReadOnlyList<StageSpec> Stages { get; init; }
    public YMap? Sweep { get; init; }
    public YMap? Schedule { get; init; }
    public YMap? Regression { get; init; }
    public RetrySpec Retry { get; init; } = RetrySpec.Default;
    public string? Executor { get; init; }

    /// <summary>The merged YAML tree, for printing the recipe as resolved.</summary>
    public required YMap Root { get; init; }

    public StageSpec? Stage(string id) => Stages.FirstOrDefault(s => s.Id == id);

    /// <summary>Where this recipe may read files from (see <see cref="Paths.ReadPolicy"/>).</summary>
    public Paths.ReadPolicy Reads { get; private init; } = Paths.ReadPolicy.Default;

    internal Recipe WithReads(Paths.ReadPolicy reads) => new()
    {
        Name = Name, File = File, Description = Description, Tech = Tech, TechMark = TechMark, Seed = Seed, Params = Params, ParamMarks = ParamMarks,
        Stages = Stages, Sweep = Sweep, Schedule = Schedule, Regression = Regression, Retry = Retry, Executor = Executor, Root = Root, Reads = reads,
    };
}

/// <summary>One entry of `stages:`: id, kind, adapter choice, needs and the raw `with:` block.</summary>
public sealed class StageSpec
{
    public required string Id { get; init; }
    public required string Kind { get; init; }

    /// <summary>Adapter id, or "auto" for the best available one.</summary>
    public string Tool { get; init; } = "auto";
    public IReadOnlyList<(string Id, SourceMark Mark)> Needs { get; init; } = [];
    public YMap? With { get; init; }
    public RetrySpec? Retry { get; init; }
    public required SourceMark Mark { get; init; }
    public SourceMark KindMark { get; init; }
    public SourceMark ToolMark { get; init; }
}

/// <summary>Retry and timeout policy for external tools: attempts in all, first back-off (doubling), timeout per attempt.</summary>
public sealed record RetrySpec(int Attempts, double BackoffSeconds, double TimeoutSeconds)
{
    public static RetrySpec Default { get; } = new(3, 2, 600);
}
