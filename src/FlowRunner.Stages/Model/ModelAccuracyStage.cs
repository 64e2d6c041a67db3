using System.Diagnostics;
using System.Text.Json;
using FlowRunner.Abstractions;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Training;
using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Stages.Model;

/// <summary>Stage `model.accuracy`: bit-accurate accuracy of the upstream model's weights in a fixed-point format, on its test images.</summary>
/// <remarks>
/// Reads: the model stage's weights.json and dataset.json (and its training images with `qat_epochs`).
/// With `qat_epochs`, a fine-tuning that collapses (<see cref="QatCollapse"/>) fails the stage naming the format, unless `on_collapse: warn`.
/// With `qat_epochs` the float weights upstream are fine-tuned quantization-aware at the stage's format first (sharing one float training
/// among the formats of a sweep); the accuracy view then records them as QAT-trained at that format.
/// Writes: accuracy.json ("accuracy": formats of every layer, accumulation modes, accuracy, float accuracy, images).
/// Reports: accuracy, float_accuracy, accuracy_drop, test_images, word_bits, int_bits, frac_bits, inference_time_s.
/// Format precedence: the `format` option, then the weights' quantization-aware training format, then the description's `format:`, then
/// ac_fixed&lt;8,4,true,AC_RND,AC_SAT&gt;; per-layer formats of the description win over all of them.
/// </remarks>
public sealed class ModelAccuracyStage : IStage
{
    public const string KindName = "model.accuracy";

    public string Kind => KindName;

    public string Description => "bit-accurate inference of the test set in a fixed-point format (ac_fixed semantics), against float";

    public IReadOnlyList<StageOption> Options { get; } =
    [
        new("format", OptionType.String, "", "format of inputs, weights and layer outputs (\"ac_fixed<8,4,true,AC_RND,AC_SAT>\", \"8.4 rnd sat\"); empty: the QAT format of the weights, else the description's, else 8.4 rnd sat"),
        new("accum_format", OptionType.String, "", "accumulator format of every multiply-accumulate; empty: the description's, else full precision (never rounds or overflows)"),
        new("logits_format", OptionType.String, "", "output format of the last conv2d/dense layer (the logits): a format, or \"accumulator\" to keep its accumulator's bits; empty: the QAT one of the weights, else the description's, else `format`"),
        new("test_limit", OptionType.Int, 0, "evaluate only the first N test images (0: all)", "images"),
        new("qat_epochs", OptionType.Int, 0, "first fine-tune the upstream weights quantization-aware at `format` for N epochs (adam, clipped straight-through estimator), then measure; 0: measure the weights as they are"),
        new("qat_train_limit", OptionType.Int, 0, "with qat_epochs: fine-tune on the first N training images only (0: all)", "images"),
        new("seed", OptionType.Int, 1, "with qat_epochs: seed of the fine-tuning's shuffling (default: the recipe's seed)"),
        QatCollapseCheck.Option,
    ];

    public IReadOnlyList<ViewUse> Reads => [Views.Weights, Views.Dataset];

    public IReadOnlyList<ViewUse> Writes => [Views.Accuracy];

    public IReadOnlyList<MetricSpec> Reports { get; } =
    [
        new("accuracy", "", "bit-accurate accuracy on the test images"), new("float_accuracy", ""), new("accuracy_drop", "", "float minus bit-accurate"),
        new("test_images", ""), new("word_bits", "", "total bits W of the format"), new("int_bits", "", "integer bits I, sign included"),
        new("frac_bits", "", "W - I"), new("inference_time_s", "s"),
    ];
}

/// <summary>The in-process adapter of model.accuracy.</summary>
public sealed class ModelAccuracyAdapter() : InProcessAdapter(new ModelAccuracyStage())
{
    protected override async Task<StageResult> Run(StageContext c, StageOptions o, CancellationToken ct)
    {
        var model = ModelArtifacts.From(c);
        var net = model.Net;
        var formats = RunFormats(c, o, model);
        var qatEpochs = o.Int("qat_epochs");
        if (qatEpochs < 0) throw new StageFailedException($"stage '{c.StageId}': option 'qat_epochs' must be >= 0");
        Dataset test;
        double? ptq = null, qatLoss = null;
        if (qatEpochs > 0)
        {
            var split = await model.SplitAsync(c, ct);
            test = split.Test.Take(o.Int("test_limit"));
            var train = split.Train.Take(o.Int("qat_train_limit"));
            var options = QuantizationAwareTraining.DefaultOptions(o.Int("seed"), c.Threads) with { Epochs = qatEpochs };
            ptq = new BitAccurateNetwork(net, formats).Accuracy(test, c.Threads);
            c.Log.Info($"quantization-aware fine-tuning at {formats.Format}: {qatEpochs} epoch(s) on {train.Count:N0} images (post-training {ptq:P2})");
            net = QuantizationAwareTraining.FineTune(net, train, formats, options, p =>
            {
                c.Log.Progress(p.Fraction * 0.9, $"qat epoch {p.Epoch}/{p.Epochs}");
                qatLoss = p.EpochLoss ?? qatLoss;
            }, ct);
        }
        else test = await model.TestSetAsync(c, o.Int("test_limit"), ct);
        var bitAccurate = new BitAccurateNetwork(net, formats);
        var sw = Stopwatch.StartNew();
        var accuracy = bitAccurate.Accuracy(test, c.Threads);
        var seconds = sw.Elapsed.TotalSeconds;
        if (ptq is { } before)
            QatCollapseCheck.Apply(c, o, formats.Format, accuracy, before, net.Spec.Classes, qatLoss, "a lower rate or more qat_epochs (model.train's `qat` map sets both)");
        var floatAccuracy = FloatInference.Accuracy(model.Net, test, threads: c.Threads); // the float weights upstream, not the fine-tuned ones
        c.Log.Info($"bit-accurate accuracy {accuracy:P2} at {formats} on {test.Count:N0} images in {seconds:F2} s; float {floatAccuracy:P2}");
        var layers = Enumerable.Range(0, net.Spec.Layers.Count).Where(i => bitAccurate.Formats[i] is not null).Select(i =>
        {
            var f = bitAccurate.Formats[i]!;
            return new AccuracyLayer(net.Spec.Layers[i].Name, f.Input.ToString(), f.Weight.ToString(), f.Accumulator.ToString(), f.Output.ToString(),
                bitAccurate.Mode(i).ToString()!.ToLowerInvariant());
        }).ToList();
        var record = new AccuracyRecord(formats.Format.ToString(), formats.Accumulator?.ToString() ?? "full precision", bitAccurate.InputFormat.ToString(),
            bitAccurate.OutputFormat.ToString(), test.Count, accuracy, floatAccuracy, layers)
        {
            QatTrained = qatEpochs > 0 || model.Training?.QatFormat is not null,
            QatFormat = qatEpochs > 0 ? formats.Format.ToString() : model.Training?.QatFormat,
        };
        await File.WriteAllTextAsync(c.PathOf(AccuracyRecord.FileName), record.ToJson(), ct);
        return new StageResult(
        [
            new Metric("accuracy", accuracy), new Metric("float_accuracy", floatAccuracy), new Metric("accuracy_drop", floatAccuracy - accuracy),
            new Metric("test_images", test.Count), new Metric("word_bits", formats.Format.Width), new Metric("int_bits", formats.Format.IntBits),
            new Metric("frac_bits", formats.Format.FracBits), new Metric("inference_time_s", seconds, "s"),
        ], [new Artifact(Views.Accuracy.Name, AccuracyRecord.FileName, "accuracy and the formats and accumulation mode of every layer")]);
    }
}

/// <summary>accuracy.json, the `accuracy` view: the formats measured (every layer's, and its accumulation mode), whether the weights were trained
/// quantization-aware (and at which format), and the accuracy. Read with <see cref="Read"/>.</summary>
public sealed record AccuracyRecord(string Format, string Accumulator, string InputFormat, string LogitsFormat, int Images, double Accuracy,
    double FloatAccuracy, IReadOnlyList<AccuracyLayer> Layers)
{
    public const string FileName = "accuracy.json";
    public const string VersionName = "flowrunner-accuracy-1";

    /// <summary>The record's version tag ("format" is the number format measured), checked by the reader.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Version { get; init; } = VersionName;

    /// <summary>Whether the weights measured were fine-tuned quantization-aware (their training record has a QAT format).</summary>
    public bool QatTrained { get; init; }

    /// <summary>The format the weights were fine-tuned at, or null.</summary>
    public string? QatFormat { get; init; }

    public string ToJson() => Records.RecordFile.ToJson(this, Records.ViewJson.Records.AccuracyRecord);

    public static AccuracyRecord FromJson(string json, string file = FileName) =>
        Records.RecordFile.Parse(json, file, Records.ViewJson.Records.AccuracyRecord, "version", VersionName);

    /// <summary>The accuracy view of a model.accuracy stage.</summary>
    public static AccuracyRecord Read(string file) => Records.RecordFile.Read(file, Records.ViewJson.Records.AccuracyRecord, "version", VersionName);
}

/// <summary>One layer of accuracy.json: its formats and accumulation mode.</summary>
public sealed record AccuracyLayer(string Layer, string Input, string Weight, string Accumulator, string Output, string Mode);
