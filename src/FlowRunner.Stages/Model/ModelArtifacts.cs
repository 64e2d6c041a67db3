using FlowRunner.Abstractions;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Network;

namespace FlowRunner.Stages.Model;

/// <summary>What a model stage (model.train or model.load) leaves for the stages after it: weights.json ("weights"), network.yaml ("network")
/// and dataset.json ("dataset"). HLS emit, power and the accuracy stages load the model and the very same test images through this. A model
/// imported with `dataset: none` has no dataset (<see cref="DatasetPath"/> null); validate refuses the stages that need one.</summary>
public sealed record ModelArtifacts(FloatNetwork Net, TrainingRecord? Training, string WeightsPath, string? DatasetPath, string ModelStageId)
{
    /// <summary>The weights view of the nearest upstream stage that wrote it (model.train, model.load, model.import), with the dataset view beside them.</summary>
    public static ModelArtifacts From(StageContext c)
    {
        var model = c.FindView(Views.Weights)
            ?? throw new StageFailedException($"stage '{c.StageId}' ({c.Kind}) needs a model.train, model.load or model.import stage upstream (view '{Views.Weights.Name}'); add it to `needs:`");
        var weights = model.ArtifactPath(Views.Weights.Name);
        var (net, training) = Models.Network.WeightsFile.Load(weights);
        var dataset = model.Artifacts.Any(a => a.Name == Views.Dataset.Name) ? model.ArtifactPath(Views.Dataset.Name) : null;
        return new ModelArtifacts(net, training, weights, dataset, model.StageId);
    }

    /// <summary>Whether the model stage named a dataset (an imported model may come without one).</summary>
    public bool HasDataset => DatasetPath is not null;

    private string Dataset(StageContext c) => DatasetPath
        ?? throw new StageFailedException($"stage '{c.StageId}' ({c.Kind}) needs labelled data, and model stage '{ModelStageId}' names no dataset (`dataset: none`); give it `with: {{ dataset: ... }}`");

    /// <summary>The test images the model stage recorded (dataset.json), optionally only the first <paramref name="limit"/>.</summary>
    public async Task<Dataset> TestSetAsync(StageContext c, int limit, CancellationToken ct) =>
        (await DatasetLoader.LoadTestSetAsync(Dataset(c), ToolDatasetHost.Of(c), ct)).Take(limit);

    /// <summary>Training and test images (quantization-aware fine-tuning needs the training set).</summary>
    public Task<DatasetSplit> SplitAsync(StageContext c, CancellationToken ct) =>
        DatasetLoader.LoadAsync(DatasetSpec.Load(Dataset(c)), ToolDatasetHost.Of(c), ct);
}
