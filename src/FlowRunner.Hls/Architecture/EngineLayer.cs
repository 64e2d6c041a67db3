using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Hls.Architecture;

/// <summary>One Conv2D 3x3 or Dense layer as the shared MAC array runs it: its shapes, formats, memories, loop bounds and window geometry.</summary>
/// <remarks>
/// A conv layer walks output pixels p; for each it loads a window (3 runs of 3C contiguous input values, one per kernel row) and then,
/// for each group g of <see cref="Lanes"/> filters, C steps of 9 multiplies a lane. A dense layer is run as C = 1 windows: for each group g
/// and each step k the run of row ky holds inputs 9k + 3ky .. 9k + 3ky + 2.
/// </remarks>
public sealed class EngineLayer
{
    internal EngineLayer(int position, int specIndex, LayerSpec spec, TensorShape input, TensorShape output, int lanes, LayerFormats formats,
        bool relu, FixedFormat stored, bool assignStored, int accumulatorBits, long[] weights)
    {
        Position = position;
        SpecIndex = specIndex;
        Name = spec.Name;
        IsConv = spec.Kind == LayerKind.Conv2D;
        Input = input;
        Output = output;
        Lanes = lanes;
        Formats = formats;
        Relu = relu;
        Stored = stored;
        AssignStored = assignStored;
        AccumulatorBits = accumulatorBits;
        Weights = weights;
        Filters = IsConv ? spec.Filters : spec.Units;
        Channels = IsConv ? input.C : 1;
        FanIn = IsConv ? 9 * input.C : input.Size;
        Steps = IsConv ? input.C : (input.Size + 8) / 9;
        Groups = (Filters + lanes - 1) / lanes;
        Pixels = IsConv ? output.H * output.W : 1;
        RunLength = IsConv ? 3 * input.C : 3;
        WordsPerRun = (lanes + RunLength - 2) / lanes + 1;
        InputWords = (input.Size + lanes - 1) / lanes;
        WeightWords = Groups * Steps;
    }

    /// <summary>Index among the layers with weights (0 = the layer that reads the image).</summary>
    public int Position { get; }

    /// <summary>Index in the network description.</summary>
    public int SpecIndex { get; }

    public string Name { get; }
    public bool IsConv { get; }
    public TensorShape Input { get; }
    public TensorShape Output { get; }
    public int Lanes { get; }
    public LayerFormats Formats { get; }

    /// <summary>Whether a ReLU follows (fused after the output assignment).</summary>
    public bool Relu { get; }

    /// <summary>The format values are stored in for the next layer (its input format), or the logits format for the last layer.</summary>
    public FixedFormat Stored { get; }

    /// <summary>Whether the output is assigned again into <see cref="Stored"/> (the next layer's input format differs, as the model does).</summary>
    public bool AssignStored { get; }

    /// <summary>Width of the exact accumulator: every partial sum of products fits it, at the product's LSB.</summary>
    public int AccumulatorBits { get; }

    /// <summary>Raw weights in canonical order (Conv2D [filter][ky][kx][channel], Dense [unit][input]).</summary>
    public long[] Weights { get; }

    /// <summary>Output channels (conv filters or dense units).</summary>
    public int Filters { get; }

    /// <summary>Input channels of a conv layer; 1 for dense.</summary>
    public int Channels { get; }

    public int FanIn { get; }

    /// <summary>MAC steps per group and window: C for conv, ceil(N / 9) windows for dense.</summary>
    public int Steps { get; }

    /// <summary>Groups of <see cref="Lanes"/> filters: ceil(F / L).</summary>
    public int Groups { get; }

    /// <summary>Output pixels (conv) or 1 (dense).</summary>
    public int Pixels { get; }

    /// <summary>Values in one run of the window (one kernel row): 3C for conv, 3 for dense.</summary>
    public int RunLength { get; }

    /// <summary>Memory words read per run: enough to cover a run at any alignment.</summary>
    public int WordsPerRun { get; }

    /// <summary>Depth of the input feature-map memory (L values a word).</summary>
    public int InputWords { get; }

    /// <summary>Depth of the weight ROM (one word of L x 9 weights per group and step).</summary>
    public int WeightWords { get; }

    /// <summary>Flat distance between the starts of consecutive window runs (kernel rows): W x C for conv, 3 for dense.</summary>
    public int RowStride => IsConv ? Input.W * Input.C : 3;

    /// <summary>Flat distance between consecutive windows along a row: C for conv (next pixel), 9 for dense (next step).</summary>
    public int StepStride => IsConv ? Input.C : 9;

    /// <summary>Products of one inference (including the zero-weight padding lanes and taps).</summary>
    public long Macs => (long)Pixels * Groups * Steps * Lanes * 9;

    public string InputMemory => $"mem_{Name}_in";
    public string WeightMemory => $"rom_{Name}";

    /// <summary>Cycles of this layer in the FSM: see the schedule.</summary>
    public long Cycles => IsConv
        ? (long)Pixels * (3L * WordsPerRun + (long)Groups * (Steps + 2)) + 1
        : (long)Groups * ((long)Steps * (3L * WordsPerRun + 1) + 2) + 1;

    /// <summary>Reads of the input memory per inference.</summary>
    public long InputReads => IsConv ? (long)Pixels * 3 * WordsPerRun : (long)Groups * Steps * 3 * WordsPerRun;

    /// <summary>The weight of lane i, tap t in ROM word w (zero for padding lanes and taps beyond the fan-in).</summary>
    public long RomWeight(int word, int lane, int tap)
    {
        var g = word / Steps;
        var s = word % Steps;
        var f = g * Lanes + lane;
        if (f >= Filters) return 0;
        if (IsConv)
        {
            var ky = tap / 3;
            var kx = tap % 3;
            return Weights[((f * 3 + ky) * 3 + kx) * Channels + s];
        }
        var j = 9 * s + tap;
        return j < FanIn ? Weights[f * FanIn + j] : 0;
    }
}
