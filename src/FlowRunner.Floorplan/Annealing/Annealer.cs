using System.Diagnostics;
using FlowRunner.Floorplan.Model;

namespace FlowRunner.Floorplan.Annealing;

/// <summary>Simulated-annealing floor planner over sequence pairs: area + HPWL cost, rotation, soft blocks, fixed-outline mode.</summary>
/// <remarks>
/// Schedule: the start temperature accepts an average uphill move with probability 0.5; it falls geometrically over
/// 300 steps to 1/20,000 of that. The chains anneal side by side in segments of 30 steps; after each segment the chains
/// behind take the best state found so far and go on from it with their own random streams, so a chain stuck in a poor
/// region does not waste the rest of its budget (the segments are barriers: the result does not depend on the threads).
/// All chains share one cost normalization and one temperature, so their costs compare. With a fixed outline the
/// outline's overshoot is a cost term and only placements inside it are kept as results (Adya and Markov's Parquet,
/// ICCD 2001 / TVLSI 2003, use the same acceptance rule).
/// </remarks>
public static class Annealer
{
    private const double MovesPerBlock = 1500;
    private const int MaxRounds = 3;
    private const int Steps = 300;
    private const int Segments = 10;

    public static FloorplanResult Run(FloorplanProblem problem, AnnealOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new AnnealOptions();
        problem.Validate();
        var sw = Stopwatch.StartNew();
        var chains = Math.Max(1, options.Chains);
        Outcome? best = null;
        long moves = 0;
        var round = 0;
        do
        {
            // A round that finds nothing feasible (a tight outline, fixed blocks in the way) is followed by up to two more
            // with fresh seeds, half the wirelength weight and more moves each; every round depends only on the seed, so the
            // result stays deterministic.
            var roundOptions = options with { WirelengthWeight = options.WirelengthWeight / (1 << round), MovesScale = options.MovesScale * (1 + 0.5 * round) };
            var outcome = Search(problem, roundOptions, chains, round, cancellationToken);
            moves += outcome.Moves;
            if (best is null || (outcome.Feasible && !best.Feasible)) best = outcome;
        }
        while (!best.Feasible && ++round < MaxRounds);
        if (!best.Feasible)
        {
            var (ow, oh) = problem.Outline ?? (0, 0);
            throw new FloorplanException(problem.Outline is null
                ? $"{problem.Name}: no placement clear of the fixed blocks was found; move the fixed blocks apart or raise the moves"
                : $"{problem.Name}: no placement fits the outline {ow:G6} x {oh:G6} (best {best.Width:G6} x {best.Height:G6}); enlarge the outline, lower the utilization or raise the moves");
        }
        return Build(problem, options, best, sw.Elapsed, moves);
    }

    /// <summary>Seed of chain c: spread apart so chains do not share streams.</summary>
    private static int ChainSeed(int seed, int chain) => unchecked(seed * 1_000_003 + chain * 7919 + 17);

    private sealed record Outcome(bool Feasible, double Cost, double Width, double Height, double Wirelength,
        List<(int Index, double X, double Y, double W, double H, bool Rotated)> Placements, long Moves);

    /// <summary>One annealing run of all chains, synchronized at segment ends.</summary>
    private static Outcome Search(FloorplanProblem problem, AnnealOptions o, int chains, int round, CancellationToken ct)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, o.Threads), CancellationToken = ct };
        var runs = new ChainRun[chains];
        Parallel.For(0, chains, parallel, c => runs[c] = new ChainRun(new SequencePairChain(problem, o, ChainSeed(o.Seed, round * chains + c))));
        var n = Math.Max(1, runs[0].Chain.BlockCount);

        // Normalization and start temperature from chain 0's random walk, shared by all.
        var lead = runs[0].Chain;
        lead.Normalize(Math.Max(50, 4 * n));
        var cost = lead.Evaluate();
        double uphill = 0;
        var ups = 0;
        for (var i = 0; i < Math.Max(100, 4 * n); i++)
        {
            lead.Perturb();
            var c = lead.Evaluate();
            if (c > cost) { uphill += c - cost; ups++; }
            cost = c;
        }
        var t0 = ups > 0 ? uphill / ups / -Math.Log(0.5) : 1e-3;
        var cooling = Math.Pow(1 / 20_000.0, 1.0 / (Steps - 1));
        var movesPerStep = Math.Max(20, (int)(MovesPerBlock * Math.Max(0.001, o.MovesScale) * n / Steps));
        foreach (var r in runs) r.Start(lead);

        var perSegment = Steps / Segments;
        for (var seg = 0; seg < Segments; seg++)
        {
            var from = seg * perSegment;
            var to = seg == Segments - 1 ? Steps : from + perSegment;
            Parallel.For(0, chains, parallel, c => runs[c].Anneal(from, to, t0, cooling, movesPerStep, ct));
            if (seg == Segments - 1) continue;
            var leader = Leader(runs);
            foreach (var r in runs)
                if (r != leader) r.Adopt(leader);
        }

        var winner = Leader(runs);
        var chain = winner.Chain;
        chain.Load(winner.Best);
        chain.MeasureWirelength = true;
        chain.Evaluate();
        return new Outcome(chain.Feasible, chain.Cost, chain.Width, chain.Height, chain.Wirelength, chain.Placements().ToList(), runs.Sum(r => r.Moves));
    }

    /// <summary>Feasible before infeasible, then the lower best cost, then the lower chain: independent of thread timing.</summary>
    private static ChainRun Leader(ChainRun[] runs) =>
        runs.Select((r, i) => (r, i)).OrderBy(t => t.r.BestFeasible ? 0 : 1).ThenBy(t => t.r.BestCost).ThenBy(t => t.i).First().r;

    /// <summary>A chain with its current cost and the best state it has seen.</summary>
    private sealed class ChainRun(SequencePairChain chain)
    {
        public SequencePairChain Chain { get; } = chain;
        public SequencePairChain.State Best { get; private set; } = chain.Save();
        public double BestCost { get; private set; } = double.MaxValue;
        public bool BestFeasible { get; private set; }
        public long Moves { get; private set; }
        private double _cost;

        public void Start(SequencePairChain lead)
        {
            if (Chain != lead) Chain.CopyNormalization(lead);
            _cost = Chain.Evaluate();
            Consider();
        }

        /// <summary>Takes the leader's best state (and best record) and goes on from it.</summary>
        public void Adopt(ChainRun leader)
        {
            Chain.Load(leader.Best);
            Best = leader.Best;
            BestCost = leader.BestCost;
            BestFeasible = leader.BestFeasible;
            _cost = Chain.Evaluate();
        }

        public void Anneal(int fromStep, int toStep, double t0, double cooling, int movesPerStep, CancellationToken ct)
        {
            var chain = Chain;
            for (var step = fromStep; step < toStep; step++)
            {
                ct.ThrowIfCancellationRequested();
                var t = t0 * Math.Pow(cooling, step);
                // The outline presses harder as the search cools (4 at the start, 40 at the end), so late moves stay inside it.
                chain.OutlineWeight = 4 + 36.0 * step / (Steps - 1);
                _cost = chain.Evaluate();
                for (var m = 0; m < movesPerStep; m++)
                {
                    chain.Perturb();
                    var c = chain.Evaluate();
                    var d = c - _cost;
                    if (d <= 0 || chain.NextDouble() < Math.Exp(-d / t))
                    {
                        _cost = c;
                        if (c < BestCost || (!BestFeasible && chain.Feasible)) Consider();
                    }
                    else chain.Undo();
                }
                Moves += movesPerStep;
            }
        }

        private void Consider()
        {
            var feasible = Chain.Feasible;
            if (BestFeasible && !feasible) return;
            if (feasible == BestFeasible && Chain.Cost >= BestCost) return;
            Best = Chain.Save();
            BestCost = Chain.Cost;
            BestFeasible = feasible;
        }
    }

    private static FloorplanResult Build(FloorplanProblem problem, AnnealOptions o, Outcome best, TimeSpan runtime, long moves)
    {
        var (dieW, dieH) = problem.Outline ?? (best.Width, best.Height);
        var placed = new PlacedBlock[problem.Blocks.Count];
        foreach (var (index, x, y, w, h, rotated) in best.Placements)
        {
            var b = problem.Blocks[index];
            var halo = b.Soft ? 0 : b.Halo;
            placed[index] = new PlacedBlock(index, b.Name, x + halo, y + halo, w - 2 * halo, h - 2 * halo, rotated, rotated ? Orientation.W : Orientation.N, halo);
        }
        for (var i = 0; i < problem.Blocks.Count; i++)
        {
            var b = problem.Blocks[i];
            if (b.FixedAt is var (fx, fy)) placed[i] = new PlacedBlock(i, b.Name, fx, fy, b.Width, b.Height, false, Orientation.N, 0);
        }

        // Turn pin edges toward the logic: the target is the named block's centre, or the die centre.
        var target = o.PinTarget is { } name && placed.FirstOrDefault(p => p.Name == name) is { } t ? (t.CenterX, t.CenterY) : (dieW / 2, dieH / 2);
        for (var i = 0; i < placed.Length; i++)
        {
            var b = problem.Blocks[i];
            if (b.Soft || b.FixedAt is not null || b.PinEdge == PinEdge.None) continue;
            placed[i] = placed[i] with { Orientation = Orientations.Facing(b.PinEdge, placed[i].Rotated, target.Item1 - placed[i].CenterX, target.Item2 - placed[i].CenterY) };
        }

        return new FloorplanResult(problem, placed, dieW, dieH, best.Wirelength, runtime)
        {
            PackingWidth = best.Width,
            PackingHeight = best.Height,
            Moves = moves,
            Seed = o.Seed,
        };
    }
}
