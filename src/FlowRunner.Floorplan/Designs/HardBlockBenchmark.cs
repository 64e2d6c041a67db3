using FlowRunner.Floorplan.Model;

namespace FlowRunner.Floorplan.Designs;

/// <summary>A seeded hard-block packing case in the style of the GSRC n100 / n200 / n300 benchmarks: integer block sizes, aspect ratios
/// 1:3 to 3:1, areas spread over two orders of magnitude, pads on the outline of a 10% white-space square, and local 2- to 6-pin nets.</summary>
public static class HardBlockBenchmark
{
    /// <summary>The conventional name of a generated case of <paramref name="blocks"/> blocks: hard100, hard200, ...</summary>
    public static string NameFor(int blocks) => $"hard{blocks}";

    /// <param name="blocks">Number of hard blocks.</param>
    /// <param name="seed">Seed of every choice; the same seed gives the same file, byte for byte.</param>
    public static FloorplanProblem Create(int blocks, int seed = 1)
    {
        if (blocks < 1) throw new FloorplanException($"a generated benchmark needs at least one block, got {blocks}");
        var rng = new Random(seed);
        var list = new List<FloorplanBlock>(blocks);
        for (var i = 0; i < blocks; i++)
        {
            // Area log-uniform over 100..10,000 (two decades), aspect log-uniform over 1/3..3; sides rounded to whole units,
            // then clamped back into the aspect range the rounding may have left.
            var area = 100 * Math.Pow(100, rng.NextDouble());
            var aspect = Math.Pow(3, 2 * rng.NextDouble() - 1);
            var w = Math.Max(1, Math.Round(Math.Sqrt(area / aspect)));
            var h = Math.Clamp(Math.Round(area / w), Math.Ceiling(w / 3), Math.Floor(3 * w));
            list.Add(new FloorplanBlock($"sb{i}", w, h));
        }

        // Pads: about one per block, evenly along the outline of a square of the block area plus 10%.
        var side = Math.Sqrt(list.Sum(b => b.Area) * 1.1);
        var pads = new List<Terminal>();
        for (var i = 0; i < blocks; i++)
        {
            var t = 4 * side * i / blocks;
            var (x, y) = (int)(t / side) switch
            {
                0 => (t, 0.0),
                1 => (side, t - side),
                2 => (3 * side - t, side),
                _ => (0.0, 4 * side - t),
            };
            pads.Add(new Terminal($"p{i + 1}", Math.Round(x), Math.Round(y)));
        }

        // Nets: three per block; pins drawn near a random anchor in block order (netlists are local), a pad on one net in four.
        var nets = new List<Net>();
        for (var k = 0; k < 3 * blocks; k++)
        {
            var degree = rng.NextDouble() switch { < 0.55 => 2, < 0.8 => 3, < 0.92 => 4, _ => 5 + rng.Next(2) };
            var anchor = rng.Next(blocks);
            var members = new SortedSet<int>();
            while (members.Count < Math.Min(degree, blocks))
                members.Add(((anchor + rng.Next(-8, 9)) % blocks + blocks) % blocks);
            var terminals = rng.Next(4) == 0 ? new[] { rng.Next(blocks) } : [];
            if (members.Count + terminals.Length >= 2) nets.Add(new Net($"n{nets.Count}", [.. members], terminals));
        }
        return new FloorplanProblem(NameFor(blocks), list, pads, nets);
    }
}
