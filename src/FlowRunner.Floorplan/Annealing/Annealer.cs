using System.Diagnostics;
using FlowRunner.Floorplan.Model;

namespace FlowRunner.Floorplan.Annealing;

/// <summary>Simulated-annealing floor planner over sequence pairs: area + HPWL cost, rotation, soft blocks, fixed-outline mode.</summary>
/// <remarks>
/// Schedule: the start temperature accepts an average uphill move with probability 0.85; it falls geometrically over
/// 120 steps to 1/20,000 of that. With a fixed outline the outline's overshoot is a cost term and only placements inside
/// it are kept as results (Adya and Markov's Parquet, ICCD 2001 / TVLSI 2003, use the same acceptance rule).
/// </remarks>
public static class Annealer
{
    private const int Steps = 120;
    private const double MovesPerBlock = 1500;
    private const int MaxRounds = 3;

    public static FloorplanResult Run(FloorplanProblem problem, AnnealOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new AnnealOptions();
        problem.Validate();
        var sw = Stopwatch.StartNew();
        var chains = Math.Max(1, options.Chains);
        var all = new List<Outcome>();
        Outcome best;
        var round = 0;
        do
        {
            // A round that finds nothing feasible (a tight outline, fixed blocks in the way) is followed by up to two more
            // with fresh seeds, half the wirelength weight and more moves each; every round depends only on the seed, so the
            // result stays deterministic.
            var outcomes = new Outcome?[chains];
            var first = round * chains;
            var roundOptions = options with { WirelengthWeight = options.WirelengthWeight / (1 << round), MovesScale = options.MovesScale * (1 + 0.5 * round) };
            Parallel.For(0, chains, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Threads), CancellationToken = cancellationToken },
                c => outcomes[c] = RunChain(problem, roundOptions, ChainSeed(options.Seed, first + c), cancellationToken));
            all.AddRange(outcomes.Select(o => o!));
            // Feasible before infeasible, then lower cost, then the lower chain: independent of thread timing.
            best = all.Select((o, i) => (o, i)).OrderBy(t => t.o.Feasible ? 0 : 1).ThenBy(t => t.o.Cost).ThenBy(t => t.i).First().o;
        }
        while (!best.Feasible && ++round < MaxRounds);
        if (!best.Feasible)
        {
            var (ow, oh) = problem.Outline ?? (0, 0);
            throw new FloorplanException(problem.Outline is null
                ? $"{problem.Name}: no placement clear of the fixed blocks was found; move the fixed blocks apart or raise the moves"
                : $"{problem.Name}: no placement fits the outline {ow:G6} x {oh:G6} (best {best.Width:G6} x {best.Height:G6}); enlarge the outline, lower the utilization or raise the moves");
        }
        return Build(problem, options, best, sw.Elapsed, all.Sum(o => o.Moves));
    }

    /// <summary>Seed of chain c: spread apart so chains do not share streams.</summary>
    private static int ChainSeed(int seed, int chain) => unchecked(seed * 1_000_003 + chain * 7919 + 17);

    private sealed record Outcome(bool Feasible, double Cost, double Width, double Height, double Wirelength,
        List<(int Index, double X, double Y, double W, double H, bool Rotated)> Placements, long Moves);

    private static Outcome RunChain(FloorplanProblem problem, AnnealOptions o, int seed, CancellationToken ct)
    {
        var chain = new SequencePairChain(problem, o, seed);
        var n = Math.Max(1, chain.BlockCount);
        chain.Normalize(Math.Max(50, 4 * n));
        var cost = chain.Evaluate();

        // Start temperature from the average uphill step of a random walk.
        double uphill = 0;
        var ups = 0;
        for (var i = 0; i < Math.Max(100, 4 * n); i++)
        {
            chain.Perturb();
            var c = chain.Evaluate();
            if (c > cost) { uphill += c - cost; ups++; }
            cost = c;
        }
        var t0 = ups > 0 ? uphill / ups / -Math.Log(0.85) : 1e-3;
        var tEnd = t0 / 20_000;
        var cooling = Math.Pow(tEnd / t0, 1.0 / (Steps - 1));
        var movesPerStep = Math.Max(20, (int)(MovesPerBlock * Math.Max(0.001, o.MovesScale) * n / Steps));

        var best = chain.Save();
        var bestCost = double.MaxValue;
        var bestFeasible = false;
        cost = chain.Evaluate();
        Consider();
        long moves = 0;
        var t = t0;
        for (var step = 0; step < Steps; step++, t *= cooling)
        {
            ct.ThrowIfCancellationRequested();
            // The outline presses harder as the search cools (4 at the start, 40 at the end), so late moves stay inside it.
            chain.OutlineWeight = 4 + 36.0 * step / (Steps - 1);
            cost = chain.Evaluate();
            for (var m = 0; m < movesPerStep; m++)
            {
                chain.Perturb();
                var c = chain.Evaluate();
                moves++;
                var d = c - cost;
                if (d <= 0 || chain.NextDouble() < Math.Exp(-d / t))
                {
                    cost = c;
                    if (c < bestCost || (!bestFeasible && chain.Feasible)) Consider();
                }
                else chain.Undo();
            }
        }

        chain.Load(best);
        chain.Evaluate();
        return new Outcome(chain.Feasible, chain.Cost, chain.Width, chain.Height, chain.Wirelength, chain.Placements().ToList(), moves);

        void Consider()
        {
            var feasible = chain.Feasible;
            if (bestFeasible && !feasible) return;
            if (feasible == bestFeasible && chain.Cost >= bestCost) return;
            best = chain.Save();
            bestCost = chain.Cost;
            bestFeasible = feasible;
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
