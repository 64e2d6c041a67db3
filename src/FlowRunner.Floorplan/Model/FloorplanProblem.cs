namespace FlowRunner.Floorplan.Model;

/// <summary>What to floor-plan: blocks, terminals, nets, and an optional fixed outline (die width and height in microns).</summary>
public sealed class FloorplanProblem
{
    public FloorplanProblem(string name, IReadOnlyList<FloorplanBlock> blocks, IReadOnlyList<Terminal> terminals, IReadOnlyList<Net> nets)
    {
        Name = name;
        Blocks = blocks;
        Terminals = terminals;
        Nets = nets;
    }

    public string Name { get; }
    public IReadOnlyList<FloorplanBlock> Blocks { get; }
    public IReadOnlyList<Terminal> Terminals { get; }
    public IReadOnlyList<Net> Nets { get; }

    /// <summary>Fixed outline (width, height) in microns; null lets the die grow to the packing.</summary>
    public (double Width, double Height)? Outline { get; init; }

    /// <summary>Sum of block areas without halos.</summary>
    public double BlockArea => Blocks.Sum(b => b.Area);

    /// <summary>Sum of block areas with their halos: what has to fit.</summary>
    public double PackedArea => Blocks.Sum(b => b.Soft ? b.Area : (b.Width + 2 * b.Halo) * (b.Height + 2 * b.Halo));

    /// <summary>A copy with a fixed outline.</summary>
    public FloorplanProblem WithOutline(double width, double height) => new(Name, Blocks, Terminals, Nets) { Outline = (width, height) };

    /// <summary>A copy without an outline.</summary>
    public FloorplanProblem Free() => new(Name, Blocks, Terminals, Nets);

    /// <summary>Checks what no annealing can repair: empty or duplicate blocks, bad soft bounds, overlapping fixed blocks, an outline too small.</summary>
    public void Validate()
    {
        if (Blocks.Count == 0) throw new FloorplanException($"{Name}: no blocks to place");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var b in Blocks)
        {
            var at = Where(b);
            if (!(b.Width > 0) || !(b.Height > 0) || !double.IsFinite(b.Area))
                throw new FloorplanException($"{at}block '{b.Name}' has zero or negative size {b.Width} x {b.Height}");
            if (b.Halo < 0) throw new FloorplanException($"{at}block '{b.Name}' has a negative halo {b.Halo}");
            if (b.Soft && !(b.MinAspect > 0 && b.MinAspect <= b.MaxAspect))
                throw new FloorplanException($"{at}soft block '{b.Name}': aspect bounds must satisfy 0 < min <= max, got {b.MinAspect}..{b.MaxAspect}");
            if (!names.Add(b.Name)) throw new FloorplanException($"{at}block '{b.Name}' is defined twice");
        }
        foreach (var n in Nets)
            if (n.Blocks.Any(i => i < 0 || i >= Blocks.Count) || n.Terminals.Any(i => i < 0 || i >= Terminals.Count))
                throw new FloorplanException($"{Name}: net '{n.Name}' refers to a block or terminal that does not exist");

        var fixedBlocks = Blocks.Where(b => b.FixedAt is not null).ToList();
        for (var i = 0; i < fixedBlocks.Count; i++)
            for (var j = i + 1; j < fixedBlocks.Count; j++)
            {
                var (a, c) = (fixedBlocks[i], fixedBlocks[j]);
                var (ax, ay) = a.FixedAt!.Value;
                var (cx, cy) = c.FixedAt!.Value;
                if (ax < cx + c.Width && cx < ax + a.Width && ay < cy + c.Height && cy < ay + a.Height)
                    throw new FloorplanException($"{Where(c)}fixed block '{c.Name}' at ({cx}, {cy}) overlaps fixed block '{a.Name}' at ({ax}, {ay}){(a.Source.Length > 0 ? $" ({a.Source})" : "")}");
            }

        if (Outline is var (w, h))
        {
            if (!(w > 0 && h > 0)) throw new FloorplanException($"{Name}: the fixed outline {w} x {h} must have a positive width and height");
            if (PackedArea > w * h)
                throw new FloorplanException($"{Name}: the fixed outline {w} x {h} = {w * h:G6} um2 is smaller than the total block area {PackedArea:G6} um2 (halos included)");
            foreach (var b in fixedBlocks)
            {
                var (x, y) = b.FixedAt!.Value;
                if (x < 0 || y < 0 || x + b.Width > w + 1e-9 || y + b.Height > h + 1e-9)
                    throw new FloorplanException($"{Where(b)}fixed block '{b.Name}' at ({x}, {y}) lies outside the outline {w} x {h}");
            }
            foreach (var b in Blocks.Where(b => !b.Soft))
                if (Math.Min(b.Width, b.Height) + 2 * b.Halo > Math.Min(w, h) || Math.Max(b.Width, b.Height) + 2 * b.Halo > Math.Max(w, h)
                    || (!b.Rotatable && (b.Width + 2 * b.Halo > w || b.Height + 2 * b.Halo > h)))
                    throw new FloorplanException($"{Where(b)}block '{b.Name}' ({b.Width} x {b.Height} with halo {b.Halo}) does not fit in the outline {w} x {h}");
        }
    }

    private string Where(FloorplanBlock b) => b.Source.Length > 0 ? b.Source + ": " : Name + ": ";
}
