using FlowRunner.Abstractions;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Network;

namespace FlowRunner.Stages.Model;

/// <summary>What a model stage (model.train or model.load) leaves for the stages after it: weights.json ("weights"), network.yaml ("network")
/// and dataset.json ("dataset"). HLS emit, power and the accuracy stages load the model and the very same test images through this.</summary>
public sealed record ModelArtifacts(FloatNetwork Net, TrainingRecord? Training, string WeightsPath, string DatasetPath)
{
    /// <summary>The weights view of the nearest upstream stage that wrote it (model.train, model.load, model.import), with the dataset view beside them.</summary>
    public static ModelArtifacts From(StageContext c)
    {
        var model = c.FindView(Views.Weights)
            ?? throw new StageFailedException($"stage '{c.StageId}' ({c.Kind}) needs a model.train, model.load or model.import stage upstream (view '{Views.Weights.Name}'); add it to `needs:`");
        var weights = model.ArtifactPath(Views.Weights.Name);
        var (net, training) = Models.Network.WeightsFile.Load(weights);
        return new ModelArtifacts(net, training, weights, model.ArtifactPath(Views.Dataset.Name));
    }

    /// <summary>The test images the model stage recorded (dataset.json), optionally only the first <paramref name="limit"/>.</summary>
    public async Task<Dataset> TestSetAsync(StageContext c, int limit, CancellationToken ct) =>
        (await DatasetLoader.LoadTestSetAsync(DatasetPath, ToolDatasetHost.Of(c), ct)).Take(limit);

    /// <summary>Training and test images (quantization-aware fine-tuning needs the training set).</summary>
    public Task<DatasetSplit> SplitAsync(StageContext c, CancellationToken ct) =>
        DatasetLoader.LoadAsync(DatasetSpec.Load(DatasetPath), ToolDatasetHost.Of(c), ct);
}
