using FlowRunner.Abstractions;
using FlowRunner.Tech;

namespace FlowRunner.Stages.Tests.Support;

/// <summary>The one StageContext the stage tests build by hand: a stage of point p000 in a test folder that stands for the workspace (recipe folder
/// and .flowrunner data), its options, upstream outputs and tech; tools and log as the test gives them (default: none may run, nothing kept).</summary>
public static class TestContexts
{
    /// <summary>The repository's tech/ folder, found above the test binaries.</summary>
    public static string TechRoot { get; } = TechLoader.FindTechRoot(AppContext.BaseDirectory) ?? throw new InvalidOperationException("no tech/ folder above the test binaries");

    public static string TechFile(string tech) => new TechLoader(TechRoot).PathOf(tech);

    /// <param name="needs">The stage's `needs:` (default: the stages of <paramref name="inputs"/>).</param>
    /// <param name="declaredReads">The views the stage may read, as the executor sets them (default: unchecked).</param>
    public static StageContext Stage(string root, string id, string kind, string adapter, string directory, IReadOnlyDictionary<string, object?>? with = null,
        IReadOnlyList<StageOutput>? inputs = null, string? tech = "generic45", IStageLog? log = null, IToolRunner? tools = null, IToolLocator? locator = null,
        int seed = 1, IReadOnlyList<string>? needs = null, IReadOnlyList<ViewUse>? declaredReads = null)
    {
        inputs ??= [];
        return new StageContext
        {
            StageId = id,
            Kind = kind,
            AdapterId = adapter,
            PointId = "p000",
            Directory = directory,
            Options = new StageOptions(id, with ?? new Dictionary<string, object?>()),
            Parameters = new Dictionary<string, object?>(),
            Inputs = inputs,
            Needs = needs ?? inputs.Select(i => i.StageId).ToList(),
            TechName = tech,
            TechFile = tech is null ? null : TechFile(tech),
            RecipeDirectory = root,
            DataDirectory = Path.Combine(root, ".flowrunner"),
            Seed = seed,
            Threads = 2,
            Log = log ?? new RecordingLog(),
            Tools = tools ?? new NoTools(),
            Locator = locator ?? new NoTools(),
            DeclaredReads = declaredReads,
        };
    }
}
