using System.Diagnostics;
using FlowRunner.Abstractions;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Models.Training;

namespace FlowRunner.Stages.Model;

/// <summary>Stage `model.train`: trains a network description on a dataset (float, then optionally quantization-aware fine-tuning).</summary>
/// <remarks>
/// Reads: the network description (`network`, relative to the recipe; the built-in mnist-cnn.yaml when absent) and the dataset.
/// Writes: weights.json ("weights", <see cref="WeightsFile"/>), network.yaml ("network"), dataset.json ("dataset", <see cref="DatasetSpec"/>).
/// Reports: float_accuracy, qat_accuracy (with qat), train_loss, train_images, test_images, parameters, train_time_s.
/// </remarks>
public sealed class ModelTrainStage : IStage
{
    public const string KindName = "model.train";

    public string Kind => KindName;

    public string Description => "train the network on a dataset: mini-batch SGD with momentum or Adam, seeded, both cores; optional quantization-aware fine-tuning";

    public IReadOnlyList<StageOption> Options { get; } =
    [
        new("network", OptionType.String, "models/mnist-cnn.yaml", "network description (YAML, relative to the recipe; mnist-cnn.yaml falls back to the built-in copy)"),
        new("epochs", OptionType.Int, 3, "float training epochs"),
        new("batch", OptionType.Int, 32, "mini-batch size", "images"),
        new("optimizer", OptionType.String, "sgd", "sgd (with momentum) or adam") { Choices = ["sgd", "adam"] },
        new("learning_rate", OptionType.Double, 0.0, "step size; 0 takes the optimizer's usual one (sgd 0.01, adam 0.001)"),
        new("momentum", OptionType.Double, 0.9, "sgd momentum"),
        new("seed", OptionType.Int, 1, "seed of the weight initialisation and of the shuffling (default: the recipe's seed)"),
        new("schedule", OptionType.String, "constant", "learning-rate schedule over all steps: constant, cosine (to 0) or one_cycle (warm-up over 30% from rate/25, cosine to rate/10^4)")
            { Choices = ["constant", "cosine", "one_cycle"] },
        new("augment", OptionType.Map, null, "seeded random distortion of every training sample, per epoch: { shift: 2 (pixels), rotate: 10 (degrees), scale: 0.1 (±fraction) }; "
            + "also used by quantization-aware fine-tuning"),
        QatCollapseCheck.Option,
        new("qat", OptionType.Map, null, "quantization-aware fine-tuning after float training: { word: 4, int: 2, quantization: rnd, overflow: sat, logits_format: \"\", "
            + "epochs: 2, optimizer: adam, learning_rate: 0, enabled: true }; format ac_fixed<word,int,true,..>, int counts the sign bit "
            + "(QKeras quantized_bits(bits, integer) = word bits, int integer + 1); logits_format: a format or \"accumulator\" for the last layer's outputs; "
            + "ste: clipped (no gradient through saturated outputs) or plain"),
        new("qat_format", OptionType.String, "", "shorthand for qat: the quantization-aware format, e.g. \"ac_fixed<4,3,true,AC_RND,AC_SAT>\"; empty: no QAT unless `qat` is given"),
        new("qat_epochs", OptionType.Int, 2, "with qat_format: fine-tuning epochs"),
        .. DatasetOptions.Options,
    ];

    public IReadOnlyList<ViewUse> Writes => [Views.Weights, Views.Network, Views.Dataset];

    public IReadOnlyList<MetricSpec> Reports { get; } =
    [
        new("float_accuracy", "", "accuracy of the float network on the test images"),
        new MetricSpec("qat_accuracy", "", "bit-accurate accuracy after quantization-aware fine-tuning").Optional("qat"),
        new("train_loss", "", "mean loss of the last epoch"),
        new("train_images", ""), new("test_images", ""), new("parameters", "", "weights and biases"),
        new("train_time_s", "s"),
    ];
}

/// <summary>The in-process adapter of model.train.</summary>
public sealed class ModelTrainAdapter() : InProcessAdapter(new ModelTrainStage())
{
    protected override async Task<StageResult> Run(StageContext c, StageOptions o, CancellationToken ct)
    {
        var spec = NetworkLocator.Load(c, o.String("network"));
        var qat = QatOptions.From(c, o);
        var optimizer = o.String("optimizer") == "adam" ? OptimizerKind.Adam : OptimizerKind.Sgd;
        var data = await DatasetLoader.LoadAsync(DatasetOptions.From(c, o), ToolDatasetHost.Of(c), ct);
        var augment = AugmentOptions.From(c, o);
        var schedule = o.String("schedule") switch { "cosine" => RateSchedule.Cosine, "one_cycle" => RateSchedule.OneCycle, _ => RateSchedule.Constant };
        var options = new TrainingOptions(o.Int("epochs"), o.Int("batch"), o.Double("learning_rate"), optimizer, o.Double("momentum"), o.Int("seed"), null, c.Threads,
            augment, schedule);
        if (options.Epochs < 0 || options.Batch < 1) throw new StageFailedException($"stage '{c.StageId}': epochs must be >= 0 and batch >= 1");
        c.Log.Info($"training {spec.Name} ({spec.MacCount:N0} MACs an inference) on {data.Train.Count:N0} images: {options.Epochs} epoch(s), {optimizer.ToString().ToLowerInvariant()} at {options.Rate}, batch {options.Batch}, {schedule.ToString().ToLowerInvariant()} schedule, augmentation {augment}, seed {options.Seed}; qat {qat}");
        var sw = Stopwatch.StartNew();
        var floatShare = qat.Enabled ? 0.7 : 1.0;
        double loss = double.NaN;
        void Report(TrainingProgress p, double from, double share, string what)
        {
            c.Log.Progress(from + p.Fraction * share, $"{what} epoch {p.Epoch}/{p.Epochs}");
            if (p.EpochLoss is { } l) { loss = l; c.Log.Info($"{what} epoch {p.Epoch}/{p.Epochs}: mean loss {l:F4} ({sw.Elapsed.TotalSeconds:F1} s)"); }
        }
        var net = Trainer.Train(spec, data.Train, options, p => Report(p, 0, floatShare, "float"), ct: ct);
        var floatAccuracy = FloatInference.Accuracy(net, data.Test, threads: c.Threads);
        c.Log.Info($"float accuracy {floatAccuracy:P2} on {data.Test.Count:N0} test images");
        var metrics = new List<Metric>();
        if (qat.Enabled)
        {
            var formats = FormatDefaults.For(spec, qat.Format, logits: qat.Logits);
            var ptqAccuracy = new BitAccurateNetwork(net, formats).Accuracy(data.Test, c.Threads);
            double? qatLoss = null;
            net = QuantizationAwareTraining.FineTune(net, data.Train, formats, qat.Training with { Augment = augment }, p =>
            {
                Report(p, floatShare, 1 - floatShare, "qat");
                qatLoss = p.EpochLoss ?? qatLoss;
            }, ct, qat.ClipGradients);
            var qatAccuracy = new BitAccurateNetwork(net, formats).Accuracy(data.Test, c.Threads);
            c.Log.Info($"quantization-aware training at {qat.Format}: bit-accurate accuracy {qatAccuracy:P2} (post-training {ptqAccuracy:P2})");
            QatCollapseCheck.Apply(c, o, qat.Format!.Value, qatAccuracy, ptqAccuracy, spec.Classes, qatLoss, "a lower qat.learning_rate, more qat.epochs, or ste: clipped");
            metrics.Add(new Metric("qat_accuracy", qatAccuracy));
        }
        var seconds = sw.Elapsed.TotalSeconds;
        WeightsFile.Save(net, c.PathOf("weights.json"), new TrainingRecord(data.Spec.Kind, options.Epochs, optimizer.ToString().ToLowerInvariant(), options.Rate,
            options.Batch, options.Seed, qat.Format?.ToString(), qat.Enabled ? qat.Training.Epochs : 0, qat.Logits?.ToString()));
        await File.WriteAllTextAsync(c.PathOf("network.yaml"), spec.Source, ct);
        data.Spec.Save(c.PathOf(DatasetSpec.FileName));
        metrics.AddRange(
        [
            new Metric("float_accuracy", floatAccuracy), new Metric("train_loss", loss), new Metric("train_images", data.Train.Count),
            new Metric("test_images", data.Test.Count), new Metric("parameters", net.Weights.Sum(w => w.Length) + net.Biases.Sum(b => b.Length)),
            new Metric("train_time_s", seconds, "s"),
        ]);
        return new StageResult(metrics,
        [
            new Artifact("weights", "weights.json", "trained weights with the network description embedded"),
            new Artifact("network", "network.yaml", "the network description used"),
            new Artifact("dataset", DatasetSpec.FileName, "dataset, split seed and test image indices, for every stage that evaluates the model"),
        ]);
    }
}
