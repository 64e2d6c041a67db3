using FlowRunner.Models.Layers;
using FlowRunner.Models.Network;

namespace FlowRunner.Hls.Architecture;

/// <summary>The geometry of one lane of the shared MAC array: a window of <see cref="Rows"/> row buffers and <see cref="TapsPerRow"/> taps a
/// row, one multiplier a tap. The window is as wide as the network's largest 2-D kernel and never smaller than 3 x 3 (the reference array);
/// a smaller kernel leaves taps idle, a 1-D kernel folds into the rows (taps r*TapsPerRow .. r*TapsPerRow + TapsPerRow - 1 on row r).</summary>
public sealed record MacArray(int Rows, int TapsPerRow)
{
    /// <summary>The reference array: 3 x 3 taps a lane.</summary>
    public static readonly MacArray Default = new(3, 3);

    /// <summary>The largest kernel side a 2-D window may have (7 x 7: 49 multipliers a lane).</summary>
    public const int MaxKernel = 7;

    /// <summary>Multipliers in one lane.</summary>
    public int TapsPerLane => Rows * TapsPerRow;

    /// <summary>The array a network needs: square, as wide as its widest 2-D kernel, with rows enough for its longest folded 1-D kernel.</summary>
    public static MacArray For(NetworkSpec spec)
    {
        var side = Default.Rows;
        foreach (var l in spec.Layers)
        {
            if (l.Kind == LayerKind.Conv2D) side = Math.Max(side, l.Kernel);
            else if (l.Op is ConvOp c)
            {
                if (c.Type == "conv1d") while (side * side < c.Window.KernelW) side++;
                else side = Math.Max(side, Math.Max(c.Window.KernelH, c.Window.KernelW));
            }
        }
        return side == Default.Rows ? Default : new MacArray(side, side);
    }
}
