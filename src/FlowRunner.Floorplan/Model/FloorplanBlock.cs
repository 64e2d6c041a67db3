namespace FlowRunner.Floorplan.Model;

/// <summary>A block to place: a hard macro (fixed width and height, may turn by 90 degrees) or a soft region (fixed area, aspect free within bounds).</summary>
/// <param name="Name">Instance name, unique in the problem.</param>
/// <param name="Width">Width in microns (unrotated; for a soft block, the width at aspect 1 is sqrt(area)).</param>
/// <param name="Height">Height in microns.</param>
public sealed record FloorplanBlock(string Name, double Width, double Height)
{
    /// <summary>Master name written in DEF (the LEF MACRO); the instance name when not given.</summary>
    public string? Cell { get; init; }

    /// <summary>Whether the annealer may turn the block by 90 degrees.</summary>
    public bool Rotatable { get; init; } = true;

    /// <summary>Soft block: only the area is fixed; height/width may take any value in [<see cref="MinAspect"/>, <see cref="MaxAspect"/>].</summary>
    public bool Soft { get; init; }
    public double MinAspect { get; init; } = 1;
    public double MaxAspect { get; init; } = 1;

    /// <summary>Keep-out ring on every side, in microns: no other block comes nearer (two halos may touch).</summary>
    public double Halo { get; init; }

    /// <summary>Pre-placed lower-left corner of a fixed block; null for movable blocks.</summary>
    public (double X, double Y)? FixedAt { get; init; }

    /// <summary>The edge the signal pins sit on (unrotated), to turn them toward the logic; <see cref="PinEdge.None"/> when unknown.</summary>
    public PinEdge PinEdge { get; init; } = PinEdge.None;

    /// <summary>Where the block was defined ("file:line"), for error messages.</summary>
    public string Source { get; init; } = "";

    public double Area => Width * Height;

    public string CellName => Cell ?? Name;

    /// <summary>A soft block of the given area whose aspect may vary between the bounds (e.g. the standard-cell region).</summary>
    public static FloorplanBlock SoftRegion(string name, double area, double minAspect = 1.0 / 3, double maxAspect = 3) =>
        new(name, Math.Sqrt(area), Math.Sqrt(area)) { Soft = true, MinAspect = minAspect, MaxAspect = maxAspect, Rotatable = false };
}

/// <summary>An edge of a block, before any rotation.</summary>
public enum PinEdge { None, Bottom, Top, Left, Right }

/// <summary>A fixed pin of the design (an I/O pad or a benchmark terminal) at a point.</summary>
public sealed record Terminal(string Name, double X, double Y);

/// <summary>A net: blocks (indices into the problem's blocks) and terminals (indices into its terminals) it joins, with a weight for the wirelength cost.</summary>
public sealed record Net(string Name, IReadOnlyList<int> Blocks, IReadOnlyList<int> Terminals, double Weight = 1)
{
    public int Degree => Blocks.Count + Terminals.Count;
}
