using System.Diagnostics;
using FlowRunner.Abstractions;
using FlowRunner.Engine.Results;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Models.Training;
using FlowRunner.Stages.Model;
using FlowRunner.Stages.Services;
using FlowRunner.Tech;
using FlowRunner.Tech.Liberty;
using FlowRunner.Tech.Memories;

namespace FlowRunner.Stages.QuantSearch;

/// <summary>Stage `quant.search`: per-layer number formats (each weighted layer's weights, inputs and outputs) and lanes chosen for an
/// objective of the analytical PPA under an accuracy constraint, with the Pareto front of accuracy against the objective.</summary>
/// <remarks>
/// Reads: the model stage's weights and dataset, and model.profile's profile (the integer bits each tensor needs).
/// Writes: weights.json, network.yaml, dataset.json of the chosen point (every weighted layer with its own formats, so hls.emit, synth,
/// memory, floorplan and power build and measure it as any model), and search.json ("quant_search": every candidate, both fronts, the choice).
/// Strategy: <see cref="FormatSearch"/> on a subset of the held-out images, then the front (searched and uniform) confirmed on all of them;
/// with `qat_epochs`, the lowest-objective front points are fine-tuned quantization-aware at their formats.
/// </remarks>
public sealed class QuantSearchStage : IStage
{
    public const string KindName = "quant.search";

    /// <summary>search.json: every candidate, the fronts and the chosen point.</summary>
    public static readonly View SearchView = new("quant_search", "search.json: every candidate of the quantization search, the fronts and the chosen point");

    public string Kind => KindName;

    public string Description => "choose per-layer formats and lanes for energy (or area, latency) under an accuracy constraint; Pareto front of accuracy against it";

    public IReadOnlyList<StageOption> Options { get; } =
    [
        new("objective", OptionType.String, "energy", "what to minimize in the analytical PPA: energy (per inference), area (logic and memories) or latency") { Choices = ["energy", "area", "latency"] },
        new("min_accuracy", OptionType.Double, 0.0, "accuracy the chosen point must reach on all held-out images; 0: float accuracy minus max_drop"),
        new("max_drop", OptionType.Double, 0.01, "with min_accuracy 0: the largest drop from float accuracy allowed"),
        new("search_images", OptionType.Int, 500, "held-out images candidates are scored on during the search (the front is confirmed on all)", "images"),
        new("activity_images", OptionType.Int, 8, "images whose switching activity prices each candidate's energy", "images"),
        new("start_frac", OptionType.Int, 6, "fractional bits of every tensor at the start point (integer bits from the profile)", "bits"),
        new("max_word", OptionType.Int, 16, "widest format of any tensor", "bits"),
        new("int_slack", OptionType.Int, 2, "how many integer bits below the profile's a tensor may go (saturating its largest values)", "bits"),
        new("generations", OptionType.Int, 8, "generations of the evolutionary refinement"),
        new("offspring", OptionType.Int, 12, "candidates bred per generation"),
        new("max_candidates", OptionType.Int, 300, "most candidates the greedy and evolutionary phases evaluate together"),
        new("lanes", OptionType.List, new List<object?> { 0L }, "lanes to try for each candidate (0: as many as fit the bus); the best for the objective is kept"),
        new("bus_bits", OptionType.Int, 32, "width of the host bus, as hls.emit's", "bits"),
        new("max_macro_kbits", OptionType.Double, 16.0, "memory split limit, as memory.generate's", "kbits"),
        new("uniform_int_bits", OptionType.List, new List<object?> { 2L, 3L, 4L, 5L, 6L, 7L, 8L }, "integer bits of the uniform-format sweep priced beside the search", "bits"),
        new("uniform_frac_bits", OptionType.List, new List<object?> { 0L, 1L, 2L, 3L, 4L, 5L, 6L }, "fractional bits of the uniform-format sweep", "bits"),
        new("confirm_slack", OptionType.Double, 0.01, "front points up to this much below the target on the subset are confirmed on all images too"),
        new("qat_epochs", OptionType.Int, 0, "fine-tune the lowest-objective confirmed front points quantization-aware at their formats for N epochs (0: none)"),
        new("qat_points", OptionType.Int, 3, "with qat_epochs: how many front points to fine-tune"),
        new("qat_train_limit", OptionType.Int, 0, "with qat_epochs: training images the fine-tuning sees (0: all)", "images"),
        new("seed", OptionType.Int, 1, "seed of the evolutionary refinement and of the fine-tuning (default: the recipe's seed)"),
    ];

    public IReadOnlyList<ViewUse> Reads => [Views.Weights, Views.Dataset, Views.Profile];

    public IReadOnlyList<ViewUse> Writes => [Views.Weights, Views.Network, Views.Dataset, SearchView];

    public IReadOnlyList<MetricSpec> Reports { get; } =
    [
        new("search_accuracy", "", "the chosen point's bit-accurate accuracy on all held-out images (after fine-tuning when that helped)"),
        new MetricSpec("search_energy_uj", "uJ", "the chosen point's analytical energy per inference").Optional("hls.emit builds the network"),
        new MetricSpec("search_area_um2", "um2", "the chosen point's logic and memory area").Optional("hls.emit builds the network"),
        new MetricSpec("search_latency_us", "us").Optional("hls.emit builds the network"), new MetricSpec("search_lanes", "").Optional("hls.emit builds the network"),
        new("search_bits", "bits", "bits the chosen point's weights, biases, image and layer outputs hold"),
        new("search_mean_bits", "bits", "mean width over the chosen point's tensors"),
        new("candidates", "", "candidates evaluated (search and uniform sweep)"), new("candidates_per_s", ""), new("front_points", ""),
        new("search_time_s", "s"), new("target_accuracy", ""),
        new MetricSpec("uniform_energy_uj", "uJ", "the best uniform format meeting the same constraint").Optional("a uniform format meets the constraint"),
        new MetricSpec("uniform_area_um2", "um2").Optional("a uniform format meets the constraint"),
        new MetricSpec("uniform_accuracy", "").Optional("a uniform format meets the constraint"),
        new MetricSpec("uniform_word_bits", "bits").Optional("a uniform format meets the constraint"),
        new MetricSpec("uniform_bits", "bits").Optional("a uniform format meets the constraint"),
        new MetricSpec("energy_vs_uniform", "", "the chosen point's energy over the best uniform format's").Optional("a uniform format meets the constraint"),
        new MetricSpec("area_vs_uniform", "").Optional("a uniform format meets the constraint"),
    ];
}

/// <summary>The in-process adapter of quant.search.</summary>
public sealed class QuantSearchAdapter() : InProcessAdapter(new QuantSearchStage())
{
    protected override async Task<StageResult> Run(StageContext c, StageOptions o, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        var model = ModelArtifacts.From(c);
        var profile = ProfileRecord.Read(c.ViewPath(Views.Profile));
        var objective = o.String("objective") switch { "area" => SearchObjective.Area, "latency" => SearchObjective.Latency, _ => SearchObjective.Energy };
        var unit = objective switch { SearchObjective.Area => "um2", SearchObjective.Latency => "us", _ => "uJ" };
        int Positive(string key, int min = 1)
        {
            var v = o.Int(key);
            return v >= min ? v : throw new StageFailedException($"stage '{c.StageId}': option '{key}' must be at least {min}, got {v}");
        }
        var lanes = Ints(c, o, "lanes");
        if (lanes.Any(l => l < 0)) throw new StageFailedException($"stage '{c.StageId}': option 'lanes': lanes are 0 (as many as fit the bus) or positive");
        var test = await model.TestSetAsync(c, 0, ct);
        var subset = test.Take(Positive("search_images"));
        var floatAccuracy = FloatInference.Accuracy(model.Net, test, threads: c.Threads);
        var minAccuracy = o.Double("min_accuracy");
        var target = minAccuracy > 0 ? minAccuracy : floatAccuracy - o.Double("max_drop");
        if (target is <= 0 or > 1) throw new StageFailedException($"stage '{c.StageId}': the accuracy target {target:P2} is not between 0 and 100%; check min_accuracy and max_drop");

        var space = new SearchSpace(model.Net, profile.Tensors.GroupBy(t => t.Tensor).ToDictionary(g => g.Key, g => g.First().IntBits),
            Positive("max_word", SearchSpace.MinWidth), Positive("int_slack", 0));
        var ppa = Pricing(c, o, test.Take(Positive("activity_images")));
        // A network the hardware generator refuses whatever its formats (a layer kind it cannot build) is searched for the bits it holds.
        var noHardware = ppa.Refuses(new BitAccurateNetwork(space.Network(space.Start(o.Int("start_frac"))), FormatDefaults.For(model.Net.Spec)));
        if (noHardware is not null)
        {
            c.Log.Warn($"hls.emit cannot build this network ({noHardware}): the search minimizes the bits of its weights and activations instead; energy, area and latency are not priced");
            (objective, unit) = (SearchObjective.Bits, "bits");
        }
        CandidateScore Score(Genome g)
        {
            ct.ThrowIfCancellationRequested();
            var net = new BitAccurateNetwork(space.Network(g), FormatDefaults.For(model.Net.Spec));
            var accuracy = net.Accuracy(subset, c.Threads);
            if (noHardware is not null) return new CandidateScore(accuracy, space.Bits(g), double.NaN, double.NaN, double.NaN, 0);
            Power.PowerBreakdown? best = null;
            var bestLanes = 0;
            string? problem = null;
            foreach (var l in lanes)
                if (ppa.Estimate(net, l, out var why) is { } p)
                {
                    if (best is null || SearchPpa.Value(p, objective) < SearchPpa.Value(best, objective)) (best, bestLanes) = (p, l == 0 ? LanesOf(net, o.Int("bus_bits")) : l);
                }
                else problem ??= why;
            return best is null
                ? new CandidateScore(accuracy, double.PositiveInfinity, double.NaN, double.NaN, double.NaN, 0) { Problem = problem }
                : new CandidateScore(accuracy, SearchPpa.Value(best, objective), best.EnergyPj * 1e-6, best.AreaUm2, best.LatencyUs, bestLanes);
        }

        var settings = new SearchSettings(target, Positive("start_frac", 0), Positive("generations", 0), Positive("offspring"), Positive("max_candidates"), o.Int("seed"));
        var search = new FormatSearch(space, settings, Score, m => c.Log.Info(m));
        c.Log.Info($"target accuracy {target:P2} (float {floatAccuracy:P2}) on {subset.Count:N0} of {test.Count:N0} held-out images; objective {objective.ToString().ToLowerInvariant()}; "
                   + $"tensors: {string.Join(", ", space.Tensors.Select(t => $"{t.Name} ({t.ProfileIntBits} int)"))}");
        c.Log.Progress(0.05, "uniform sweep");
        foreach (var i in Ints(c, o, "uniform_int_bits"))
            foreach (var f in Ints(c, o, "uniform_frac_bits"))
                if (i + f <= space.MaxWidth && i >= 1) search.Evaluate(space.Uniform(i, f), "uniform");
        c.Log.Progress(0.2, "greedy bit-lowering");
        IReadOnlyList<Candidate> front;
        try { front = search.Run(ct); }
        catch (SearchException e) { throw new StageFailedException($"stage '{c.StageId}': {e.Message}"); }
        var searchSeconds = sw.Elapsed.TotalSeconds;

        c.Log.Progress(0.8, "confirming the fronts on all held-out images");
        var slack = o.Double("confirm_slack");
        var uniform = search.Candidates.Where(x => x.Phase == "uniform").ToList();
        var toConfirm = front.Concat(FormatSearch.Front(uniform, x => x.Score.Accuracy)).Where(x => x.Score.Accuracy >= target - slack).Distinct().ToList();
        foreach (var x in toConfirm)
            x.FullAccuracy = new BitAccurateNetwork(space.Network(x.Genome), FormatDefaults.For(model.Net.Spec)).Accuracy(test, c.Threads);
        FloatNetwork? tuned = null;
        Candidate? tunedFor = null;
        var qatEpochs = Positive("qat_epochs", 0);
        if (qatEpochs > 0)
        {
            var split = await model.SplitAsync(c, ct);
            var train = split.Train.Take(o.Int("qat_train_limit"));
            var options = QuantizationAwareTraining.DefaultOptions(o.Int("seed"), c.Threads) with { Epochs = qatEpochs };
            var best = 0.0;
            foreach (var x in FormatSearch.Front(toConfirm.Where(x => x.Phase != "uniform").ToList(), Confirmed).Take(Positive("qat_points")))
            {
                c.Log.Info($"quantization-aware fine-tuning at {space.Describe(x.Genome)}: {qatEpochs} epoch(s) on {train.Count:N0} images");
                var net = QuantizationAwareTraining.FineTune(space.Network(x.Genome), train, FormatDefaults.For(model.Net.Spec), options, ct: ct);
                x.QatAccuracy = new BitAccurateNetwork(net, FormatDefaults.For(model.Net.Spec)).Accuracy(test, c.Threads);
                c.Log.Info($"  {x.FullAccuracy:P2} after training, {x.QatAccuracy:P2} fine-tuned");
                if (x.QatAccuracy > x.FullAccuracy && x.QatAccuracy > best) (tuned, tunedFor, best) = (net, x, x.QatAccuracy.Value);
            }
        }
        var confirmedFront = FormatSearch.Front(toConfirm.Where(x => x.Phase != "uniform").ToList(), x => x.Accuracy);
        var uniformFront = FormatSearch.Front(toConfirm.Where(x => x.Phase == "uniform").ToList(), Confirmed);
        var chosen = confirmedFront.FirstOrDefault(x => x.Accuracy >= target)
            ?? throw new StageFailedException($"stage '{c.StageId}': no searched point reaches {target:P2} on all {test.Count:N0} held-out images (best {confirmedFront.Select(x => x.Accuracy).DefaultIfEmpty(0).Max():P2}); "
                + "raise search_images (the subset misjudged them), start_frac, or loosen the constraint");
        var bestUniform = uniformFront.FirstOrDefault(x => Confirmed(x) >= target);
        c.Log.Info($"chosen: {space.Describe(chosen.Genome)}, lanes {chosen.Score.Lanes}: accuracy {chosen.Accuracy:P2}, {chosen.Score.EnergyUj:G4} uJ, {chosen.Score.AreaUm2:N0} um2, {chosen.Score.LatencyUs:G4} us");
        if (bestUniform is not null)
            c.Log.Info($"best uniform format meeting {target:P2}: ac_fixed<{bestUniform.Genome.Width[0]},{bestUniform.Genome.Int[0]}>: accuracy {Confirmed(bestUniform):P2}, "
                       + $"{bestUniform.Score.EnergyUj:G4} uJ, {bestUniform.Score.AreaUm2:N0} um2");

        var source = model.Net.Spec.Source ?? throw new StageFailedException($"stage '{c.StageId}': the upstream weights embed no network description");
        var yaml = "# " + $"quant.search's chosen point: {space.Describe(chosen.Genome)}\n"
            + NetworkDescriptionWriter.WithLayerFormats(source, space.LayerFormats(chosen.Genome), c.PathOf("network.yaml"));
        var chosenSpec = NetworkSpec.Parse(yaml, c.PathOf("network.yaml"));
        var weightsOf = chosen == tunedFor ? tuned! : model.Net;
        var output = new FloatNetwork(chosenSpec);
        for (var i = 0; i < chosenSpec.Layers.Count; i++)
        {
            weightsOf.Weights[i].CopyTo(output.Weights[i], 0);
            weightsOf.Biases[i].CopyTo(output.Biases[i], 0);
        }
        WeightsFile.Save(output, c.PathOf("weights.json"), (model.Training ?? new TrainingRecord()) with
        {
            QatFormat = null, QatLogitsFormat = null, QatEpochs = chosen == tunedFor ? qatEpochs : 0,
        });
        await File.WriteAllTextAsync(c.PathOf("network.yaml"), yaml, ct);
        File.Copy(model.DatasetPath, c.PathOf(DatasetSpec.FileName), overwrite: true);

        var record = new SearchRecord(objective.ToString().ToLowerInvariant(), unit, target, floatAccuracy, subset.Count, test.Count,
            space.Tensors.Select(t => t.Name).ToList(),
            search.Candidates.Select(x => new SearchCandidate(x.Id, x.Phase, x.Genome.Int, x.Genome.Width, x.Score.Lanes, x.Score.Accuracy, x.FullAccuracy, x.QatAccuracy,
                Finite(x.Score.EnergyUj), Finite(x.Score.AreaUm2), Finite(x.Score.LatencyUs), space.Bits(x.Genome))).ToList(),
            confirmedFront.Select(x => x.Id).ToList(), uniformFront.Select(x => x.Id).ToList(), chosen.Id, bestUniform?.Id, sw.Elapsed.TotalSeconds);
        await File.WriteAllTextAsync(c.PathOf(SearchRecord.FileName), record.ToJson(), ct);
        StageCandidates.Write(c.Directory, search.Candidates.Select(x => Listed(x, target, space.Bits(x.Genome))).ToList());

        var metrics = new List<Metric>
        {
            new("search_accuracy", chosen.Accuracy), new("search_bits", space.Bits(chosen.Genome), "bits"), new("search_mean_bits", chosen.Genome.Width.Average(), "bits"),
            new("candidates", search.Candidates.Count), new("candidates_per_s", search.Candidates.Count / Math.Max(1e-9, searchSeconds)),
            new("front_points", confirmedFront.Count), new("search_time_s", sw.Elapsed.TotalSeconds, "s"), new("target_accuracy", target),
        };
        if (noHardware is null)
            metrics.AddRange(
            [
                new("search_energy_uj", chosen.Score.EnergyUj, "uJ"), new("search_area_um2", chosen.Score.AreaUm2, "um2"),
                new("search_latency_us", chosen.Score.LatencyUs, "us"), new("search_lanes", chosen.Score.Lanes),
            ]);
        if (bestUniform is not null)
        {
            metrics.AddRange(
            [
                new("uniform_accuracy", Confirmed(bestUniform)), new("uniform_word_bits", bestUniform.Genome.Width[0], "bits"),
                new("uniform_bits", space.Bits(bestUniform.Genome), "bits"),
            ]);
            if (noHardware is null)
                metrics.AddRange(
                [
                    new("uniform_energy_uj", bestUniform.Score.EnergyUj, "uJ"), new("uniform_area_um2", bestUniform.Score.AreaUm2, "um2"),
                    new("energy_vs_uniform", chosen.Score.EnergyUj / bestUniform.Score.EnergyUj), new("area_vs_uniform", chosen.Score.AreaUm2 / bestUniform.Score.AreaUm2),
                ]);
        }
        return new StageResult(metrics,
        [
            new Artifact(Views.Weights.Name, "weights.json", "the upstream weights (fine-tuned when that won) with the chosen per-layer formats in the embedded description"),
            new Artifact(Views.Network.Name, "network.yaml", "the network description with the chosen per-layer formats"),
            new Artifact(Views.Dataset.Name, DatasetSpec.FileName, "the upstream dataset record"),
            new Artifact(QuantSearchStage.SearchView.Name, SearchRecord.FileName, "every candidate, the searched and uniform fronts and the chosen point"),
        ]);
    }

    /// <summary>A candidate as the results store records it: a point `&lt;point&gt;.&lt;stage&gt;.cNNNN` with its formats and lanes as parameters and
    /// the metric names of the flow's stages (`accuracy` only where measured on every held-out image, `subset_accuracy` always).</summary>
    private static StageCandidate Listed(Candidate x, double target, long bits)
    {
        var metrics = new Dictionary<string, double> { ["subset_accuracy"] = x.Score.Accuracy, ["mean_bits"] = x.Genome.Width.Average(), ["target_accuracy"] = target, ["bits"] = bits };
        var units = new Dictionary<string, string> { ["mean_bits"] = "bits", ["bits"] = "bits" };
        if (x.FullAccuracy is not null) metrics["accuracy"] = x.Accuracy;
        if (x.QatAccuracy is { } q) metrics["qat_accuracy"] = q;
        foreach (var (name, value, unit) in new[] { ("energy_per_inference_uj", x.Score.EnergyUj, "uJ"), ("area_um2", x.Score.AreaUm2, "um2"), ("latency_us", x.Score.LatencyUs, "us") })
            if (double.IsFinite(value)) (metrics[name], units[name]) = (value, unit);
        return new StageCandidate($"c{x.Id:D4}", $"{x.Phase} #{x.Id}",
            new Dictionary<string, object?> { ["candidate"] = (long)x.Id, ["phase"] = x.Phase, ["formats"] = x.Genome.Key, ["lanes"] = (long)x.Score.Lanes }, metrics, units);
    }

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;

    private static double Confirmed(Candidate x) => x.FullAccuracy ?? x.Score.Accuracy;

    private static int LanesOf(BitAccurateNetwork net, int busBits) => busBits / net.InputFormat.Width;

    private static SearchPpa Pricing(StageContext c, StageOptions o, Dataset activity)
    {
        var tech = c.Tech("the analytical PPA prices every candidate");
        LibertyLibrary library;
        try { library = LibertyReader.ReadFile(StandardCells.LibertyPath(tech, c.Directory)); }
        catch (Exception e) when (e is LibertyFormatException or FileNotFoundException or TechFormatException) { throw new StageFailedException(e.Message); }
        var kbits = o.Double("max_macro_kbits");
        if (kbits < 0) throw new StageFailedException($"stage '{c.StageId}': option 'max_macro_kbits' must be zero (no limit) or positive");
        return new SearchPpa(tech, library, new SplitOptions(SplitLimits.FromKbits(kbits, 0, 0)), o.Int("bus_bits"), activity.Images, c.Threads);
    }
}
