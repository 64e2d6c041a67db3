using System.Diagnostics;
using FlowRunner.Abstractions;
using FlowRunner.Hls.Schedule;
using FlowRunner.Models.Activity;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;
using FlowRunner.Stages.Hls;
using FlowRunner.Hls.Vectors;
using FlowRunner.Stages.Model;

namespace FlowRunner.Stages.Power;

/// <summary>The power stage's activity step: the bit-accurate model in the formats the hardware computes in runs the chosen images on the
/// schedule's MAC array, and the memories' traffic per inference comes from memory.json (else the schedule).</summary>
public sealed record PowerActivity(BitAccurateNetwork Net, ActivityReport Report, double Seconds)
{
    public static async Task<PowerActivity> MeasureAsync(StageContext c, PowerViews views, CancellationToken ct)
    {
        var schedule = views.Schedule;
        var s = schedule.Record;
        var model = views.Model;
        var net = BitAccurate(c, model, schedule);
        var sw = Stopwatch.StartNew();
        var count = c.Options.Int("images", 1000);
        var accBits = s.Layers.Where(l => l.AccumBits > 0).ToDictionary(l => l.Name, l => l.AccumBits);
        var array = new MacArray(s.Lanes, s.MultipliersPerLane, accBits);
        var key = ActivityKey(c, model, net, array, count);
        ActivityReport? activity = null;
        var shared = key is not null && SharedActivity.TryGetValue(key, out activity);
        if (!shared)
        {
            var images = await ImagesAsync(c, model, count, ct);
            try { activity = ActivityRecorder.Record(net, images, array, c.Threads, ct); }
            catch (ArgumentException e) { throw new StageFailedException($"stage '{c.StageId}': {e.Message}"); }
            if (key is not null)
            {
                if (SharedActivity.Count >= 256) SharedActivity.Clear();
                SharedActivity.TryAdd(key, activity);
            }
        }
        var seconds = sw.Elapsed.TotalSeconds;
        var imageCount = activity!.Images;
        activity = activity with
        {
            Memories = views.Memories is { } memories
                ? memories.Logical.Select(m => new MemoryActivity(m.Name, m.Width, m.ReadsPerInference, m.WritesPerInference)).ToList()
                : s.Memories.Select(m => new MemoryActivity(m.Name, m.Width, m.ReadsPerInference, m.WritesPerInference)).ToList(),
        };
        c.Log.Info($"activity of {imageCount:N0} images on {s.Lanes} lanes x {s.MultipliersPerLane} multipliers in {seconds:F2} s{(shared ? " (measured by an earlier point in this process: same model, formats, images and MAC array)" : "")}: "
            + string.Join("; ", activity.Layers.Select(l => $"{l.Name} operands {l.OperandA.ToggleRate:F3}/{l.OperandB.ToggleRate:F3}, accumulator {l.Accumulator.ToggleRate:F3}")));
        var unmatched = activity.Layers.Where(l => s.Layers.All(x => x.Name != l.Name)).Select(l => l.Name).ToList();
        if (s.Layers.Count > 0 && unmatched.Count > 0)
            c.Log.Warn($"{schedule.File}: no layer named {string.Join(", ", unmatched)}; their accumulators take the model's full-precision width");
        return new PowerActivity(net, activity, seconds);
    }

    /// <summary>The bit-accurate model in the formats the hardware computes in: the schedule's "formats" (what hls.emit built), or the `format`
    /// option with the schedule's last layer output format for the logits.</summary>
    private static BitAccurateNetwork BitAccurate(StageContext c, ModelArtifacts model, ScheduleFile schedule)
    {
        FixedFormat? Parse(string? text, string where)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            try { return FixedFormat.Parse(text); }
            catch (FixedFormatException e) { throw new StageFailedException($"{where}: {e.Message}"); }
        }
        var option = Parse(c.Options.String("format"), $"stage '{c.StageId}': option 'format'");
        var layers = schedule.Record.Layers;
        if (option is null)
        {
            var sf = schedule.Record.Formats;
            // The formats hls.emit built the hardware for: exactly the model's layers, accumulator and logits included.
            try
            {
                var logitsFormat = sf.Logits is null ? (LogitsFormat?)null : LogitsFormat.Parse(sf.Logits);
                return new BitAccurateNetwork(model.Net, FormatDefaults.For(model.Net.Spec, Parse(sf.Format, $"{schedule.File}: formats.format"),
                    Parse(sf.Accumulator, $"{schedule.File}: formats.accumulator"), logitsFormat));
            }
            catch (FixedFormatException e) { throw new StageFailedException($"{schedule.File}: formats.logits: {e.Message}"); }
            catch (ModelFormatException e) { throw new StageFailedException($"stage '{c.StageId}': {e.Message}"); }
        }
        var format = option;
        var logitsText = layers.LastOrDefault()?.OutputFormat;
        var logits = Parse(logitsText, $"{schedule.File}: layers[-1].output_format") is { } lf && lf != format ? new LogitsFormat(lf, false) : (LogitsFormat?)null;
        try
        {
            var net = new BitAccurateNetwork(model.Net, FormatDefaults.For(model.Net.Spec, format, null, logits));
            foreach (var s in layers)
            {
                var i = Enumerable.Range(0, net.Spec.Layers.Count).FirstOrDefault(k => net.Spec.Layers[k].Name == s.Name, -1);
                if (i < 0 || net.Formats[i] is not { } f) continue;
                if (Parse(s.WeightFormat, s.Name) is { } w && (w.Width != f.Weight.Width || w.IntBits != f.Weight.IntBits))
                    c.Log.Warn($"{schedule.File}: layer {s.Name}: weight format {w} differs from the model's {f.Weight}; activity uses the model's");
            }
            return net;
        }
        catch (ModelFormatException e) { throw new StageFailedException($"stage '{c.StageId}': {e.Message}"); }
    }

    /// <summary>Activity measured in this process, by everything it depends on: design points that differ only downstream of it (a sweep's memory
    /// splits, floor-plan settings) share one measurement. The model's weights are an immutable cache entry, so their path names them.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ActivityReport> SharedActivity = new();

    private static string? ActivityKey(StageContext c, ModelArtifacts model, BitAccurateNetwork net, MacArray array, int count)
    {
        // Without a dataset the images are hls.emit's vectors of this point: nothing to share.
        if (!model.HasDataset) return null;
        var seed = c.Options.Has("seed") ? c.Options.Int("seed") : c.Seed;
        var weights = new FileInfo(model.WeightsPath);
        var acc = string.Join(",", (array.AccumulatorBits ?? new Dictionary<string, int>()).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
        return string.Join("|", Path.GetFullPath(model.WeightsPath), weights.Length, weights.LastWriteTimeUtc.Ticks, Path.GetFullPath(model.DatasetPath),
            count, seed, net.Defaults, net.InputFormat, string.Join(";", net.Formats), string.Join(";", net.Values), net.OutputFormat, array.Lanes, array.TapsPerLane, acc);
    }

    /// <summary>The first images of a seeded shuffle of the test set, then of the training set when more are asked for.</summary>
    private static async Task<IReadOnlyList<float[]>> ImagesAsync(StageContext c, ModelArtifacts model, int count, CancellationToken ct)
    {
        if (count < 1) throw new StageFailedException($"stage '{c.StageId}': `with.images` must be at least 1, got {count}");
        if (!model.HasDataset) return VectorInputs(c, count);
        Dataset pool = await model.TestSetAsync(c, 0, ct);
        var images = pool.Images.ToList();
        if (images.Count < count)
        {
            var split = await model.SplitAsync(c, ct);
            images.AddRange(split.Train.Images);
            if (images.Count < count) c.Log.Warn($"only {images.Count:N0} images (test and training) for the {count:N0} asked; using them all");
        }
        if (images.Count <= count) return images;
        var seed = c.Options.Has("seed") ? c.Options.Int("seed") : c.Seed;
        var order = Enumerable.Range(0, images.Count).ToArray();
        new Random(seed).Shuffle(order);
        return order.Take(count).Order().Select(i => images[i]).ToList();
    }

    /// <summary>A model without a dataset: the inputs hls.emit wrote to vectors.txt (seeded random inputs), as values, at most <paramref name="count"/>.</summary>
    private static IReadOnlyList<float[]> VectorInputs(StageContext c, int count)
    {
        var hls = c.View(HlsEmitStage.Vectors);
        var file = hls.ArtifactPath(HlsEmitStage.Vectors.Name);
        (string InputFormat, IReadOnlyList<TestVector> Vectors) read;
        FixedFormat format;
        try
        {
            read = TestVectors.Read(file);
            format = FixedFormat.Parse(read.InputFormat);
        }
        catch (Exception e) when (e is FormatException or FixedFormatException or IOException) { throw new StageFailedException(e.Message); }
        var images = read.Vectors.Take(count).Select(v => v.Pixels.Select(p => (float)Math.ScaleB(p, -format.FracBits)).ToArray()).ToList();
        if (images.Count == 0) throw new StageFailedException($"{file}: no vectors to measure activity on");
        c.Log.Info($"the model has no dataset: activity on the {images.Count:N0} input vectors of hls.emit's {Path.GetFileName(file)} (input format {format})"
            + (images.Count < count ? $", fewer than the {count:N0} asked (raise hls.emit's `vectors`)" : ""));
        return images;
    }
}
