using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Hls.Architecture;

/// <summary>What every layer kind the shared MAC array runs gets from the planner: its place, shapes, formats and raw parameters.</summary>
public sealed record EngineLayerInputs(int Position, int SpecIndex, LayerSpec Spec, TensorShape Input, TensorShape Output, int Lanes,
    LayerFormats Formats, bool Relu, FixedFormat Stored, bool AssignStored, int AccumulatorBits, long[] Weights, long[] Bias, MacArray Array)
{
    /// <summary>The fused ReLU's own format and bound, when it has them (QKeras quantized_relu, relu6); null: a plain ReLU or none.</summary>
    public Activation? Activation { get; init; }

    /// <summary>A fused max-pool over the layer's outputs (valid windows), or null.</summary>
    public FlowRunner.Models.Layers.Window? Pool { get; init; }

    /// <summary>A fused element-wise activation after the output assignment (LeakyReLU, sigmoid, tanh), or null.</summary>
    public ElementwiseFunction? Function { get; init; }
}

/// <summary>A fused ReLU with its own value format (the output after relu is assigned into it) and optional upper bound.</summary>
public sealed record Activation(FixedFormat Format, double? Max)
{
    /// <summary>The largest raw value in <paramref name="frac"/> fraction bits that is not above the bound (null without a bound).</summary>
    public long? Threshold(int frac) => Max is { } m ? (long)Math.Floor(Math.ScaleB(m, frac)) : null;

    /// <summary>The bound assigned into the activation's format: the value of every input above it.</summary>
    public long? BoundRaw => Max is { } m ? Numerics.Kernels.FixedKernels.Quantize(m, Format) : null;
}

/// <summary>One layer as the shared MAC array of L lanes x R window rows x R taps runs it: the kind's plan (loop bounds, window geometry,
/// cycles, memory traffic, the order its weights and inputs feed the array) and its HLS C++; a subclass per layer kind, registered in
/// <see cref="EngineLayerKinds"/>.</summary>
/// <remarks>
/// The array reads a window of <see cref="WindowRows"/> runs of <see cref="RunLength"/> contiguous input values per step; a kind says
/// where runs start (<see cref="RowStride"/>, <see cref="StartOffset"/>), how far consecutive windows are (<see cref="StepStride"/>,
/// <see cref="LineStride"/>), which weight meets which tap (<see cref="RomWeight"/>) and which taps carry data (<see cref="TapUsed"/>,
/// <see cref="TapColumn"/> against the padding). Values outside the tensor read as zero.
/// </remarks>
public abstract class EngineLayer
{
    protected EngineLayer(EngineLayerInputs p)
    {
        Position = p.Position;
        SpecIndex = p.SpecIndex;
        Name = p.Spec.Name;
        Input = p.Input;
        Output = p.Output;
        Lanes = p.Lanes;
        Formats = p.Formats;
        Relu = p.Relu;
        Stored = p.Stored;
        AssignStored = p.AssignStored;
        AccumulatorBits = p.AccumulatorBits;
        Weights = p.Weights;
        Bias = p.Bias;
        Activation = p.Activation;
        Array = p.Array;
        Pool = p.Pool;
        Function = p.Function;
    }

    /// <summary>The fused element-wise activation (LeakyReLU, sigmoid, tanh), or null.</summary>
    public ElementwiseFunction? Function { get; }

    /// <summary>The fused max-pool's window over this layer's outputs (the layer walks each pool window's outputs in turn and keeps their
    /// maximum, written once per window), or null.</summary>
    public FlowRunner.Models.Layers.Window? Pool { get; }

    /// <summary>Outputs a pool window spans in columns and rows (1 x 1 without a pool).</summary>
    public virtual int PoolColumns => 1;
    public virtual int PoolRows => 1;

    /// <summary>Flat distance between the first windows of consecutive pool windows in a row and in a column (the position strides without
    /// a pool).</summary>
    public virtual int PoolColumnStride => StepStride;
    public virtual int PoolLineStride => LineStride;

    /// <summary>Input columns between the first outputs of consecutive pool windows (the column stride without a pool).</summary>
    public virtual int PoolColumnStep => ColumnStride;

    /// <summary>The MAC array's geometry (shared by every layer of the accelerator).</summary>
    public MacArray Array { get; }

    /// <summary>The fused ReLU's own format and bound, or null.</summary>
    public Activation? Activation { get; }

    /// <summary>The format of the value after the output assignment and the fused activation (what <see cref="Stored"/> is assigned from).</summary>
    public FixedFormat Activated => Function?.Output ?? Activation?.Format ?? Formats.Output;

    /// <summary>The layer kind's name in the schedule report.</summary>
    public abstract string KindName { get; }

    /// <summary>Index among the layers with weights (0 = the layer that reads the image).</summary>
    public int Position { get; }

    /// <summary>Index in the network description.</summary>
    public int SpecIndex { get; }

    public string Name { get; }
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

    /// <summary>Width of the exact accumulator: the bias and every partial sum of products fit it, at the product's LSB.</summary>
    public int AccumulatorBits { get; }

    /// <summary>Raw weights in canonical order (see the kind).</summary>
    public long[] Weights { get; }

    /// <summary>Raw biases at the product's LSB, one per filter (empty without a bias): the accumulator's starting value.</summary>
    public long[] Bias { get; }

    public bool HasBias => Bias.Length > 0;

    /// <summary>Output channels (conv filters or dense units).</summary>
    public abstract int Filters { get; }

    /// <summary>Values one output reads from the layer's input.</summary>
    public abstract int FanIn { get; }

    /// <summary>Input channels the array walks one step each inside a window (1 when a step moves the window instead).</summary>
    public abstract int Channels { get; }

    /// <summary>MAC steps per group and window position.</summary>
    public abstract int Steps { get; }

    /// <summary>Output positions the layer walks (one window each).</summary>
    public abstract int Pixels { get; }

    /// <summary>Output columns and rows the position counters walk (1 x 1 when a layer has a single position).</summary>
    public abstract int Columns { get; }
    public abstract int Rows { get; }

    /// <summary>Whether one window serves all <see cref="Steps"/> (channels inside the window) rather than a new window per step.</summary>
    public abstract bool StepsShareWindow { get; }

    /// <summary>Values in one run of the window (one kernel row).</summary>
    public abstract int RunLength { get; }

    /// <summary>Flat distance between the starts of consecutive window runs.</summary>
    public abstract int RowStride { get; }

    /// <summary>Flat distance between consecutive windows: the next position (shared windows) or the next step.</summary>
    public abstract int StepStride { get; }

    /// <summary>Runs read per window (kernel rows; at most <see cref="MacArray.Rows"/>).</summary>
    public virtual int WindowRows => Array.Rows;

    /// <summary>Flat distance between the first windows of consecutive output rows.</summary>
    public virtual int LineStride => RowStride;

    /// <summary>Flat position of the first window's first value (negative with top or left padding).</summary>
    public virtual int StartOffset => 0;

    /// <summary>Whether a window may cross the left or right edge, so taps are checked against the input columns (<see cref="TapColumn"/>).</summary>
    public virtual bool ColumnPadded => false;

    /// <summary>Left padding, the input's columns and the column stride of the window (for <see cref="ColumnPadded"/> layers).</summary>
    public virtual int PadLeft => 0;
    public virtual int ColumnStride => 1;

    /// <summary>Whether tap <paramref name="tap"/> (row-major over the window) has a kernel position in this layer.</summary>
    public virtual bool TapUsed(int tap) => true;

    /// <summary>The window column of a tap: the input column it reads is output column x stride - padding + this.</summary>
    public virtual int TapColumn(int tap) => tap % Array.TapsPerRow;

    /// <summary>Words of address range beyond the input the windows may reach (padding), so the address counters never alias.</summary>
    public virtual int AddressMargin => 0;

    /// <summary>Cycles of this layer in the FSM (see the schedule): the RTL meets them state by state.</summary>
    public abstract long Cycles { get; }

    /// <summary>Reads of the input memory per inference.</summary>
    public abstract long InputReads { get; }

    /// <summary>The weight of filter <paramref name="filter"/> at step <paramref name="step"/>, tap <paramref name="tap"/> (row-major over the
    /// window's rows), or 0 where the tap is padding.</summary>
    protected abstract long TapWeight(int filter, int step, int tap);

    /// <summary>Writes the layer's weight arrays as C++ initializers (<paramref name="values"/>: the trained floats, canonical order).</summary>
    public abstract void EmitCppWeights(Action<string> w, float[] values, float[] bias);

    /// <summary>Writes the layer's loop nest reading <paramref name="source"/> and writing <paramref name="target"/>.</summary>
    public abstract void EmitCppLoops(Action<string> w, string source, string target);

    /// <summary>Groups of <see cref="Lanes"/> filters: ceil(F / L).</summary>
    public int Groups => (Filters + Lanes - 1) / Lanes;

    /// <summary>Memory words read per run: enough to cover a run at any alignment.</summary>
    public int WordsPerRun => (Lanes + RunLength - 2) / Lanes + 1;

    /// <summary>Depth of the input feature-map memory (L values a word).</summary>
    public int InputWords => (Input.Size + Lanes - 1) / Lanes;

    /// <summary>Depth of the weight ROM (one word of L x taps weights per group and step).</summary>
    public int WeightWords => Groups * Steps;

    /// <summary>Products of one inference (including the zero-weight padding lanes and taps).</summary>
    public long Macs => (long)Pixels * Groups * Steps * Lanes * Array.TapsPerLane;

    public string InputMemory => $"mem_{Name}_in";
    public string WeightMemory => $"rom_{Name}";

    /// <summary>The weight of lane i, tap t in ROM word w (zero for padding lanes and taps beyond the fan-in).</summary>
    public long RomWeight(int word, int lane, int tap)
    {
        var f = word / Steps * Lanes + lane;
        return f >= Filters ? 0 : TapWeight(f, word % Steps, tap);
    }

    /// <summary>The bias lane <paramref name="lane"/> of group <paramref name="group"/> starts from (0 for padding lanes or without a bias).</summary>
    public long LaneBias(int group, int lane)
    {
        var f = group * Lanes + lane;
        return HasBias && f < Filters ? Bias[f] : 0;
    }

    /// <summary>The output assignment every kind ends its group with: accumulator to output format, relu, store.</summary>
    protected void EmitCppOutput(Action<string> w, string pad, string target)
    {
        w($"{pad}{Name}_out_t o = acc[i];");
        if (Relu) w($"{pad}if (o < 0) o = 0;");
        if (Function is { } fn)
        {
            w($"{pad}{Name}_fn_t r;");
            if (fn.Op is FlowRunner.Models.Layers.LeakyReluOp leaky)
                w($"{pad}r = o < 0 ? {Name}_fn_t(dbl(o) * {Cpp.HlsCppEmitter.Literal(leaky.Alpha)}) : {Name}_fn_t(o);");
            else
            {
                var f = fn.Op.Type == "sigmoid" ? "1.0 / (1.0 + std::exp(-dbl(o)))" : "std::tanh(dbl(o))";
                var n = FlowRunner.Models.Layers.TableActivationOp.TableSize;
                w("#ifdef FLOWRUNNER_FLOAT");
                w($"{pad}r = {f};");
                w("#else");
                w($"{pad}int idx = (int)std::floor(dbl(o) * {1 << fn.TableScale}) + {n / 2};");
                w($"{pad}r = {Name}_table[idx < 0 ? 0 : idx > {n - 1} ? {n - 1} : idx];");
                w("#endif");
            }
            w($"{pad}{target} = r;");
        }
        else if (Activation is { } act)
        {
            w($"{pad}{Name}_act_t r = o;");
            if (act.Max is { } m) w($"{pad}if (o > {Cpp.HlsCppEmitter.Literal(m)}) r = {Cpp.HlsCppEmitter.Literal(m)};");
            w($"{pad}{target} = r;");
        }
        else w($"{pad}{target} = o;");
    }

    /// <summary>Writes the fused function's table (sigmoid, tanh) as a C++ array of the model's entries, when the layer has one.</summary>
    public void EmitCppFunction(Action<string> w)
    {
        if (Function is not { Kind: FunctionKind.Table } fn) return;
        var scale = Math.ScaleB(1.0, -fn.Output.FracBits);
        w($"// {Name}: {fn.Op.Describe()} as the model's table (index floor(x * {1 << fn.TableScale}) + {FlowRunner.Models.Layers.TableActivationOp.TableSize / 2}, clamped)");
        w($"static const {Name}_fn_t {Name}_table[{FlowRunner.Models.Layers.TableActivationOp.TableSize}] = {{{string.Join(", ", fn.Entries().Select(e => Cpp.HlsCppEmitter.Literal(e * scale)))}}};");
    }

    /// <summary>The accumulators' starting values: the filter's bias, else zero.</summary>
    protected string CppClear(string filter) => HasBias ? $"acc[i] = {filter} < {Filters} ? {Name}_acc_t({Name}_b[{filter}]) : {Name}_acc_t(0)" : "acc[i] = 0";

    protected void EmitCppBias(Action<string> w, float[] bias)
    {
        if (!HasBias) return;
        w($"static const {Name}_w_t {Name}_b[{Filters}] = {{{string.Join(", ", bias.Select(Cpp.HlsCppEmitter.Literal))}}};");
    }
}
