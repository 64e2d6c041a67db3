namespace FlowRunner.Stages.QuantSearch;

/// <summary>How a candidate scored: bit-accurate accuracy on the search subset and the analytical PPA of its best lanes for the objective.
/// <see cref="Objective"/> is <see cref="double.PositiveInfinity"/> when no lanes value builds (the formats do not fit the bus).</summary>
public sealed record CandidateScore(double Accuracy, double Objective, double EnergyUj, double AreaUm2, double LatencyUs, int Lanes)
{
    /// <summary>Why no lanes value builds, when <see cref="Objective"/> is infinite.</summary>
    public string? Problem { get; init; }
}

/// <summary>One evaluated candidate, in evaluation order (identity by reference: one object per genome).</summary>
public sealed class Candidate(int id, string phase, Genome genome, CandidateScore score)
{
    public int Id { get; } = id;
    public string Phase { get; } = phase;
    public Genome Genome { get; } = genome;
    public CandidateScore Score { get; } = score;

    /// <summary>Accuracy on every held-out image, for the candidates the search confirmed.</summary>
    public double? FullAccuracy { get; set; }

    /// <summary>Accuracy after quantization-aware fine-tuning at the candidate's formats, when the search fine-tuned it.</summary>
    public double? QatAccuracy { get; set; }

    /// <summary>The best accuracy known: after fine-tuning, else on all images, else on the subset.</summary>
    public double Accuracy => QatAccuracy is { } q && FullAccuracy is { } f ? Math.Max(q, f) : FullAccuracy ?? Score.Accuracy;
}

/// <summary>Settings of <see cref="FormatSearch"/>.</summary>
/// <param name="Target">The accuracy a candidate must reach on the subset to count as feasible.</param>
/// <param name="Budget">Most candidates the greedy and evolutionary phases evaluate together (the uniform sweep is not counted).</param>
public sealed record SearchSettings(double Target, int StartFrac, int Generations, int Offspring, int Budget, int Seed);

/// <summary>The quantization search: from the profile's integer bits with <see cref="SearchSettings.StartFrac"/> fractional bits everywhere,
/// greedy bit-lowering by sensitivity (each round scores every one-bit move from the current point, fractional or integer, by objective saved
/// per point of subset accuracy lost, then applies the moves in that order, keeping each that still meets the target and saves objective; it
/// stops when a round keeps none), then a seeded evolutionary refinement (each generation mutates and crosses points of the current Pareto
/// front of subset accuracy against the objective, one or two genes by one bit), which keeps generations x offspring of the budget. Candidates are
/// evaluated one at a time in a fixed order and cached by genome, so a seed gives the same candidates, scores and front.</summary>
public sealed class FormatSearch(SearchSpace space, SearchSettings settings, Func<Genome, CandidateScore> evaluate, Action<string>? log = null)
{
    private readonly Dictionary<string, Candidate> _seen = [];
    private readonly List<Candidate> _all = [];
    private int _searched;

    /// <summary>Every candidate evaluated, in order.</summary>
    public IReadOnlyList<Candidate> Candidates => _all;

    /// <summary>The candidate of a genome, evaluating it the first time (a cache hit costs nothing and counts nothing).</summary>
    public Candidate Evaluate(Genome g, string phase)
    {
        if (_seen.TryGetValue(g.Key, out var known)) return known;
        var c = new Candidate(_all.Count, phase, g, evaluate(g));
        _seen[g.Key] = c;
        _all.Add(c);
        if (phase is "greedy" or "evolve") _searched++;
        return c;
    }

    private bool Spent => _searched >= settings.Budget;

    private bool Feasible(Candidate c) => c.Score.Accuracy >= settings.Target && double.IsFinite(c.Score.Objective);

    /// <summary>Runs both phases; returns the subset Pareto front of the searched candidates.</summary>
    public IReadOnlyList<Candidate> Run(CancellationToken ct = default)
    {
        var current = Evaluate(space.Start(settings.StartFrac), "start");
        if (current.Score.Problem is { } problem)
            throw new SearchException($"the start point ({space.Describe(current.Genome)}) has no hardware: {problem}");
        if (!Feasible(current))
            throw new SearchException($"the start point ({space.Describe(current.Genome)}) reaches {current.Score.Accuracy:P2} on the subset, below the target {settings.Target:P2}; "
                + "raise start_frac or max_word, or loosen the accuracy constraint");
        // The evolutionary phase keeps its share of the budget.
        var greedyBudget = Math.Max(1, settings.Budget - settings.Generations * settings.Offspring);
        while (_searched < greedyBudget)
        {
            ct.ThrowIfCancellationRequested();
            // Sensitivities of this round: every one-bit move from the current point, most objective saved per accuracy lost first.
            var ranked = new List<(int Tensor, int DInt, double Score)>();
            foreach (var (t, dInt, move) in Moves(current.Genome))
            {
                if (_searched >= greedyBudget) break;
                var m = Evaluate(move, "greedy");
                if (!Feasible(m)) continue;
                var saved = current.Score.Objective - m.Score.Objective;
                var lost = Math.Max(current.Score.Accuracy - m.Score.Accuracy, 1e-4);
                // A move that saves nothing still frees a bit and ranks by the accuracy it keeps.
                ranked.Add((t, dInt, saved > 0 ? saved / lost : -lost));
            }
            var accepted = 0;
            foreach (var (t, dInt, _) in ranked.OrderByDescending(r => r.Score).ThenBy(r => r.Tensor).ThenBy(r => r.DInt))
            {
                if (_searched >= greedyBudget) break;
                var g = current.Genome.With(t, current.Genome.Int[t] + dInt, current.Genome.Width[t] - 1);
                if (!space.Holds(g)) continue;
                var m = Evaluate(g, "greedy");
                if (!Feasible(m) || m.Score.Objective > current.Score.Objective) continue;
                current = m;
                accepted++;
            }
            if (accepted == 0) break;
            log?.Invoke($"greedy: {accepted} bit(s) off: {space.Describe(current.Genome)}: {current.Score.Accuracy:P2}, objective {current.Score.Objective:G4}");
        }
        var random = new Random(settings.Seed);
        for (var gen = 0; gen < settings.Generations && !Spent; gen++)
        {
            ct.ThrowIfCancellationRequested();
            var front = Front(_all.Where(c => c.Phase != "uniform").ToList(), c => c.Score.Accuracy);
            var parents = front.Where(Feasible).ToList();
            if (parents.Count == 0) parents = front.ToList();
            for (var k = 0; k < settings.Offspring && !Spent; k++)
            {
                Genome? child = null;
                for (var attempt = 0; attempt < 20 && child is null; attempt++)
                {
                    var a = parents[random.Next(parents.Count)].Genome;
                    if (parents.Count > 1 && random.NextDouble() < 0.3) a = Cross(a, parents[random.Next(parents.Count)].Genome, random);
                    var g = Mutate(a, random, 1 + random.Next(2));
                    if (space.Holds(g) && !_seen.ContainsKey(g.Key)) child = g;
                }
                if (child is null) break;
                Evaluate(child, "evolve");
            }
            log?.Invoke($"generation {gen + 1}: {_searched} candidates searched, front of {Front(_all.Where(c => c.Phase != "uniform").ToList(), c => c.Score.Accuracy).Count}");
        }
        return Front(_all.Where(c => c.Phase != "uniform").ToList(), c => c.Score.Accuracy);
    }

    /// <summary>One bit less on one tensor: a fractional bit (width - 1), or an integer bit (width - 1, saturating earlier).</summary>
    private IEnumerable<(int Tensor, int DInt, Genome Move)> Moves(Genome g)
    {
        for (var t = 0; t < space.Tensors.Count; t++)
            foreach (var dInt in (int[])[0, -1])
                if (g.With(t, g.Int[t] + dInt, g.Width[t] - 1) is var m && space.Holds(m)) yield return (t, dInt, m);
    }

    private Genome Mutate(Genome g, Random random, int genes)
    {
        for (var k = 0; k < genes; k++)
        {
            var t = random.Next(space.Tensors.Count);
            g = random.Next(4) switch
            {
                0 => g.With(t, g.Int[t], g.Width[t] - 1),
                1 => g.With(t, g.Int[t], g.Width[t] + 1),
                2 => g.With(t, g.Int[t] - 1, g.Width[t] - 1),
                _ => g.With(t, g.Int[t] + 1, g.Width[t] + 1),
            };
        }
        return g;
    }

    private static Genome Cross(Genome a, Genome b, Random random)
    {
        var i = (int[])a.Int.Clone();
        var w = (int[])a.Width.Clone();
        for (var t = 0; t < i.Length; t++)
            if (random.Next(2) == 1) (i[t], w[t]) = (b.Int[t], b.Width[t]);
        return new Genome(i, w);
    }

    /// <summary>The candidates no other beats on both accuracy (higher) and objective (lower), by increasing objective; ties keep the first evaluated.</summary>
    public static IReadOnlyList<Candidate> Front(IReadOnlyList<Candidate> candidates, Func<Candidate, double> accuracy)
    {
        var front = new List<Candidate>();
        foreach (var c in candidates.Where(c => double.IsFinite(c.Score.Objective)).OrderBy(c => c.Score.Objective).ThenByDescending(accuracy).ThenBy(c => c.Id))
            if (front.Count == 0 || accuracy(c) > accuracy(front[^1])) front.Add(c);
        return front;
    }
}
