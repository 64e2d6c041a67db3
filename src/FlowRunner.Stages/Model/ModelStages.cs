using System.Diagnostics;
using System.Text.Json;
using FlowRunner.Abstractions;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Models.Training;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Stages.Model;

/// <summary>Base of the in-process model adapters: no tools to probe; model errors become stage errors naming the file and place.</summary>
public abstract class InProcessAdapter(string kind) : IToolAdapter
{
    public string StageKind => kind;
    public string Id => "inprocess";
    public int Priority => 10;
    public IReadOnlyList<string> RequiredTools => [];

    public virtual Task<IReadOnlyList<ToolInfo>> ProbeAsync(IToolLocator locator, CancellationToken ct) => Task.FromResult<IReadOnlyList<ToolInfo>>([]);

    public async Task<StageResult> RunAsync(StageContext c, CancellationToken ct)
    {
        try
        {
            return await Run(c, ct);
        }
        catch (Exception e) when (e is ModelFormatException or FixedFormatException)
        {
            throw new StageFailedException($"stage '{c.StageId}': {e.Message}");
        }
    }

    protected abstract Task<StageResult> Run(StageContext c, CancellationToken ct);

    /// <summary>Parses a format option, naming the stage and option on error.</summary>
    protected static FixedFormat Format(StageContext c, string key)
    {
        try { return FixedFormat.Parse(c.Options.String(key)); }
        catch (FixedFormatException e) { throw new StageFailedException($"stage '{c.StageId}': option '{key}': {e.Message}"); }
    }
}

/// <summary>model.train: trains the network description on a dataset (float, then optionally quantization-aware) and saves the weights.</summary>
public sealed class ModelTrainStage : IStage
{
    public string Kind => "model.train";
    public string Description => "train the network (mini-batch SGD with momentum, seeded, both cores); optional quantization-aware fine-tuning";
    public IReadOnlyList<StageOption> Options { get; } =
    [
        new("network", OptionType.String, "models/mnist-cnn.yaml", "network description (relative to the recipe)"),
        new("epochs", OptionType.Int, 3, "float training epochs"),
        new("batch", OptionType.Int, 32, "mini-batch size"),
        new("learning_rate", OptionType.Double, 0.01, "SGD learning rate"),
        new("momentum", OptionType.Double, 0.9, "SGD momentum"),
        new("qat_format", OptionType.String, "", "quantization-aware training format (e.g. \"4.2 rnd sat\"); empty: float only"),
        new("qat_epochs", OptionType.Int, 2, "quantization-aware fine-tuning epochs after float training"),
        new("seed", OptionType.Int, 1, "seed of weight initialisation, shuffling and the train/test split"),
        .. DatasetChoice.Options,
    ];
    public IReadOnlyList<string> Produces => ["weights", "network", "dataset"];
}

/// <summary>The in-process adapter of model.train.</summary>
public sealed class ModelTrainAdapter() : InProcessAdapter("model.train")
{
    protected override async Task<StageResult> Run(StageContext c, CancellationToken ct)
    {
        var networkFile = c.ResolvePath(c.Options.String("network"));
        var spec = NetworkSpec.Load(networkFile);
        var choice = DatasetChoice.From(c);
        var (train, test) = await choice.LoadAsync(c, ct);
        var sw = Stopwatch.StartNew();
        var options = new TrainingOptions(c.Options.Int("epochs"), c.Options.Int("batch"), c.Options.Double("learning_rate"), c.Options.Double("momentum"), c.Seed, null, c.Threads);
        c.Log.Info($"training {spec.Name} on {train.Count} images for {options.Epochs} epoch(s)");
        var net = Trainer.Train(spec, train, options, (f, s) => c.Log.Progress(f * 0.7, s), ct: ct);
        var floatAccuracy = Trainer.Accuracy(net, test, threads: c.Threads);
        c.Log.Info($"float accuracy {floatAccuracy:P2} on {test.Count} test images");
        var metrics = new List<Metric> { new("float_accuracy", floatAccuracy), new("train_images", train.Count), new("test_images", test.Count) };
        if (c.Options.String("qat_format") is { Length: > 0 })
        {
            var qat = QuantizationPlan.Uniform(spec, Format(c, "qat_format"));
            net = Trainer.Train(spec, train, options with { Epochs = c.Options.Int("qat_epochs"), LearningRate = options.LearningRate / 2, Qat = qat },
                (f, s) => c.Log.Progress(0.7 + f * 0.3, "QAT " + s), net, ct);
            var qatAccuracy = Trainer.Accuracy(net, test, qat, c.Threads);
            c.Log.Info($"quantization-aware accuracy {qatAccuracy:P2} at {qat.WeightFormats.First(f => f is not null)}");
            metrics.Add(new Metric("qat_accuracy", qatAccuracy));
        }
        metrics.Add(new Metric("train_time_s", sw.Elapsed.TotalSeconds, "s"));
        WeightsFile.Save(net, File.ReadAllText(networkFile), c.PathOf("weights.json"));
        File.Copy(networkFile, c.PathOf("network.yaml"));
        choice.Save(c.PathOf(DatasetChoice.FileName));
        return new StageResult(metrics, [new Artifact("weights", "weights.json", "trained weights"), new Artifact("network", "network.yaml"), new Artifact("dataset", DatasetChoice.FileName)]);
    }
}

/// <summary>model.load: takes trained weights from a file (as model.train writes them) instead of training.</summary>
public sealed class ModelLoadStage : IStage
{
    public string Kind => "model.load";
    public string Description => "load trained weights (weights.json format) and name the dataset to evaluate on";
    public IReadOnlyList<StageOption> Options { get; } =
    [
        new("weights", OptionType.String, null, "weights file written by model.train (relative to the recipe)", Required: true),
        new("seed", OptionType.Int, 1, "seed of the train/test split"),
        .. DatasetChoice.Options,
    ];
    public IReadOnlyList<string> Produces => ["weights", "network", "dataset"];
}

/// <summary>The in-process adapter of model.load.</summary>
public sealed class ModelLoadAdapter() : InProcessAdapter("model.load")
{
    protected override Task<StageResult> Run(StageContext c, CancellationToken ct)
    {
        var file = c.ResolvePath(c.Options.String("weights"));
        var (net, yaml) = WeightsFile.Load(file);
        File.Copy(file, c.PathOf("weights.json"));
        File.WriteAllText(c.PathOf("network.yaml"), yaml);
        DatasetChoice.From(c).Save(c.PathOf(DatasetChoice.FileName));
        return Task.FromResult(new StageResult([new Metric("layers", net.Spec.Layers.Count)],
            [new Artifact("weights", "weights.json"), new Artifact("network", "network.yaml"), new Artifact("dataset", DatasetChoice.FileName)]));
    }
}

/// <summary>model.accuracy: bit-accurate accuracy of the trained model in a fixed-point format.</summary>
public sealed class ModelAccuracyStage : IStage
{
    public string Kind => "model.accuracy";
    public string Description => "bit-accurate inference of the test set in a fixed-point format (ac_fixed semantics)";
    public IReadOnlyList<StageOption> Options { get; } =
    [
        new("format", OptionType.String, "ac_fixed<8,4,true,AC_RND,AC_SAT>", "format of inputs, weights and layer outputs"),
        new("accum_format", OptionType.String, "", "accumulator format; empty: full precision (never rounds or overflows)"),
        new("test_limit", OptionType.Int, 0, "evaluate only the first N test images (0: all)"),
    ];
    public IReadOnlyList<string> Consumes => ["model"];
    public IReadOnlyList<string> Produces => ["accuracy"];
}

/// <summary>The in-process adapter of model.accuracy.</summary>
public sealed class ModelAccuracyAdapter() : InProcessAdapter("model.accuracy")
{
    protected override async Task<StageResult> Run(StageContext c, CancellationToken ct)
    {
        var (net, test) = await ModelInputs.LoadAsync(c, ct);
        if (c.Options.Int("test_limit") > 0) test = test.Take(c.Options.Int("test_limit"));
        var fmt = Format(c, "format");
        var acc = c.Options.String("accum_format") is { Length: > 0 } ? Format(c, "accum_format") : (FixedFormat?)null;
        var model = new BitAccurateNetwork(net, fmt, acc);
        var sw = Stopwatch.StartNew();
        var predictions = model.Classify(test, c.Threads);
        var seconds = sw.Elapsed.TotalSeconds;
        var accuracy = (double)predictions.Where((p, i) => p == test.Labels[i]).Count() / test.Count;
        var floatAccuracy = Trainer.Accuracy(net, test, threads: c.Threads);
        c.Log.Info($"bit-accurate accuracy {accuracy:P2} at {fmt} on {test.Count} images ({seconds:F2} s); float {floatAccuracy:P2}");
        await File.WriteAllTextAsync(c.PathOf("accuracy.json"), JsonSerializer.Serialize(new
        {
            format = fmt.ToString(), accumulator = acc?.ToString() ?? "full precision", images = test.Count, accuracy, float_accuracy = floatAccuracy,
            layers = model.Formats.Select((f, i) => f is null ? null : new { layer = net.Spec.Layers[i].Name, input = f.Input.ToString(), weight = f.Weight.ToString(), accumulator = f.Accumulator.ToString(), output = f.Output.ToString() }).Where(x => x is not null),
        }, new JsonSerializerOptions { WriteIndented = true }), ct);
        return new StageResult(
            [new Metric("accuracy", accuracy), new Metric("float_accuracy", floatAccuracy), new Metric("test_images", test.Count),
             new Metric("inference_time_s", seconds, "s"), new Metric("word_bits", fmt.Width), new Metric("int_bits", fmt.IntBits)],
            [new Artifact("accuracy", "accuracy.json", "accuracy and the formats of every layer")]);
    }
}

/// <summary>model.profile: the largest magnitude of each tensor over the test set and the integer bits it needs.</summary>
public sealed class ModelProfileStage : IStage
{
    public string Kind => "model.profile";
    public string Description => "range profiling: largest |value| per layer output over the test set, and the integer bits (with sign) it needs";
    public IReadOnlyList<StageOption> Options { get; } = [new("test_limit", OptionType.Int, 0, "profile only the first N test images (0: all)")];
    public IReadOnlyList<string> Consumes => ["model"];
}

/// <summary>The in-process adapter of model.profile.</summary>
public sealed class ModelProfileAdapter() : InProcessAdapter("model.profile")
{
    protected override async Task<StageResult> Run(StageContext c, CancellationToken ct)
    {
        var (net, test) = await ModelInputs.LoadAsync(c, ct);
        if (c.Options.Int("test_limit") > 0) test = test.Take(c.Options.Int("test_limit"));
        var profile = BitAccurateNetwork.Profile(net, test);
        await File.WriteAllTextAsync(c.PathOf("profile.json"), JsonSerializer.Serialize(profile.Select(p => new { layer = p.Layer, max_abs = p.MaxAbs, int_bits = p.IntBits }),
            new JsonSerializerOptions { WriteIndented = true }), ct);
        var max = profile.Max(p => p.MaxAbs);
        foreach (var p in profile) c.Log.Info($"{p.Layer}: max |x| {p.MaxAbs:G5} -> {p.IntBits} integer bits");
        return new StageResult([new Metric("max_abs_value", max), new Metric("int_bits_needed", BitAccurateNetwork.IntBitsFor(max))],
            [new Artifact("profile", "profile.json", "largest magnitude and integer bits per layer output")]);
    }
}

/// <summary>Loads the upstream model stage's weights and test set.</summary>
public static class ModelInputs
{
    public static async Task<(FloatNetwork Net, Models.Datasets.Dataset Test)> LoadAsync(StageContext c, CancellationToken ct)
    {
        var model = c.Input("model");
        var (net, _) = WeightsFile.Load(model.ArtifactPath("weights"));
        var (_, test) = await DatasetChoice.Load(model.ArtifactPath("dataset")).LoadAsync(c, ct);
        return (net, test);
    }
}
