namespace FlowRunner.Floorplan.Model;

/// <summary>DEF orientations: N (as drawn), S (180), W (90 counter-clockwise), E (90 clockwise), and their mirror images FN, FS, FW, FE.</summary>
public enum Orientation { N, S, W, E, FN, FS, FW, FE }

/// <summary>A placed block: lower-left corner and size of the block itself (halo excluded, rotation applied), in microns.</summary>
public sealed record PlacedBlock(int Index, string Name, double X, double Y, double Width, double Height, bool Rotated, Orientation Orientation, double Halo)
{
    public double CenterX => X + Width / 2;
    public double CenterY => Y + Height / 2;

    public bool Overlaps(PlacedBlock o, double eps = 1e-6) =>
        X < o.X + o.Width - eps && o.X < X + Width - eps && Y < o.Y + o.Height - eps && o.Y < Y + Height - eps;
}

/// <summary>A finished floor plan: placements, die, wirelength and how long the search took.</summary>
public sealed record FloorplanResult(FloorplanProblem Problem, IReadOnlyList<PlacedBlock> Blocks, double DieWidth, double DieHeight, double Wirelength, TimeSpan Runtime)
{
    /// <summary>Width and height of the bounding box of all blocks with their halos.</summary>
    public double PackingWidth { get; init; }
    public double PackingHeight { get; init; }

    /// <summary>Moves tried by the annealer, over all chains.</summary>
    public long Moves { get; init; }

    /// <summary>Seed the search started from.</summary>
    public int Seed { get; init; }

    public double DieArea => DieWidth * DieHeight;

    /// <summary>Share of the die no block covers: 1 - sum of block areas / die area (halos count as dead space).</summary>
    public double DeadSpace => 1 - Problem.BlockArea / DieArea;

    /// <summary>Whether every block lies inside the die and no two blocks (halos included) overlap.</summary>
    public bool IsLegal(double eps = 1e-6)
    {
        foreach (var b in Blocks)
            if (b.X - b.Halo < -eps || b.Y - b.Halo < -eps || b.X + b.Width + b.Halo > DieWidth + eps || b.Y + b.Height + b.Halo > DieHeight + eps)
                return false;
        for (var i = 0; i < Blocks.Count; i++)
            for (var j = i + 1; j < Blocks.Count; j++)
                if (Inflate(Blocks[i]).Overlaps(Inflate(Blocks[j]), eps)) return false;
        return true;
    }

    private static PlacedBlock Inflate(PlacedBlock b) => b with { X = b.X - b.Halo, Y = b.Y - b.Halo, Width = b.Width + 2 * b.Halo, Height = b.Height + 2 * b.Halo };

    public PlacedBlock this[string name] => Blocks.First(b => b.Name == name);
}
