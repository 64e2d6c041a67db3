using System.Globalization;
using System.Net;
using System.Text;
using FlowRunner.Abstractions;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Training;
using FlowRunner.Numerics.Formats;
using FlowRunner.Stages.Model;

namespace FlowRunner.Stages.Accuracy;

/// <summary>accuracy.sweep: bit-accurate accuracy over a grid of integer bits × fractional bits, with saturation and with wrap-around
/// (post-training quantization of the upstream model), as CSV, a heat-map SVG and summary metrics.</summary>
public sealed class AccuracySweepStage : IStage
{
    public string Kind => "accuracy.sweep";
    public string Description => "accuracy over integer x fractional bits, saturating and wrapping (post-training quantization)";
    public IReadOnlyList<StageOption> Options { get; } =
    [
        new("int_bits", OptionType.List, new List<object?> { 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L }, "integer bits (with sign) to try"),
        new("frac_bits", OptionType.List, new List<object?> { 0L, 1L, 2L, 3L, 4L, 5L, 6L }, "fractional bits to try"),
        new("overflow", OptionType.List, new List<object?> { "sat", "wrap" }, "overflow modes to compare"),
        new("quantization", OptionType.String, "rnd", "quantization mode of every format"),
        new("test_limit", OptionType.Int, 1000, "images per grid point (0: the whole test set)"),
    ];
    public IReadOnlyList<string> Consumes => ["model"];
    public IReadOnlyList<string> Produces => ["sweep", "heatmap"];
}

/// <summary>The in-process adapter of accuracy.sweep.</summary>
public sealed class AccuracySweepAdapter() : InProcessAdapter("accuracy.sweep")
{
    protected override async Task<StageResult> Run(StageContext c, CancellationToken ct)
    {
        var (net, test) = await ModelInputs.LoadAsync(c, ct);
        if (c.Options.Int("test_limit") > 0) test = test.Take(c.Options.Int("test_limit"));
        var ints = c.Options.List("int_bits").Select(v => Convert.ToInt32(v, CultureInfo.InvariantCulture)).ToList();
        var fracs = c.Options.List("frac_bits").Select(v => Convert.ToInt32(v, CultureInfo.InvariantCulture)).ToList();
        var modes = c.Options.List("overflow").Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)!).ToList();
        if (!FixedFormatParser.TryQuantization(c.Options.String("quantization"), out var q))
            throw new StageFailedException($"stage '{c.StageId}': option 'quantization': unknown mode '{c.Options.String("quantization")}'");
        var floatAccuracy = Trainer.Accuracy(net, test, threads: c.Threads);
        var results = new Dictionary<(string, int, int), double>();
        var total = modes.Count * ints.Count * fracs.Count;
        var done = 0;
        foreach (var mode in modes)
        {
            if (!FixedFormatParser.TryOverflow(mode, out var o)) throw new StageFailedException($"stage '{c.StageId}': option 'overflow': unknown mode '{mode}'");
            foreach (var i in ints)
                foreach (var f in fracs)
                {
                    ct.ThrowIfCancellationRequested();
                    if (i + f < 1) { results[(mode, i, f)] = double.NaN; continue; }
                    var fmt = new FixedFormat(i + f, i, true, q, o);
                    results[(mode, i, f)] = new BitAccurateNetwork(net, fmt).Accuracy(test, c.Threads);
                    c.Log.Progress(++done / (double)total, $"{mode} {i}.{f}");
                }
        }
        var csv = new StringBuilder("overflow,int_bits,frac_bits,word_bits,accuracy\n");
        foreach (var ((mode, i, f), a) in results) csv.Append(CultureInfo.InvariantCulture, $"{mode},{i},{f},{i + f},{a:F4}\n");
        await File.WriteAllTextAsync(c.PathOf("sweep.csv"), csv.ToString(), ct);
        await File.WriteAllTextAsync(c.PathOf("heatmap.svg"), Heatmap(results, modes, ints, fracs, floatAccuracy), ct);

        // The smallest word that stays within one point of float accuracy, per overflow mode, and the integer bits each needs.
        var metrics = new List<Metric> { new("float_accuracy", floatAccuracy), new("sweep_points", results.Count) };
        foreach (var mode in modes)
        {
            var good = results.Where(r => r.Key.Item1 == mode && r.Value >= floatAccuracy - 0.01).Select(r => r.Key).ToList();
            metrics.Add(new Metric($"min_word_bits_{mode}", good.Count == 0 ? double.NaN : good.Min(k => k.Item2 + k.Item3)));
            metrics.Add(new Metric($"min_int_bits_{mode}", good.Count == 0 ? double.NaN : good.Min(k => k.Item2)));
            metrics.Add(new Metric($"best_accuracy_{mode}", results.Where(r => r.Key.Item1 == mode).Max(r => r.Value)));
        }
        return new StageResult(metrics, [new Artifact("sweep", "sweep.csv", "accuracy per format"), new Artifact("heatmap", "heatmap.svg", "heat-map")]);
    }

    /// <summary>Integer bits down, fractional bits across, one panel per overflow mode, colour from red (chance) to green (float accuracy).</summary>
    public static string Heatmap(IReadOnlyDictionary<(string, int, int), double> r, IReadOnlyList<string> modes, IReadOnlyList<int> ints, IReadOnlyList<int> fracs, double reference)
    {
        const int cell = 34, left = 60, top = 40, gap = 50;
        var panelW = fracs.Count * cell;
        var width = left + modes.Count * (panelW + gap);
        var height = top + ints.Count * cell + 50;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heatmap\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"10\">");
        sb.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>");
        for (var m = 0; m < modes.Count; m++)
        {
            var x0 = left + m * (panelW + gap);
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 + panelW / 2}\" y=\"16\" text-anchor=\"middle\" font-size=\"13\">{WebUtility.HtmlEncode(modes[m] == "sat" ? "saturation" : modes[m] == "wrap" ? "wrap-around" : modes[m])}</text>");
            for (var fi = 0; fi < fracs.Count; fi++)
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 + fi * cell + cell / 2}\" y=\"{top - 6}\" text-anchor=\"middle\">{fracs[fi]}</text>");
            for (var ii = 0; ii < ints.Count; ii++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 - 6}\" y=\"{top + ii * cell + cell / 2 + 4}\" text-anchor=\"end\">{ints[ii]}</text>");
                for (var fi = 0; fi < fracs.Count; fi++)
                {
                    var a = r.TryGetValue((modes[m], ints[ii], fracs[fi]), out var v) ? v : double.NaN;
                    var t = double.IsNaN(a) ? 0 : Math.Clamp((a - 0.1) / Math.Max(0.01, reference - 0.1), 0, 1);
                    var fill = double.IsNaN(a) ? "#eeeeee" : $"rgb({(int)(220 * (1 - t) + 30)},{(int)(190 * t + 40)},70)";
                    sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"cell\" x=\"{x0 + fi * cell}\" y=\"{top + ii * cell}\" width=\"{cell - 1}\" height=\"{cell - 1}\" fill=\"{fill}\"><title>{modes[m]} {ints[ii]}.{fracs[fi]}: {a:P1}</title></rect>");
                    if (!double.IsNaN(a))
                        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 + fi * cell + cell / 2}\" y=\"{top + ii * cell + cell / 2 + 3}\" text-anchor=\"middle\" fill=\"white\">{a * 100:F0}</text>");
                }
            }
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 + panelW / 2}\" y=\"{top + ints.Count * cell + 18}\" text-anchor=\"middle\">fractional bits</text>");
        }
        sb.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(14,{top + ints.Count * cell / 2}) rotate(-90)\" text-anchor=\"middle\">integer bits (with sign)</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{height - 8}\">accuracy in % (float: {reference * 100:F1}%)</text></svg>");
        return sb.ToString();
    }
}
