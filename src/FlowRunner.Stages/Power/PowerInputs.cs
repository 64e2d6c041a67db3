using System.Diagnostics;
using FlowRunner.Abstractions;
using FlowRunner.Stages.Services;
using FlowRunner.Models.Activity;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;
using FlowRunner.Stages.Memory;
using FlowRunner.Stages.Model;
using FlowRunner.Tech;

using FlowRunner.Stages.Hls;
using FlowRunner.Hls.Schedule;
using FlowRunner.Hls.Vectors;

namespace FlowRunner.Stages.Power;

/// <summary>Everything both power adapters start from: tech, schedule, memories, upstream synthesis and floor-plan figures, the clock, the
/// measured activity, the analytical estimate and the software baseline.</summary>
public sealed record PowerInputs(TechDescription Tech, ScheduleFile Schedule, MemoryManifest? Memories, StageOutput? Synth, double? DieAreaUm2,
    double ClockNs, ActivityReport Activity, double ActivitySeconds, PowerBreakdown Analytical, SoftwareEstimate Software)
{
    /// <summary>Register activity from hls.emit's RTL simulation (activity.vcd), when it simulated.</summary>
    public VcdActivity? Simulated { get; init; }

    public static async Task<PowerInputs> GatherAsync(StageContext c, CancellationToken ct)
    {
        var o = c.Options;
        var tech = c.Tech();
        var hls = c.View(Views.Schedule);
        var schedule = ScheduleFile.Read(hls.ArtifactPath(Views.Schedule.Name), hls.Directory);
        var memoryStage = c.FindView(Views.Memories);
        MemoryManifest? memories = null;
        if (memoryStage is null) c.Log.Warn("no memory.generate stage upstream: memory energy, leakage and area are left out");
        else
        {
            memories = MemoryManifest.Read(memoryStage.ArtifactPath(Views.Memories.Name));
        }
        var synth = c.FindInput("synth");
        var die = c.FindInput("floorplan")?.Metric("die_area_um2");
        var clock = ClockOf(c, tech, synth);

        var model = ModelArtifacts.From(c);
        var net = BitAccurate(c, model, schedule);
        var s = schedule.Record;
        var images = await ImagesAsync(c, model, o.Int("images", 1000), ct);
        var sw = Stopwatch.StartNew();
        var accBits = s.Layers.Where(l => l.AccumBits > 0).ToDictionary(l => l.Name, l => l.AccumBits);
        ActivityReport activity;
        try { activity = ActivityRecorder.Record(net, images, new MacArray(s.Lanes, s.MultipliersPerLane, accBits), c.Threads, ct); }
        catch (ArgumentException e) { throw new StageFailedException($"stage '{c.StageId}': {e.Message}"); }
        var seconds = sw.Elapsed.TotalSeconds;
        activity = activity with
        {
            Memories = memories is not null
                ? memories.Logical.Select(m => new MemoryActivity(m.Name, m.Width, m.ReadsPerInference, m.WritesPerInference)).ToList()
                : s.Memories.Select(m => new MemoryActivity(m.Name, m.Width, m.ReadsPerInference, m.WritesPerInference)).ToList(),
        };
        c.Log.Info($"activity of {images.Count:N0} images on {s.Lanes} lanes x {s.MultipliersPerLane} multipliers in {seconds:F2} s: "
            + string.Join("; ", activity.Layers.Select(l => $"{l.Name} operands {l.OperandA.ToggleRate:F3}/{l.OperandB.ToggleRate:F3}, accumulator {l.Accumulator.ToggleRate:F3}")));
        var unmatched = activity.Layers.Where(l => s.Layers.All(x => x.Name != l.Name)).Select(l => l.Name).ToList();
        if (s.Layers.Count > 0 && unmatched.Count > 0)
            c.Log.Warn($"{schedule.File}: no layer named {string.Join(", ", unmatched)}; their accumulators take the model's full-precision width");

        // The RTL simulation measured the control registers (counters, FSM, addresses): their mean rate replaces the 0.1 assumption,
        // unless the recipe sets control_activity.
        VcdActivity? simulated = null;
        if (c.FindView(Views.RegisterActivity) is { } sim)
        {
            try { simulated = VcdActivity.Read(sim.ArtifactPath(Views.RegisterActivity.Name)); }
            catch (FormatException e) { throw new StageFailedException(e.Message); }
        }
        var control = o.Double("control_activity", 0.1);
        if (!o.Has("control_activity") && simulated?.MeanRate(net => ActivityAnnotation.RoleOf(net) == "control") is { } measured)
        {
            control = measured;
            c.Log.Info($"activity.vcd ({simulated.Cycles:N0} cycles): control registers toggle {measured:F4} a bit a cycle; the analytical model uses it for control_activity");
        }
        var assumptions = new PowerAssumptions(control, o.Double("clock_tree_overhead", 0.5));
        var analytical = AnalyticalPowerModel.Estimate(s, activity, memories, TechEnergy.From(tech), clock, assumptions,
            synth?.Metric("logic_area_um2"), synth?.Metric("flip_flops") is { } ff ? (long)ff : null) with { DieAreaUm2 = die };
        var software = SoftwareBaseline.Estimate(model.Net.Spec, SoftwareCore.Load(SoftwareFile(c)));
        return new PowerInputs(tech, schedule, memories, synth, die, clock, activity, seconds, analytical with { Software = software }, software) { Simulated = simulated };
    }

    private static double ClockOf(StageContext c, TechDescription tech, StageOutput? synth)
    {
        var o = c.Options;
        var ns = o.Double("clock_ns");
        if (ns < 0) throw new StageFailedException($"stage '{c.StageId}': `with.clock_ns` must be positive (or 0 for the default), got {ns}");
        if (ns > 0) return ns;
        if (o.Bool("use_fmax"))
        {
            if (synth?.Metric("fmax_mhz") is { } f && f > 0) return 1000 / f;
            c.Log.Warn("use_fmax is set but no synth stage upstream reports fmax_mhz: using the tech's clock");
        }
        if (tech.ClockNs <= 0) throw new StageFailedException($"{tech.File}: clock_ns is not set; give the power stage `with.clock_ns`");
        return tech.ClockNs;
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

    private static string SoftwareFile(StageContext c)
    {
        if (c.Options.String("software") is { Length: > 0 } s) return c.ResolvePath(s);
        var root = c.TechFile is not null ? Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(c.TechFile))) : TechLoader.FindTechRoot(c.RecipeDirectory);
        if (root is null) throw new StageFailedException($"stage '{c.StageId}': no tech/ folder found for {SoftwareCore.DefaultFile}; set `with.software`");
        return Path.Combine(root, SoftwareCore.DefaultFile);
    }
}
