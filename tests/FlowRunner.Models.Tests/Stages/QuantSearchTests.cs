using FlowRunner.Abstractions;
using FlowRunner.Engine.Results;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Models.Tests.Datasets;
using FlowRunner.Models.Tests.Support;
using FlowRunner.Stages.Hls;
using FlowRunner.Stages.Import;
using FlowRunner.Stages.Model;
using FlowRunner.Stages.QuantSearch;

namespace FlowRunner.Models.Tests.Stages;

/// <summary>quant.search: the search on a synthetic score (front, determinism), and the stage on trained and imported MNIST networks, whose
/// chosen point model.accuracy and hls.emit take like any model.</summary>
[Collection(MnistCollection.Name)]
public sealed class QuantSearchTests(MnistFixture mnist) : IDisposable
{
    private readonly StageHarness _h = new(mnist) { TechFile = Path.Combine(Repo.Root, "tech", "generic45", "tech.yaml") };

    public void Dispose() => _h.Dispose();

    private static double M(StageOutput o, string name) => o.Metric(name) ?? throw new Xunit.Sdk.XunitException($"{o.StageId} has no metric {name}: {string.Join(", ", o.Metrics)}");

    /// <summary>A made-up score: accuracy falls as bits are removed, faster for the first tensor; the objective is the bits.</summary>
    private static CandidateScore Synthetic(Genome g)
    {
        var frac = g.Width.Zip(g.Int, (w, i) => w - i).ToArray();
        var accuracy = 0.99 - 0.05 * Math.Max(0, 4 - frac[0]) - frac.Skip(1).Sum(f => 0.01 * Math.Max(0, 3 - f)) - g.Int.Sum(i => i < 3 ? 0.05 : 0);
        return new CandidateScore(accuracy, g.TotalBits, g.TotalBits, g.TotalBits * 10, 1, 1);
    }

    private static SearchSpace Space()
    {
        var net = new FloatNetwork(NetworkSpec.Load(Repo.ReferenceNetwork));
        var ints = new Dictionary<string, int> { ["input"] = 3, ["conv2d1.weights"] = 3, ["conv2d1"] = 3, ["conv2d2.weights"] = 3, ["conv2d2"] = 3, ["dense1.weights"] = 3, ["dense1"] = 3 };
        return new SearchSpace(net, ints, 16, 1);
    }

    [Fact]
    public void The_search_lowers_bits_by_sensitivity_refines_them_seeded_and_returns_a_pareto_front()
    {
        IReadOnlyList<Candidate> Run(int seed, out FormatSearch s)
        {
            s = new FormatSearch(Space(), new SearchSettings(0.95, 6, 4, 8, 200, seed), Synthetic);
            return s.Run();
        }
        var front = Run(7, out var search);
        var again = Run(7, out var repeat);
        Run(8, out var other);
        Assert.Equal(search.Candidates.Select(c => c.Genome.Key), repeat.Candidates.Select(c => c.Genome.Key));
        Assert.NotEqual(search.Candidates.Select(c => c.Genome.Key), other.Candidates.Select(c => c.Genome.Key));
        Assert.Equal(front.Select(c => c.Id), again.Select(c => c.Id));
        Assert.Contains(search.Candidates, c => c.Phase == "greedy");
        Assert.Contains(search.Candidates, c => c.Phase == "evolve");
        Assert.Equal(search.Candidates.Count, search.Candidates.Select(c => c.Genome.Key).Distinct().Count());
        // Nothing evaluated beats a front point on both accuracy and objective; the front rises in both.
        foreach (var f in front)
            Assert.DoesNotContain(search.Candidates, c => c.Score.Accuracy >= f.Score.Accuracy && c.Score.Objective < f.Score.Objective
                                                           || c.Score.Accuracy > f.Score.Accuracy && c.Score.Objective <= f.Score.Objective);
        Assert.True(front.Zip(front.Skip(1)).All(p => p.First.Score.Objective < p.Second.Score.Objective && p.First.Score.Accuracy < p.Second.Score.Accuracy));
        // The greedy phase spent the sensitive first tensor's fractional bits last: the cheapest feasible point keeps its 4.
        var cheapest = front.First(c => c.Score.Accuracy >= 0.95);
        Assert.Equal(4, cheapest.Genome.Width[0] - cheapest.Genome.Int[0]);
        Assert.True(cheapest.Score.Objective < search.Candidates[0].Score.Objective / 1.5, $"{cheapest.Score.Objective} bits against {search.Candidates[0].Score.Objective} at the start");
    }

    [Fact]
    public void A_start_point_below_the_target_is_refused_with_what_to_try()
    {
        var e = Assert.Throws<SearchException>(() => new FormatSearch(Space(), new SearchSettings(0.999, 6, 1, 1, 10, 1), Synthetic).Run());
        Assert.Contains("raise start_frac", e.Message);
    }

    private static Dictionary<string, object?> Small(long seed = 1) => new()
    {
        ["search_images"] = 200L, ["max_candidates"] = 30L, ["generations"] = 2L, ["offspring"] = 5L, ["max_drop"] = 0.03,
        ["uniform_int_bits"] = new List<object?> { 3L, 4L }, ["uniform_frac_bits"] = new List<object?> { 2L, 4L }, ["lanes"] = new List<object?> { 0L, 2L },
        ["seed"] = seed,
    };

    [Fact]
    public async Task The_stage_chooses_per_layer_formats_that_model_accuracy_and_hls_emit_take_like_any_model()
    {
        var model = await _h.RunAsync(new ModelTrainAdapter(), "model", new() { ["epochs"] = 1L, ["train_limit"] = 2000L, ["test_limit"] = 300L });
        var profile = await _h.RunAsync(new ModelProfileAdapter(), "profile", new(), model);
        var search = await _h.RunAsync(new QuantSearchAdapter(), "search", Small(), model, profile);
        var record = SearchRecord.Read(search.ArtifactPath("quant_search"));
        Assert.Equal(7, record.Tensors.Count);
        Assert.Equal(M(search, "candidates"), record.Candidates.Count);
        Assert.Equal(4, record.Candidates.Count(x => x.Phase == "uniform"));
        Assert.Contains(record.Candidates, x => x.Phase == "greedy");
        var chosen = record.Candidates[record.Chosen];
        Assert.True(chosen.Accuracy >= record.Target, $"chosen {chosen.Accuracy:P2} against the target {record.Target:P2}");
        Assert.Equal(chosen.Accuracy, M(search, "search_accuracy"));
        Assert.All(record.Front, id => Assert.NotNull(record.Candidates[id].Accuracy));
        // Every candidate is left for the results store, with the flow's metric names; `accuracy` only where confirmed on all images.
        var listed = StageCandidates.Read(search.Directory);
        Assert.Equal(record.Candidates.Count, listed.Count);
        Assert.Equal(chosen.Accuracy, listed[record.Chosen].Metrics["accuracy"]);
        Assert.Equal(chosen.EnergyUj, listed[record.Chosen].Metrics["energy_per_inference_uj"]);
        Assert.Equal(record.Candidates.Count(x => x.Accuracy is not null), listed.Count(x => x.Metrics.ContainsKey("accuracy")));

        // The chosen formats are the description's own: model.accuracy measures the same accuracy, hls.emit builds them.
        var (net, _) = WeightsFile.Load(search.ArtifactPath("weights"));
        var dense = net.Spec.Layers.Single(l => l.Name == "dense1");
        Assert.Equal(SearchSpace.Format(chosen.IntBits[^2], chosen.Widths[^2]), dense.WeightFormat);
        Assert.Equal(SearchSpace.Format(chosen.IntBits[0], chosen.Widths[0]), net.Spec.Layers[0].InputFormat);
        var accuracy = await _h.RunAsync(new ModelAccuracyAdapter(), "accuracy", new(), search);
        Assert.Equal(M(search, "search_accuracy"), M(accuracy, "accuracy"));
        var hls = await _h.RunAsync(new HlsEmitAdapter(), "hls", new() { ["lanes"] = (long)chosen.Lanes }, search);
        Assert.Equal(chosen.Lanes, M(hls, "lanes"));

        // Deterministic for a seed: the same candidates and scores again; another seed breeds others.
        var repeat = SearchRecord.Read((await _h.RunAsync(new QuantSearchAdapter(), "repeat", Small(), model, profile)).ArtifactPath("quant_search"));
        static IEnumerable<string> Text(SearchRecord r) => r.Candidates.Select(x =>
            $"{x.Phase} {string.Join(",", x.IntBits)} {string.Join(",", x.Widths)} {x.Lanes} {x.SubsetAccuracy} {x.Accuracy} {x.EnergyUj} {x.AreaUm2}");
        Assert.Equal(Text(record), Text(repeat));
        var other = SearchRecord.Read((await _h.RunAsync(new QuantSearchAdapter(), "other", Small(2), model, profile)).ArtifactPath("quant_search"));
        Assert.NotEqual(record.Candidates.Where(x => x.Phase == "evolve").Select(x => string.Join(",", x.Widths)),
            other.Candidates.Where(x => x.Phase == "evolve").Select(x => string.Join(",", x.Widths)));
    }

    [Fact]
    public async Task The_stage_searches_an_imported_qkeras_network_for_bits_where_hls_emit_cannot_build_it()
    {
        var keras = Path.Combine(Repo.Root, "tests", "fixtures", "models", "keras");
        var model = await _h.RunAsync(new ModelImportAdapter(), "import", new()
        {
            ["file"] = Path.Combine(keras, "qkeras_mnist_dense.json"), ["weights"] = Path.Combine(keras, "qkeras_mnist_dense_weights.h5"), ["dataset"] = "mnist",
        });
        var profile = await _h.RunAsync(new ModelProfileAdapter(), "profile", new() { ["test_limit"] = 300L }, model);
        var with = Small();
        (with["qat_epochs"], with["qat_points"], with["qat_train_limit"]) = (1L, 1L, 1000L);
        var search = await _h.RunAsync(new QuantSearchAdapter(), "search", with, model, profile);
        Assert.True(M(search, "search_accuracy") >= M(search, "target_accuracy"));
        var record = SearchRecord.Read(search.ArtifactPath("quant_search"));
        Assert.Single(record.Candidates, x => x.QatAccuracy is not null); // the front's least-objective point, fine-tuned at its own formats
        // hls.emit cannot build this model (its input quantizer is a layer before the first dense): the search minimizes bits and says why.
        Assert.Equal("bits", record.Objective);
        Assert.Contains(_h.Log.Lines, l => l.Contains("hls.emit cannot build this network") && l.Contains("q_activation"));
        Assert.True(M(search, "search_bits") < M(search, "uniform_bits"), $"{M(search, "search_bits")} bits searched, {M(search, "uniform_bits")} uniform");
        var (net, _) = WeightsFile.Load(search.ArtifactPath("weights"));
        Assert.All(Enumerable.Range(0, net.Spec.Layers.Count).Where(i => net.Spec.Layers[i].HasWeights), i => Assert.NotNull(net.Spec.Layers[i].WeightFormat));
        var accuracy = await _h.RunAsync(new ModelAccuracyAdapter(), "accuracy", new(), search);
        Assert.Equal(M(search, "search_accuracy"), M(accuracy, "accuracy"), 6);
    }
}
