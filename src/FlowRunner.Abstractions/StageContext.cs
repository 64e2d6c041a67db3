namespace FlowRunner.Abstractions;

/// <summary>Everything a running stage may see: its folder, its resolved options, upstream outputs, tech, seed, log and tool runner.</summary>
public sealed class StageContext
{
    public required string StageId { get; init; }
    public required string Kind { get; init; }
    public required string AdapterId { get; init; }

    /// <summary>The design point this pass belongs to (e.g. "p000").</summary>
    public required string PointId { get; init; }

    /// <summary>The only folder the stage may write to (a temporary folder that becomes the stage folder once the stage succeeds).</summary>
    public required string Directory { get; init; }

    /// <summary>The resolved `with:` values, interpolated and type-checked, with defaults filled in.</summary>
    public required StageOptions Options { get; init; }

    /// <summary>The resolved recipe parameters of this design point.</summary>
    public required IReadOnlyDictionary<string, object?> Parameters { get; init; }

    /// <summary>Outputs of every upstream stage (direct needs first, then their ancestors), by stage id.</summary>
    public required IReadOnlyList<StageOutput> Inputs { get; init; }

    /// <summary>Ids of the stages named in this stage's own `needs:` (the first entries of <see cref="Inputs"/>).</summary>
    public IReadOnlyList<string> Needs { get; init; } = [];

    /// <summary>Technology name (folder under tech/) and the path of its tech.yaml, or null when the recipe has none.</summary>
    public string? TechName { get; init; }
    public string? TechFile { get; init; }

    /// <summary>Folder of the recipe file: relative paths in options are resolved against it.</summary>
    public required string RecipeDirectory { get; init; }

    /// <summary>Folder for data shared across runs (datasets, downloads): .flowrunner/ beside the results.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Seed for every random choice; from the recipe (`seed:` in `with:` or params), so the same recipe gives the same numbers.</summary>
    public required int Seed { get; init; }

    /// <summary>Maximum threads the stage may use for in-process work.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    public required IStageLog Log { get; init; }
    public required IToolRunner Tools { get; init; }
    public required IToolLocator Locator { get; init; }

    /// <summary>The views the stage declared it reads (<see cref="IStage.Reads"/>); reading another one is an error. Null: not checked
    /// (a context built by hand).</summary>
    public IReadOnlyList<ViewUse>? DeclaredReads { get; init; }

    /// <summary>The nearest upstream stage that wrote the view; a clear error when none did.</summary>
    public StageOutput View(View view) => FindView(view)
        ?? throw new StageFailedException($"stage '{StageId}' ({Kind}) reads view '{view.Name}', which no stage upstream wrote; add its producer to `needs:`");

    /// <summary>The nearest upstream stage that wrote the view, or null (for a view the stage reads optionally).</summary>
    public StageOutput? FindView(View view)
    {
        if (DeclaredReads is { } reads && reads.All(r => r.Name != view.Name))
            throw new StageFailedException($"stage '{StageId}' ({Kind}) reads view '{view.Name}' but does not declare it in its Reads");
        return Inputs.FirstOrDefault(i => i.HasArtifact(view.Name));
    }

    /// <summary>Absolute path of the view's file or folder in the nearest upstream stage that wrote it.</summary>
    public string ViewPath(View view) => View(view).ArtifactPath(view.Name);

    /// <summary>The nearest upstream output of exactly this stage kind, for its metrics; views are read with <see cref="View"/>.</summary>
    public StageOutput? FindInput(string kind) => Inputs.FirstOrDefault(i => i.Kind == kind);

    /// <summary>A path for a new file in the stage folder; a path that is absolute or climbs out of the folder (`..`) is refused.</summary>
    public string PathOf(string relativePath)
    {
        var full = Path.GetFullPath(Path.Combine(Directory, relativePath));
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Directory)) + Path.DirectorySeparatorChar;
        if (Path.IsPathRooted(relativePath) || !(full + Path.DirectorySeparatorChar).StartsWith(root, StringComparison.Ordinal))
            throw new StageFailedException($"stage '{StageId}' ({Kind}): '{relativePath}' is not a path inside the stage folder");
        return full;
    }

    /// <summary>Resolves a user-given path (relative to the recipe folder) to an absolute one.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(RecipeDirectory, path));
}

/// <summary>A stage's log: written to stage.log and shown on the console as progress.</summary>
public interface IStageLog
{
    void Info(string message);
    void Warn(string message);

    /// <summary>Reports progress of long work (fraction 0..1 and a short status) to the live display.</summary>
    void Progress(double fraction, string status);
}
