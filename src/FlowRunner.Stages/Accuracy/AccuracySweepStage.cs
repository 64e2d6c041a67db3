using System.Diagnostics;
using System.Globalization;
using FlowRunner.Abstractions;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Models.Training;
using FlowRunner.Numerics.Formats;
using FlowRunner.Stages.Model;

namespace FlowRunner.Stages.Accuracy;

/// <summary>Stage `accuracy.sweep`: bit-accurate accuracy of the upstream model over a grid of integer bits × fractional bits, with saturation and
/// with wrap-around; post-training quantization at every point, quantization-aware fine-tuning where asked.</summary>
/// <remarks>
/// Reads: the model stage's weights.json and dataset.json (and the training images when QAT is on).
/// Writes: sweep.csv ("sweep"), heatmap.svg ("heatmap").
/// Reports: float_accuracy, sweep_points, best_accuracy_{ptq,qat}_{sat,wrap}, min_word_bits_{method}_{overflow} and min_int_bits_... (the
/// narrowest word within `tolerance` of float), best_accuracy_within_&lt;N&gt;_bits for each N of `budget_bits`, sweep_time_s.
/// Every point uses ac_fixed&lt;int + frac, int, true, quantization, overflow&gt; for inputs, weights and outputs (the logits: `logits_format`
/// when set) and `accum_format` (or a full-precision accumulator); per-layer formats of the description still win; points with
/// int + frac &lt; 1 are skipped.
/// </remarks>
public sealed class AccuracySweepStage : IStage
{
    public const string KindName = "accuracy.sweep";

    public string Kind => KindName;

    public string Description => "accuracy over integer x fractional bits, saturating and wrapping; post-training quantization, and quantization-aware training where asked";

    public IReadOnlyList<StageOption> Options { get; } =
    [
        new("int_bits", OptionType.List, new List<object?> { 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L }, "integer bits (sign included) to try", "bits"),
        new("frac_bits", OptionType.List, new List<object?> { 0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L }, "fractional bits to try", "bits"),
        new("overflow", OptionType.List, new List<object?> { "sat", "wrap" }, "overflow modes to compare (sat, wrap, sat_zero, sat_sym)"),
        new("quantization", OptionType.String, "rnd", "quantization mode of every format (trn, rnd, rnd_conv, ...)"),
        new("accum_format", OptionType.String, "", "accumulator format; empty: full precision"),
        new("logits_format", OptionType.String, "", "output format of the logits layer at every point: a format, or \"accumulator\" to keep its accumulator's bits; empty: the point's format"),
        new("test_limit", OptionType.Int, 0, "images per point: the first N test images (0: all)", "images"),
        new("qat", OptionType.Bool, false, "also fine-tune quantization-aware at each QAT point (costly: a training run per point)"),
        new("qat_points", OptionType.List, new List<object?>(), "QAT points as [int, frac] pairs, e.g. [[3, 0], [2, 2]]; empty with qat: true means every grid point"),
        new("qat_epochs", OptionType.Int, 2, "fine-tuning epochs per QAT point"),
        new("qat_train_limit", OptionType.Int, 0, "fine-tune on the first N training images only (0: all)", "images"),
        new("qat_optimizer", OptionType.String, "adam", "fine-tuning optimizer") { Choices = ["adam", "sgd"] },
        new("qat_learning_rate", OptionType.Double, 0.0, "fine-tuning step size; 0: 0.001 for adam, 0.005 for sgd"),
        new("qat_ste", OptionType.String, "clipped", "straight-through estimator: clipped (no gradient through saturated outputs) or plain") { Choices = ["clipped", "plain"] },
        new("tolerance", OptionType.Double, 0.01, "accuracy loss against float that still counts as good, for min_word_bits_*"),
        new("budget_bits", OptionType.List, new List<object?> { 4L, 6L, 8L, 10L }, "word widths N for the best_accuracy_within_N_bits metrics", "bits"),
        new("seed", OptionType.Int, 1, "seed of the QAT fine-tuning's shuffling (default: the recipe's seed)"),
    ];

    public IReadOnlyList<ViewUse> Reads => [Views.Weights, Views.Dataset];

    public IReadOnlyList<ViewUse> Writes => [new View("sweep", "sweep.csv: accuracy per format point"), new View("heatmap", "heatmap.svg: the sweep as a picture")];

    public IReadOnlyList<MetricSpec> Reports { get; } =
    [
        new("float_accuracy", ""), new("sweep_points", ""), new("sweep_images", ""), new("sweep_time_s", "s"),
        new("best_accuracy_*", "", "best accuracy per method and overflow mode, and best_accuracy_within_N_bits"),
        new("min_word_bits_*", "bits", "narrowest word within `tolerance` of float, per method and overflow mode"),
        new("min_int_bits_*", "bits", "its integer bits"),
    ];
}

/// <summary>The in-process adapter of accuracy.sweep.</summary>
public sealed class AccuracySweepAdapter() : InProcessAdapter(new AccuracySweepStage())
{
    protected override async Task<StageResult> Run(StageContext c, StageOptions o, CancellationToken ct)
    {
        var ints = Ints(c, o, "int_bits");
        var fracs = Ints(c, o, "frac_bits");
        var overflows = o.List("overflow").Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "").ToList();
        foreach (var m in overflows)
            if (!FixedFormatParser.TryOverflow(m, out _)) throw new StageFailedException($"stage '{c.StageId}': option 'overflow': unknown mode '{m}' (sat, wrap, sat_zero, sat_sym)");
        if (!FixedFormatParser.TryQuantization(o.String("quantization"), out var quantization))
            throw new StageFailedException($"stage '{c.StageId}': option 'quantization': unknown mode '{o.String("quantization")}'");
        var accumulator = Format(c, o, "accum_format");
        var logits = Logits(c, o, "logits_format");
        var qatPoints = o.Bool("qat") ? QatPoints(c, o, ints, fracs) : [];

        var model = ModelArtifacts.From(c);
        var net = model.Net;
        DatasetSplit? split = qatPoints.Count > 0 ? await model.SplitAsync(c, ct) : null;
        var test = split?.Test.Take(o.Int("test_limit")) ?? await model.TestSetAsync(c, o.Int("test_limit"), ct);
        var floatAccuracy = FloatInference.Accuracy(net, test, threads: c.Threads);
        var sw = Stopwatch.StartNew();
        var points = new List<SweepPoint>();
        var grid = (from m in overflows from i in ints from f in fracs where i + f >= 1 select (m, i, f)).ToList();
        var total = grid.Count + qatPoints.Count * overflows.Count;
        foreach (var (mode, i, f) in grid)
        {
            ct.ThrowIfCancellationRequested();
            var format = FormatOf(i, f, quantization, mode);
            points.Add(new SweepPoint("ptq", mode, i, f, format.ToString(), new BitAccurateNetwork(net, FormatDefaults.For(net.Spec, format, accumulator, logits)).Accuracy(test, c.Threads)));
            c.Log.Progress(points.Count / (double)total, $"ptq {mode} {i}+{f} bits");
        }
        if (split is not null)
        {
            var train = split.Train.Take(o.Int("qat_train_limit"));
            var optimizer = o.String("qat_optimizer") == "sgd" ? OptimizerKind.Sgd : OptimizerKind.Adam;
            var rate = o.Double("qat_learning_rate") is > 0 and var r ? r : optimizer == OptimizerKind.Adam ? 0.001 : Optimizer.DefaultRate(optimizer) / 2;
            var options = QuantizationAwareTraining.DefaultOptions(o.Int("seed"), c.Threads) with { Epochs = o.Int("qat_epochs"), Optimizer = optimizer, LearningRate = rate };
            c.Log.Info($"quantization-aware fine-tuning at {qatPoints.Count} point(s) x {overflows.Count} overflow mode(s), {options.Epochs} epoch(s) on {train.Count:N0} images each");
            foreach (var mode in overflows)
                foreach (var (i, f) in qatPoints)
                {
                    var format = FormatOf(i, f, quantization, mode);
                    var (_, accuracy) = QuantizationAwareTraining.FineTuneAndTest(net, train, test, FormatDefaults.For(net.Spec, format, accumulator, logits), options, ct,
                        o.String("qat_ste") != "plain");
                    points.Add(new SweepPoint("qat", mode, i, f, format.ToString(), accuracy));
                    var ptq = points.FirstOrDefault(p => p.Method == "ptq" && p.Overflow == mode && p.IntBits == i && p.FracBits == f);
                    c.Log.Info($"qat {format}: {accuracy:P2}{(ptq is null ? "" : $" (post-training {ptq.Accuracy:P2})")}");
                    c.Log.Progress(points.Count / (double)total, $"qat {mode} {i}+{f} bits");
                }
        }
        var seconds = sw.Elapsed.TotalSeconds;
        var result = new SweepResult(points, floatAccuracy);
        await File.WriteAllTextAsync(c.PathOf("sweep.csv"), result.ToCsv(), ct);
        await File.WriteAllTextAsync(c.PathOf("heatmap.svg"), SweepHeatmap.Render(result, ints, fracs), ct);
        c.Log.Info($"{points.Count} points on {test.Count:N0} images in {seconds:F1} s; float accuracy {floatAccuracy:P2}");
        return new StageResult(Metrics(result, o, seconds, test.Count, c),
            [new Artifact("sweep", "sweep.csv", "accuracy per method, overflow mode and format"), new Artifact("heatmap", "heatmap.svg", "accuracy heat-map: integer x fractional bits")]);
    }

    private static FixedFormat FormatOf(int intBits, int fracBits, Quantization q, string overflow)
    {
        FixedFormatParser.TryOverflow(overflow, out var o);
        return new FixedFormat(intBits + fracBits, intBits, true, q, o);
    }

    private static List<Metric> Metrics(SweepResult r, StageOptions o, double seconds, int images, StageContext c)
    {
        var metrics = new List<Metric> { new("float_accuracy", r.FloatAccuracy), new("sweep_points", r.Points.Count), new("sweep_images", images), new("sweep_time_s", seconds, "s") };
        var tolerance = o.Double("tolerance", 0.01);
        foreach (var (method, overflow) in r.Points.Select(p => (p.Method, p.Overflow)).Distinct())
        {
            var tag = $"{method}_{overflow}";
            metrics.Add(new Metric($"best_accuracy_{tag}", r.Points.Where(p => p.Method == method && p.Overflow == overflow).Max(p => p.Accuracy)));
            // A metric with no value is left out rather than reported as NaN.
            if (r.Narrowest(method, overflow, tolerance) is not { } narrowest)
            {
                c.Log.Info($"{method} {overflow}: no point within {tolerance:P1} of float accuracy");
                continue;
            }
            metrics.Add(new Metric($"min_word_bits_{tag}", narrowest.WordBits, "bits"));
            metrics.Add(new Metric($"min_int_bits_{tag}", narrowest.IntBits, "bits"));
            c.Log.Info($"{method} {overflow}: narrowest within {tolerance:P1} of float: {narrowest.Format} ({narrowest.Accuracy:P2})");
        }
        foreach (var n in Ints(c, o, "budget_bits"))
            if (r.BestWithin(n) is var best && !double.IsNaN(best)) metrics.Add(new Metric($"best_accuracy_within_{n}_bits", best));
        return metrics;
    }

    /// <summary>[int, frac] pairs or { int, frac } maps; empty means the whole grid.</summary>
    private static List<(int Int, int Frac)> QatPoints(StageContext c, StageOptions o, List<int> ints, List<int> fracs)
    {
        var given = o.List("qat_points");
        if (given.Count == 0) return (from i in ints from f in fracs where i + f >= 1 select (i, f)).ToList();
        var points = new List<(int, int)>();
        foreach (var p in given)
        {
            var pair = p switch
            {
                IReadOnlyList<object?> { Count: 2 } l => (l[0], l[1]),
                IReadOnlyDictionary<string, object?> m when m.ContainsKey("int") && m.ContainsKey("frac") => (m["int"], m["frac"]),
                _ => throw new StageFailedException($"stage '{c.StageId}': option 'qat_points': '{p}' is not an [int, frac] pair"),
            };
            try { points.Add((Convert.ToInt32(pair.Item1, CultureInfo.InvariantCulture), Convert.ToInt32(pair.Item2, CultureInfo.InvariantCulture))); }
            catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
            {
                throw new StageFailedException($"stage '{c.StageId}': option 'qat_points': [{pair.Item1}, {pair.Item2}] must be two integers");
            }
        }
        if (points.FirstOrDefault(p => p.Item1 + p.Item2 < 1) is var bad && bad.Item1 + bad.Item2 < 1 && points.Contains(bad))
            throw new StageFailedException($"stage '{c.StageId}': option 'qat_points': [{bad.Item1}, {bad.Item2}] gives a word of {bad.Item1 + bad.Item2} bits");
        return points;
    }
}
