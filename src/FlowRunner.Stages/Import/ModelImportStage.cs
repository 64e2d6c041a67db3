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
/// Reads: `file` and `weights` (relative to the recipe; the cache key covers their contents) and the dataset, when `dataset` names one.
/// Writes: weights.json ("weights"), network.yaml ("network"), layers.txt (the layer table), and dataset.json ("dataset") when `dataset`
/// names one. With `dataset: none` (the default) the stages that need labelled data (model.accuracy, model.profile, accuracy.sweep) are
/// refused by validate, and hls.emit takes `vectors_source: random`.
/// Reports: parameters, layers; float_accuracy and test_images with a dataset.
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
        .. DatasetOptions.Options.Select(d => d.Key != "dataset" ? d : d with
        {
            Default = NoDataset,
            Description = "none (default): the model comes without labelled data (hls.emit then needs `vectors_source: random`); " + d.Description,
            Choices = [NoDataset, .. DatasetSpec.Kinds],
        }),
    ];

    /// <summary>The `dataset` value of a model that comes without labelled data.</summary>
    public const string NoDataset = "none";

    private const string WithDataset = "when `dataset` names one (not none)";

    public IReadOnlyList<ViewUse> Writes => [Views.Weights, Views.Network, Views.Dataset.Optional(WithDataset)];

    public IReadOnlyList<ViewUse> WritesWith(IReadOnlyDictionary<string, object?> options) =>
        HasDataset(options) ? [Views.Weights, Views.Network, Views.Dataset] : [Views.Weights, Views.Network];

    /// <summary>Whether these resolved options name a dataset.</summary>
    public static bool HasDataset(IReadOnlyDictionary<string, object?> options) =>
        !(options.TryGetValue("dataset", out var d) ? d as string ?? NoDataset : NoDataset).Equals(NoDataset, StringComparison.Ordinal);

    public IReadOnlyList<MetricSpec> Reports { get; } =
    [
        new MetricSpec("float_accuracy", "").Optional(WithDataset), new MetricSpec("test_images", "").Optional(WithDataset),
        new("parameters", "", "weights and biases"), new("layers", "", "layers of the imported network"),
    ];
}

/// <summary>The in-process adapter of model.import.</summary>
public sealed class ModelImportAdapter() : InProcessAdapter(new ModelImportStage())
{
    protected override async Task<StageResult> Run(StageContext c, StageOptions o, CancellationToken ct)
    {
        var file = c.ResolvePath(o.String("file"));
        var weights = o.String("weights") is { Length: > 0 } w ? c.ResolvePath(w) : null;
        var m = ModelImporter.Import(file, weights);
        var table = LayerTable.Text(m.Spec);
        var metrics = new List<Metric>
        {
            new("parameters", m.Network.Weights.Sum(x => x.Length) + m.Network.Biases.Sum(b => b.Length)), new("layers", m.Spec.Layers.Count),
        };
        var artifacts = new List<Artifact>
        {
            new(Views.Weights.Name, "weights.json", "the imported weights (FlowRunner's weights file)"), new(Views.Network.Name, "network.yaml", "the imported network description"),
            new("layers", "layers.txt", "layers with shapes, parameters and formats"),
        };
        DatasetSplit? data = null;
        if (ModelImportStage.HasDataset(o.Values))
        {
            data = await DatasetLoader.LoadAsync(DatasetOptions.From(c, o), ToolDatasetHost.Of(c), ct);
            var floatAccuracy = FloatInference.Accuracy(m.Network, data.Test, threads: c.Threads);
            c.Log.Info($"imported {m.Spec.Name} from {m.Source}: float accuracy {floatAccuracy:P2} on {data.Test.Count:N0} test images\n{table}");
            metrics.AddRange([new("float_accuracy", floatAccuracy), new("test_images", data.Test.Count)]);
            artifacts.Add(new(Views.Dataset.Name, DatasetSpec.FileName, "dataset, split seed and test image indices"));
        }
        else c.Log.Info($"imported {m.Spec.Name} from {m.Source}, without a dataset\n{table}");
        WeightsFile.Save(m.Network, c.PathOf("weights.json"), new TrainingRecord(Dataset: "imported: " + m.Source));
        await File.WriteAllTextAsync(c.PathOf("network.yaml"), m.Description, ct);
        await File.WriteAllTextAsync(c.PathOf("layers.txt"), table, ct);
        data?.Spec.Save(c.PathOf(DatasetSpec.FileName));
        return new StageResult(metrics, artifacts);
    }
}
