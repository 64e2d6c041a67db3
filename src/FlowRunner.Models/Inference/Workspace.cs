using FlowRunner.Models.Network;

namespace FlowRunner.Models.Inference;

/// <summary>Per-thread buffers of the bit-accurate model, sized once for the largest layer, so inference allocates nothing per image.</summary>
internal sealed class Workspace
{
    public Workspace(NetworkSpec spec)
    {
        var sizes = new[] { spec.Input.Size }.Concat(spec.Shapes.Select(s => s.Size)).ToArray();
        var max = sizes.Max();
        Tensors = sizes.Select(n => new long[n + IntegerKernels.Slack]).ToArray();
        var planes = spec.Shapes.Select(s => s.H * s.W).Max();
        Acc = new long[max];
        NarrowInput = new int[max + IntegerKernels.Slack];
        NarrowAcc = new int[planes];
        WideAcc = new long[planes];
        Window = new long[Enumerable.Range(0, spec.Layers.Count).Max(spec.FanIn) + 1];
        Scratch = new long[max + IntegerKernels.Slack];
        Pixels = new double[spec.Input.Size];
    }

    /// <summary>[0] the quantized image, [i + 1] the output of layer i (raw values, channel-planar).</summary>
    public long[][] Tensors { get; }
    public long[] Acc { get; }
    public int[] NarrowInput { get; }
    public int[] NarrowAcc { get; }
    public long[] WideAcc { get; }
    public long[] Window { get; }
    public long[] Scratch { get; }
    public double[] Pixels { get; }
}
