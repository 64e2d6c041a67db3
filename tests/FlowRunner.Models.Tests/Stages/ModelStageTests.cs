using System.Text.Json;
using FlowRunner.Abstractions;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Network;
using FlowRunner.Models.Tests.Datasets;
using FlowRunner.Models.Tests.Support;
using FlowRunner.Models.Training;
using FlowRunner.Stages.Accuracy;
using FlowRunner.Stages.Model;

namespace FlowRunner.Models.Tests.Stages;

[Collection(MnistCollection.Name)]
public sealed class ModelStageTests(MnistFixture mnist) : IDisposable
{
    private readonly StageHarness _h = new(mnist);

    public void Dispose() => _h.Dispose();

    private static double M(StageOutput o, string name) => o.Metric(name) ?? throw new Xunit.Sdk.XunitException($"{o.StageId} has no metric {name}: {string.Join(", ", o.Metrics)}");

    [Fact]
    public async Task Quantization_aware_training_that_collapses_fails_the_stage_naming_the_format_unless_told_to_keep_going()
    {
        // An absurd fine-tuning rate (Adam at 20) throws the weights far outside ac_fixed<4,3>: the network forgets what it learnt.
        Dictionary<string, object?> With(string onCollapse) => new()
        {
            ["epochs"] = 1L, ["train_limit"] = 1000L, ["test_limit"] = 300L, ["on_collapse"] = onCollapse,
            ["qat"] = new Dictionary<string, object?> { ["word"] = 4L, ["int"] = 3L, ["epochs"] = 1L, ["learning_rate"] = 20.0 },
        };
        var e = await Assert.ThrowsAsync<StageFailedException>(() => _h.RunAsync(new ModelTrainAdapter(), "collapse", With("fail")));
        Assert.Contains("ac_fixed<4,3,true,AC_RND,AC_SAT> collapsed", e.Message);
        Assert.Contains("lower qat.learning_rate", e.Message);
        var kept = await _h.RunAsync(new ModelTrainAdapter(), "collapse-kept", With("warn"));
        Assert.True(M(kept, "qat_accuracy") < 0.5, $"kept going at {M(kept, "qat_accuracy"):P1}");
        Assert.Contains(_h.Log.Lines, l => l.Contains("collapsed") && l.Contains("on_collapse: warn keeps going"));
    }

    [Fact]
    public async Task Train_then_accuracy_profile_sweep_and_load_work_from_each_others_artifacts()
    {
        var model = await _h.RunAsync(new ModelTrainAdapter(), "model", new()
        {
            ["epochs"] = 2L, ["train_limit"] = 2000L, ["test_limit"] = 400L,
            ["qat"] = new Dictionary<string, object?> { ["word"] = 6L, ["int"] = 3L, ["epochs"] = 1L, ["logits_format"] = "accumulator" },
        });
        Assert.InRange(M(model, "float_accuracy"), 0.8, 1.0);
        Assert.InRange(M(model, "qat_accuracy"), 0.8, 1.0);
        Assert.Equal(400, M(model, "test_images"));
        var dataset = DatasetSpec.Load(model.ArtifactPath("dataset"));
        Assert.Equal(("mnist", 2000, 1, 400), (dataset.Kind, dataset.TestHoldout, dataset.SplitSeed, dataset.TestIndices!.Length));
        Assert.Equal(mnist.Test.SourceIndices[..400], dataset.TestIndices);
        var (net, training) = WeightsFile.Load(model.ArtifactPath("weights"));
        Assert.Equal("ac_fixed<6,3,true,AC_RND,AC_SAT>", training!.QatFormat);
        Assert.Equal("accumulator", training.QatLogitsFormat);
        Assert.Equal(File.ReadAllText(Repo.ReferenceNetwork), File.ReadAllText(model.ArtifactPath("network")));
        Assert.Contains(_h.Log.Lines, l => l.Contains("2,000 held out for testing"));

        var accuracy = await _h.RunAsync(new ModelAccuracyAdapter(), "accuracy", new() { ["format"] = "ac_fixed<8,4,true,AC_RND,AC_SAT>" }, model);
        Assert.InRange(M(accuracy, "accuracy"), 0.6, 1.0);
        Assert.Equal((8, 4, 400), ((int)M(accuracy, "word_bits"), (int)M(accuracy, "int_bits"), (int)M(accuracy, "test_images")));
        using (var json = JsonDocument.Parse(File.ReadAllText(accuracy.ArtifactPath("accuracy"))))
        {
            var layers = json.RootElement.GetProperty("layers");
            Assert.Equal(3, layers.GetArrayLength());
            Assert.Equal("exact", layers[0].GetProperty("mode").GetString());
            Assert.Equal(M(accuracy, "accuracy"), json.RootElement.GetProperty("accuracy").GetDouble());
        }
        var qatFormat = await _h.RunAsync(new ModelAccuracyAdapter(), "accuracy-qat", new(), model);
        Assert.Equal((6, 3), ((int)M(qatFormat, "word_bits"), (int)M(qatFormat, "int_bits"))); // the weights' QAT format, as no format was given
        Assert.Equal(M(model, "qat_accuracy"), M(qatFormat, "accuracy"));

        var narrow = await _h.RunAsync(new ModelAccuracyAdapter(), "accuracy-4-2", new() { ["format"] = "4.2 rnd sat" }, model);
        var wideLogits = await _h.RunAsync(new ModelAccuracyAdapter(), "accuracy-4-2-acc", new() { ["format"] = "4.2 rnd sat", ["logits_format"] = "accumulator" }, model);
        Assert.True(M(wideLogits, "accuracy") > M(narrow, "accuracy"), $"logits kept at accumulator precision {M(wideLogits, "accuracy"):P1} vs 4-bit logits {M(narrow, "accuracy"):P1}");

        var profile = await _h.RunAsync(new ModelProfileAdapter(), "profile", new() { ["test_limit"] = 200L }, model);
        Assert.InRange(M(profile, "int_bits_needed"), 3, 10);
        Assert.Equal(RangeProfilerBits(M(profile, "max_abs_value")), M(profile, "int_bits_needed"));

        var sweep = await _h.RunAsync(new AccuracySweepAdapter(), "sweep", new()
        {
            ["int_bits"] = new List<object?> { 2L, 4L, 6L }, ["frac_bits"] = new List<object?> { 0L, 2L, 4L }, ["test_limit"] = 300L,
            ["qat"] = true, ["qat_points"] = new List<object?> { new List<object?> { 3L, 1L } }, ["qat_epochs"] = 1L, ["qat_train_limit"] = 500L,
        }, model);
        var rows = File.ReadAllLines(sweep.ArtifactPath("sweep")).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(3 * 3 * 2 + 2, rows.Count);
        Assert.Equal(2, rows.Count(r => r[0] == "qat"));
        double Acc(string method, string overflow, int i, int f) => double.Parse(rows.Single(r => r[0] == method && r[1] == overflow && r[2] == $"{i}" && r[3] == $"{f}")[^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Acc("ptq", "sat", 2, 4) > Acc("ptq", "wrap", 2, 4), "2 integer bits: saturation should beat wrap-around");
        var check = await _h.RunAsync(new ModelAccuracyAdapter(), "check", new() { ["format"] = "10.6 rnd sat", ["test_limit"] = 300L }, model);
        Assert.Equal(Acc("ptq", "sat", 6, 4), M(check, "accuracy"), 4);
        var svg = File.ReadAllText(sweep.ArtifactPath("heatmap"));
        Assert.StartsWith("<svg", svg);
        Assert.Contains("class=\"plot heatmap\"", svg);
        // ScottPlot draws in the order added: each panel's heading, then its cells' values row by row (integer bits 6, 4, 2; fractional 0, 2, 4).
        var texts = FlowRunner.Stages.Tests.RunReport.ChartMarkers.Texts(svg).Select(System.Net.WebUtility.HtmlDecode).ToList();
        foreach (var (title, method, overflow) in new[] { ("post-training, saturate", "ptq", "sat"), ("post-training, wrap", "ptq", "wrap"),
                     ("quantization-aware, saturate", "qat", "sat"), ("quantization-aware, wrap", "qat", "wrap") })
        {
            var at = texts.IndexOf(title);
            Assert.True(at >= 0, $"no panel '{title}' in the heat-map");
            var expected = new[] { 6, 4, 2 }.SelectMany(i => new[] { 0, 2, 4 }.Select(f =>
                rows.SingleOrDefault(r => r[0] == method && r[1] == overflow && r[2] == $"{i}" && r[3] == $"{f}") is { } row
                    ? $"{double.Parse(row[^1], System.Globalization.CultureInfo.InvariantCulture) * 100:F0}" : "–")).ToList();
            Assert.Equal(expected, texts.Skip(at + 1).Take(9).ToList());
        }
        Assert.Equal(20, M(sweep, "sweep_points"));
        Assert.True(M(sweep, "best_accuracy_within_8_bits") >= Acc("ptq", "sat", 4, 4) - 1e-4); // the CSV rounds to 4 places

        var loaded = await _h.RunAsync(new ModelLoadAdapter(), "load", new() { ["weights"] = model.ArtifactPath("weights"), ["test_limit"] = 400L });
        Assert.Equal(M(accuracy, "float_accuracy"), M(loaded, "float_accuracy")); // the saved (QAT-tuned) weights in float
        var again = await _h.RunAsync(new ModelAccuracyAdapter(), "accuracy-loaded", new() { ["format"] = "8.4 rnd sat" }, loaded);
        Assert.Equal(M(accuracy, "accuracy"), M(again, "accuracy"));
    }

    private static double RangeProfilerBits(double max) => FlowRunner.Models.Profiling.RangeProfiler.IntBitsFor(max);

    [Fact]
    public async Task Your_own_idx_files_train_and_the_accuracy_stage_reads_the_same_test_images()
    {
        var dir = Path.Combine(_h.Root, "idx");
        Directory.CreateDirectory(dir);
        void Write(string name, Dataset d)
        {
            File.WriteAllBytes(Path.Combine(dir, name + "-images"), IdxReaderTests.Idx([d.Count, 28, 28], d.Images.SelectMany(i => i.Select(p => (byte)Math.Round(p * 255))).ToArray()));
            File.WriteAllBytes(Path.Combine(dir, name + "-labels"), IdxReaderTests.Idx([d.Count], d.Labels));
        }
        Write("train", mnist.Train.Take(800));
        Write("test", mnist.Test.Take(200));
        var model = await _h.RunAsync(new ModelTrainAdapter(), "idx-model", new()
        {
            ["dataset"] = "idx", ["epochs"] = 1L, ["network"] = "no-such-folder/mnist-cnn.yaml",
            ["train_images"] = Path.Combine(dir, "train-images"), ["train_labels"] = Path.Combine(dir, "train-labels"),
            ["test_images"] = Path.Combine(dir, "test-images"), ["test_labels"] = Path.Combine(dir, "test-labels"),
        });
        Assert.Equal((800, 200), ((int)M(model, "train_images"), (int)M(model, "test_images")));
        Assert.Contains(_h.Log.Lines, l => l.Contains("using the built-in reference network"));
        Assert.Equal("idx", DatasetSpec.Load(model.ArtifactPath("dataset")).Kind);
        var accuracy = await _h.RunAsync(new ModelAccuracyAdapter(), "idx-accuracy", new() { ["format"] = "16.8 rnd sat" }, model);
        Assert.Equal(200, M(accuracy, "test_images"));
        Assert.InRange(M(accuracy, "accuracy"), M(model, "float_accuracy") - 0.01, M(model, "float_accuracy") + 0.01);
    }

    [Fact]
    public async Task Fashion_mnist_from_debian_trains()
    {
        var model = await _h.RunAsync(new ModelTrainAdapter(), "fashion", new() { ["dataset"] = "fashion-mnist", ["epochs"] = 1L, ["train_limit"] = 1000L, ["test_limit"] = 300L });
        Assert.InRange(M(model, "float_accuracy"), 0.45, 1.0); // ten clothing classes; chance is 0.1
        var spec = DatasetSpec.Load(model.ArtifactPath("dataset"));
        Assert.EndsWith("t10k-images-idx3-ubyte.gz", spec.TestImages);
    }

    [Fact]
    public async Task Mistakes_in_options_are_stage_errors_naming_the_stage_and_option()
    {
        var e1 = await Assert.ThrowsAsync<StageFailedException>(() => _h.RunAsync(new ModelTrainAdapter(), "m1", new() { ["network"] = "models/nope.yaml" }));
        Assert.Contains("stage 'm1': network description", e1.Message);
        Assert.Contains("nope.yaml not found", e1.Message);
        var e2 = await Assert.ThrowsAsync<StageFailedException>(() => _h.RunAsync(new ModelTrainAdapter(), "m2", new() { ["qat"] = new Dictionary<string, object?> { ["word"] = 4L } }));
        Assert.Contains("stage 'm2': option 'qat' needs `word` and `int`", e2.Message);
        var e3 = await Assert.ThrowsAsync<StageFailedException>(() => _h.RunAsync(new ModelTrainAdapter(), "m3", new() { ["qat"] = new Dictionary<string, object?> { ["word"] = 4L, ["int"] = 2L, ["bits"] = 3L } }));
        Assert.Contains("option 'qat' has no key 'bits'", e3.Message);
        var e4 = await Assert.ThrowsAsync<StageFailedException>(() => _h.RunAsync(new ModelAccuracyAdapter(), "a1", new() { ["format"] = "8.4 round" }));
        Assert.Contains("needs a model.train, model.load or model.import stage upstream", e4.Message);
        var e5 = await Assert.ThrowsAsync<StageFailedException>(() => _h.RunAsync(new ModelTrainAdapter(), "m5", new() { ["dataset"] = "idx" }));
        Assert.Contains("dataset idx needs option 'train_images'", e5.Message);
        var e6 = await Assert.ThrowsAsync<StageFailedException>(() => _h.RunAsync(new ModelLoadAdapter(), "l1", new() { ["weights"] = "missing-weights.json" }));
        Assert.Contains("stage 'l1': ", e6.Message);
        Assert.Contains("missing-weights.json: weights file not found", e6.Message);
        var e7 = await Assert.ThrowsAsync<StageFailedException>(() => _h.RunAsync(new AccuracySweepAdapter(), "s1", new() { ["accum_format"] = "12.4 round" }));
        Assert.Contains("stage 's1': option 'accum_format': '12.4 round': unknown mode 'round'", e7.Message);
    }
}
