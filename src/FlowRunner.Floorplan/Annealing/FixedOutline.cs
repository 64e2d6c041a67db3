using FlowRunner.Floorplan.Model;

namespace FlowRunner.Floorplan.Annealing;

/// <summary>The usual fixed-outline setting of the block-packing literature: an outline of the blocks' area plus a white-space share, at a given aspect.</summary>
public static class FixedOutline
{
    /// <summary>Width and height of an outline with area = packed area x (1 + whiteSpace) and height / width = aspect.</summary>
    public static (double Width, double Height) For(FloorplanProblem p, double whiteSpace = 0.1, double aspect = 1)
    {
        var area = p.PackedArea * (1 + whiteSpace);
        var w = Math.Sqrt(area / aspect);
        return (w, area / w);
    }
}
