namespace FlowRunner.Floorplan.Model;

/// <summary>DEF orientation arithmetic: where a block's pin edge ends up, and the orientation that points it at the logic.</summary>
public static class Orientations
{
    private static readonly Orientation[] Upright = [Orientation.N, Orientation.FS, Orientation.S, Orientation.FN];
    private static readonly Orientation[] Turned = [Orientation.W, Orientation.FW, Orientation.E, Orientation.FE];

    /// <summary>Outward direction of an edge of the unrotated block.</summary>
    public static (int X, int Y) Direction(PinEdge edge) => edge switch
    {
        PinEdge.Bottom => (0, -1),
        PinEdge.Top => (0, 1),
        PinEdge.Left => (-1, 0),
        PinEdge.Right => (1, 0),
        _ => (0, 0),
    };

    /// <summary>A direction after the DEF orientation (W = 90 degrees counter-clockwise; F = mirrored about the y axis first).</summary>
    public static (int X, int Y) Apply(Orientation o, (int X, int Y) v) => o switch
    {
        Orientation.N => v,
        Orientation.S => (-v.X, -v.Y),
        Orientation.W => (-v.Y, v.X),
        Orientation.E => (v.Y, -v.X),
        Orientation.FN => (-v.X, v.Y),
        Orientation.FS => (v.X, -v.Y),
        Orientation.FW => (-v.Y, -v.X),
        Orientation.FE => (v.Y, v.X),
        _ => v,
    };

    /// <summary>True when the orientation swaps width and height.</summary>
    public static bool IsTurned(Orientation o) => o is Orientation.W or Orientation.E or Orientation.FW or Orientation.FE;

    /// <summary>The orientation (upright or turned, as placed) whose pin edge points most toward (dx, dy).</summary>
    public static Orientation Facing(PinEdge edge, bool turned, double dx, double dy)
    {
        var d = Direction(edge);
        var best = turned ? Turned[0] : Upright[0];
        var bestDot = double.MinValue;
        foreach (var o in turned ? Turned : Upright)
        {
            var (x, y) = Apply(o, d);
            var dot = x * dx + y * dy;
            if (dot > bestDot + 1e-9) { bestDot = dot; best = o; }
        }
        return best;
    }
}
