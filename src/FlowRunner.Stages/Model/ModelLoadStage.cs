using FlowRunner.Abstractions;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;

namespace FlowRunner.Stages.Model;

/// <summary>Stage `model.load`: takes trained weights from a file (as model.train writes them) instead of training, and names the dataset the
/// stages after it evaluate on.</summary>
/// <remarks>
/// Reads: `weights` (a <see cref="WeightsFile"/>, relative to the recipe) and the dataset.
/// Writes: weights.json ("weights"), network.yaml ("network"), dataset.json ("dataset").
/// Reports: float_accuracy, test_images, parameters.
/// </remarks>
public sealed class ModelLoadStage : IStage
{
    public const string KindName = "model.load";

    public string Kind => KindName;

    public string Description => "load trained weights (the weights.json format model.train writes) and name the dataset to evaluate on";

    public IReadOnlyList<StageOption> Options { get; } =
    [
        new("weights", OptionType.String, null, "weights file written by model.train (relative to the recipe)", Required: true),
        .. DatasetOptions.Options,
    ];

    public IReadOnlyList<ViewUse> Writes => [Views.Weights, Views.Network, Views.Dataset];

    public IReadOnlyList<MetricSpec> Reports { get; } = [new("float_accuracy", ""), new("test_images", ""), new("parameters", "", "weights and biases")];
}

/// <summary>The in-process adapter of model.load.</summary>
public sealed class ModelLoadAdapter() : InProcessAdapter(new ModelLoadStage())
{
    protected override async Task<StageResult> Run(StageContext c, StageOptions o, CancellationToken ct)
    {
        var file = c.ResolvePath(o.String("weights"));
        var (net, _) = WeightsFile.Load(file);
        var data = await DatasetLoader.LoadAsync(DatasetOptions.From(c, o), ToolDatasetHost.Of(c), ct);
        var floatAccuracy = FloatInference.Accuracy(net, data.Test, threads: c.Threads);
        c.Log.Info($"loaded {net.Spec.Name} from {file}: float accuracy {floatAccuracy:P2} on {data.Test.Count:N0} test images");
        File.Copy(file, c.PathOf("weights.json"), overwrite: true);
        await File.WriteAllTextAsync(c.PathOf("network.yaml"), net.Spec.Source, ct);
        data.Spec.Save(c.PathOf(DatasetSpec.FileName));
        return new StageResult(
            [new Metric("float_accuracy", floatAccuracy), new Metric("test_images", data.Test.Count),
             new Metric("parameters", net.Weights.Sum(w => w.Length) + net.Biases.Sum(b => b.Length))],
            [new Artifact("weights", "weights.json", "the loaded weights"), new Artifact("network", "network.yaml", "the network description embedded in them"),
             new Artifact("dataset", DatasetSpec.FileName, "dataset, split seed and test image indices")]);
    }
}
