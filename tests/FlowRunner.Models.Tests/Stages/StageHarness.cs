using FlowRunner.Abstractions;
using FlowRunner.Models.Tests.Support;

namespace FlowRunner.Models.Tests.Stages;

/// <summary>Runs stage adapters by hand: builds the StageContext the engine would (stage folder, options, upstream outputs, the recipe folder
/// flows/, the shared data folder with the npm digits) and keeps each result as a StageOutput for the stages after it.</summary>
public sealed class StageHarness(MnistFixture mnist) : IDisposable
{
    public string Root { get; } = Repo.TempFolder("stages");
    public RecordingLog Log { get; } = new();

    /// <summary>The recipe's tech file (null: none), for stages that price hardware.</summary>
    public string? TechFile { get; init; }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }

    public async Task<StageOutput> RunAsync(IToolAdapter adapter, string id, Dictionary<string, object?> with, params StageOutput[] inputs)
    {
        var dir = Path.Combine(Root, id);
        Directory.CreateDirectory(dir);
        var context = new StageContext
        {
            StageId = id,
            Kind = adapter.StageKind,
            AdapterId = adapter.Id,
            PointId = "p000",
            Directory = dir,
            Options = new StageOptions(id, with),
            Parameters = new Dictionary<string, object?>(),
            Inputs = inputs,
            Needs = inputs.Select(i => i.StageId).ToList(),
            RecipeDirectory = Path.Combine(Repo.Root, "flows"),
            TechFile = TechFile,
            TechName = TechFile is null ? null : Path.GetFileName(Path.GetDirectoryName(TechFile)),
            DataDirectory = mnist.DataDirectory,
            Seed = 1,
            Threads = 2,
            Log = Log,
            Tools = mnist.Tools,
            Locator = new PathToolLocator(),
        };
        var result = await adapter.RunAsync(context, CancellationToken.None);
        foreach (var a in result.Artifacts) Assert.True(File.Exists(Path.Combine(dir, a.RelativePath)) || Directory.Exists(Path.Combine(dir, a.RelativePath)), $"{id}: artifact {a.Name} ({a.RelativePath}) was not written");
        return new StageOutput(id, adapter.StageKind, adapter.Id, dir, result.Metrics, result.Artifacts);
    }
}
