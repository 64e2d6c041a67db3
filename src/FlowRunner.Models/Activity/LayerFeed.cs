using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Models.Activity;

/// <summary>How one Conv2D or Dense layer is fed to the MAC array (the hls.emit contract's order), laid out once: the weights of every lane
/// of every filter group in feed order (zero past the last filter or input), the tap offsets, the register widths and masks.</summary>
internal sealed class LayerFeed
{
    public LayerFeed(BitAccurateNetwork net, int index, FixedFormat incoming, MacArray array)
    {
        var spec = net.Spec;
        var l = spec.Layers[index];
        var f = net.Formats[index]!;
        Index = index;
        Name = l.Name;
        IsConv = l.Kind == LayerKind.Conv2D;
        In = spec.InputShape(index);
        Out = spec.Shapes[index];
        Lanes = array.Lanes;
        Taps = array.TapsPerLane;
        Input = f.Input;
        IncomingFrac = incoming.FracBits;
        Requantize = incoming.Width != f.Input.Width || incoming.IntBits != f.Input.IntBits || incoming.Signed != f.Input.Signed;
        WeightBits = f.Weight.Width;
        InputBits = f.Input.Width;
        AccumulatorBits = array.AccumulatorBits is { } bits && bits.TryGetValue(l.Name, out var b) ? b : f.Accumulator.Width;
        WeightMask = ToggleCounter.Mask(WeightBits);
        InputMask = ToggleCounter.Mask(InputBits);
        AccumulatorMask = ToggleCounter.Mask(AccumulatorBits);

        var w = net.RawWeights(index);
        var outputs = Out.C;
        Groups = (outputs + Lanes - 1) / Lanes;
        if (IsConv)
        {
            var k = l.Kernel;
            if (k * k > Taps) throw new ArgumentException($"layer '{l.Name}': a {k}x{k} kernel needs {k * k} multipliers a lane, the array has {Taps}");
            Kernel = k;
            Inner = In.C;
            Offsets = new int[k * k];
            for (var ky = 0; ky < k; ky++)
                for (var kx = 0; kx < k; kx++) Offsets[ky * k + kx] = (ky * In.W + kx) * In.C;
            // Canonical Conv2D order is [filter][ky][kx][channel]; the array takes, per channel, one tap per multiplier.
            LaneWeights = new long[Groups * Lanes * Inner * Taps];
            for (var o = 0; o < outputs; o++)
                for (var c = 0; c < In.C; c++)
                    for (var t = 0; t < k * k; t++) LaneWeights[(o * Inner + c) * Taps + t] = w[o * k * k * In.C + t * In.C + c];
            Steps = (long)Out.H * Out.W * Groups * Inner;
        }
        else
        {
            var n = spec.FanIn(index);
            Kernel = 0;
            Inner = (n + Taps - 1) / Taps;
            Offsets = [];
            LaneWeights = new long[Groups * Lanes * Inner * Taps];
            for (var o = 0; o < outputs; o++)
                for (var j = 0; j < n; j++) LaneWeights[o * Inner * Taps + j] = w[o * n + j];
            Steps = (long)Groups * Inner;
        }
        Macs = (long)Out.Size * spec.FanIn(index);
    }

    public int Index { get; }
    public string Name { get; }
    public bool IsConv { get; }
    public Network.TensorShape In { get; }
    public Network.TensorShape Out { get; }
    public int Lanes { get; }
    public int Taps { get; }
    public int Kernel { get; }

    /// <summary>Filters (Conv2D) or units (Dense): lanes from this one on are idle (zero weights).</summary>
    public int Outputs => Out.C;

    /// <summary>Filter groups (ceil(outputs / lanes)).</summary>
    public int Groups { get; }

    /// <summary>Steps per output and group: input channels (Conv2D) or chunks of <see cref="Taps"/> inputs (Dense).</summary>
    public int Inner { get; }

    public FixedFormat Input { get; }
    public int IncomingFrac { get; }
    public bool Requantize { get; }
    public int WeightBits { get; }
    public int InputBits { get; }
    public int AccumulatorBits { get; }
    public ulong WeightMask { get; }
    public ulong InputMask { get; }
    public ulong AccumulatorMask { get; }

    /// <summary>Offsets of the taps from the window's top-left value in a channels-last input (Conv2D).</summary>
    public int[] Offsets { get; }

    /// <summary>Weights in feed order: [group·lanes + lane][inner step][tap], zero past the last output or input.</summary>
    public long[] LaneWeights { get; }

    public long Steps { get; }
    public long Macs { get; }
    public long Multiplies => Steps * Lanes * Taps;

    /// <summary>The value tap <paramref name="t"/> sees at window (<paramref name="y"/>, <paramref name="x"/>) and inner step
    /// <paramref name="inner"/>; 0 for an idle tap.</summary>
    public long Operand(ReadOnlySpan<long> input, int y, int x, int inner, int t)
    {
        if (IsConv) return t < Offsets.Length ? input[(y * In.W + x) * In.C + inner + Offsets[t]] : 0;
        var j = inner * Taps + t;
        return j < input.Length ? input[j] : 0;
    }
}
