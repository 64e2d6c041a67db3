using FlowRunner.Floorplan.Model;

namespace FlowRunner.Floorplan.Designs;

/// <summary>A generated accelerator-like design: N memory macros of random SRAM-like shapes, a standard-cell region, and nets from macro groups ("layers") to the logic.</summary>
public static class SyntheticDesign
{
    /// <param name="macros">Number of macros.</param>
    /// <param name="cellAreaShare">Cell region area as a share of the total macro area.</param>
    public static FloorplanProblem Create(int macros, int seed, double cellAreaShare = 0.5, double halo = 0)
    {
        var rng = new Random(seed);
        var blocks = new List<FloorplanBlock>();
        for (var i = 0; i < macros; i++)
        {
            // SRAM outlines of 16..512 rows by 8..256 columns of a 0.8 x 1.365 um bit cell plus periphery: 20..400 um a side.
            var rows = 16 << rng.Next(6);
            var cols = 8 << rng.Next(6);
            var w = Math.Round(cols * 0.8 + 12 + rng.Next(8), 2);
            var h = Math.Round(rows * 1.365 * (0.5 + rng.NextDouble() * 0.5) + 10, 2);
            blocks.Add(new FloorplanBlock($"m{i:D3}", w, h) { Halo = halo, PinEdge = PinEdge.Bottom, Cell = $"sram_{rows}x{cols}" });
        }
        var macroArea = blocks.Sum(b => b.Area);
        blocks.Add(FloorplanBlock.SoftRegion("logic", macroArea * cellAreaShare));
        var logic = blocks.Count - 1;
        var nets = new List<Net>();
        var layers = Math.Max(1, macros / 10);
        for (var l = 0; l < layers; l++)
        {
            var members = Enumerable.Range(0, macros).Where(i => i % layers == l).ToList();
            nets.Add(new Net($"layer{l}", [.. members, logic], [], 1));
        }
        for (var i = 0; i < macros; i++) nets.Add(new Net($"bus_{i}", [i, logic], [], 0.5 + rng.NextDouble()));
        return new FloorplanProblem($"synthetic{macros}", blocks, [], nets);
    }
}
