using FlowRunner.Abstractions;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Network;

namespace FlowRunner.Stages.Model;

/// <summary>What a model stage (model.train or model.load) leaves for the stages after it: weights.json ("weights"), network.yaml ("network")
/// and dataset.json ("dataset"). HLS emit, power and the accuracy stages load the model and the very same test images through this.</summary>
public sealed record ModelArtifacts(FloatNetwork Net, TrainingRecord? Training, string WeightsPath, string DatasetPath)
{
    public static readonly IReadOnlyList<string> ModelKinds = ["model.train", "model.load", "model.import"];

    /// <summary>The nearest upstream model.train or model.load stage's weights; a clear error when the recipe's needs lack one.</summary>
    public static ModelArtifacts From(StageContext c)
    {
        var model = c.Inputs.FirstOrDefault(i => ModelKinds.Contains(i.Kind))
            ?? throw new StageFailedException($"stage '{c.StageId}' ({c.Kind}) needs a model.train, model.load or model.import stage upstream; add it to `needs:`");
        var weights = model.ArtifactPath("weights");
        var (net, training) = Models.Network.WeightsFile.Load(weights);
        return new ModelArtifacts(net, training, weights, model.ArtifactPath("dataset"));
    }

    /// <summary>The test images the model stage recorded (dataset.json), optionally only the first <paramref name="limit"/>.</summary>
    public async Task<Dataset> TestSetAsync(StageContext c, int limit, CancellationToken ct) =>
        (await DatasetLoader.LoadTestSetAsync(DatasetPath, c.DataDirectory, c.Tools, c.Log, ct)).Take(limit);

    /// <summary>Training and test images (quantization-aware fine-tuning needs the training set).</summary>
    public Task<DatasetSplit> SplitAsync(StageContext c, CancellationToken ct) =>
        DatasetLoader.LoadAsync(DatasetSpec.Load(DatasetPath), c.DataDirectory, c.Tools, c.Log, ct);
}
