using FlowRunner.Abstractions;
using FlowRunner.Import;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Stages.Model;

namespace FlowRunner.Stages.Import;

/// <summary>Stage `model.import`: starts a recipe from a user's model (Keras/QKeras .json + .h5 or whole-model .h5, ONNX/QONNX .onnx) instead
/// of model.train, and names the dataset the stages after it evaluate on.</summary>
/// <remarks>
/// Reads: `file` and `weights` (relative to the recipe; the cache key covers their contents) and the dataset.
/// Writes: weights.json ("weights"), network.yaml ("network"), dataset.json ("dataset"), layers.txt (the layer table).
/// Reports: float_accuracy, test_images, parameters, layers.
/// </remarks>
public sealed class ModelImportStage : IStage
{
    public const string KindName = "model.import";

    public string Kind => KindName;

    public string Description => "import a Keras/QKeras or ONNX/QONNX model (network, weights, per-layer formats) and name the dataset to evaluate on";

    public IReadOnlyList<StageOption> Options { get; } =
    [
        new("file", OptionType.String, null, "the model: model.json (Keras 2 / QKeras), a whole-model .h5, or an .onnx (relative to the recipe)", Required: true),
        new("weights", OptionType.String, "", "Keras: the weights .h5 of model.json (default: <stem>_weights.h5 beside it)"),
        .. DatasetOptions.Options,
    ];

    public IReadOnlyList<ViewUse> Writes => [Views.Weights, Views.Network, Views.Dataset];

    public IReadOnlyList<MetricSpec> Reports { get; } =
        [new("float_accuracy", ""), new("test_images", ""), new("parameters", "", "weights and biases"), new("layers", "", "layers of the imported network")];
}

/// <summary>The in-process adapter of model.import.</summary>
public sealed class ModelImportAdapter() : InProcessAdapter(new ModelImportStage())
{
    protected override async Task<StageResult> Run(StageContext c, StageOptions o, CancellationToken ct)
    {
        var file = c.ResolvePath(o.String("file"));
        var weights = o.String("weights") is { Length: > 0 } w ? c.ResolvePath(w) : null;
        var m = ModelImporter.Import(file, weights);
        var data = await DatasetLoader.LoadAsync(DatasetOptions.From(c, o), ToolDatasetHost.Of(c), ct);
        var floatAccuracy = FloatInference.Accuracy(m.Network, data.Test, threads: c.Threads);
        var table = LayerTable.Text(m.Spec);
        c.Log.Info($"imported {m.Spec.Name} from {m.Source}: float accuracy {floatAccuracy:P2} on {data.Test.Count:N0} test images\n{table}");
        WeightsFile.Save(m.Network, c.PathOf("weights.json"), new TrainingRecord(Dataset: "imported: " + m.Source));
        await File.WriteAllTextAsync(c.PathOf("network.yaml"), m.Description, ct);
        await File.WriteAllTextAsync(c.PathOf("layers.txt"), table, ct);
        data.Spec.Save(c.PathOf(DatasetSpec.FileName));
        return new StageResult(
            [new Metric("float_accuracy", floatAccuracy), new Metric("test_images", data.Test.Count),
             new Metric("parameters", m.Network.Weights.Sum(x => x.Length) + m.Network.Biases.Sum(b => b.Length)), new Metric("layers", m.Spec.Layers.Count)],
            [new Artifact(Views.Weights.Name, "weights.json", "the imported weights (FlowRunner's weights file)"), new Artifact(Views.Network.Name, "network.yaml", "the imported network description"),
             new Artifact(Views.Dataset.Name, DatasetSpec.FileName, "dataset, split seed and test image indices"), new Artifact("layers", "layers.txt", "layers with shapes, parameters and formats")]);
    }
}
