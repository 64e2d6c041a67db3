using FlowRunner.Models.Inference;
using FlowRunner.Models.Layers;
using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Hls.Architecture;

/// <summary>The accelerator for a quantized network and a set of directives: a shared MAC array of L lanes x R x R multipliers with exact
/// accumulators, a feature-map SRAM per layer, a weight ROM per layer, logits in registers, and the bus that loads images and reads logits.</summary>
/// <remarks>Every check that the RTL can implement the model exactly lives here, so the emitters can assume a valid plan.</remarks>
public sealed class Accelerator
{
    private Accelerator(BitAccurateNetwork model, Directives directives, int lanes, MacArray array, IReadOnlyList<EngineLayer> layers)
    {
        Array = array;
        Model = model;
        Directives = directives;
        Lanes = lanes;
        Layers = layers;
        var inputs = layers.Select(l => l.Formats.Input).ToList();
        OperandBits = inputs.Max(OperandWidth);
        WeightBits = layers.Max(l => OperandWidth(l.Formats.Weight));
        AccumulatorBits = layers.Max(l => l.AccumulatorBits);
        Last = layers[^1];
        LogitsPerBeat = Math.Max(1, Math.Min(Last.Filters, directives.BusBits / Last.Stored.Width));
        WindowValues = layers.Max(l => l.WordsPerRun) * lanes;
    }

    public BitAccurateNetwork Model { get; }

    /// <summary>The window geometry of every lane.</summary>
    public MacArray Array { get; }
    public Directives Directives { get; }

    /// <summary>Values per bus beat and parallel filters of the MAC array.</summary>
    public int Lanes { get; }

    public IReadOnlyList<EngineLayer> Layers { get; }
    public EngineLayer Last { get; }

    /// <summary>Width of a multiplier's data operand (every layer's input, sign-extended; unsigned formats take one more bit).</summary>
    public int OperandBits { get; }

    /// <summary>Width of a multiplier's weight operand.</summary>
    public int WeightBits { get; }

    /// <summary>Width of the shared accumulators: the widest layer's exact accumulator.</summary>
    public int AccumulatorBits { get; }

    /// <summary>Logits per read beat: as many as fit the bus.</summary>
    public int LogitsPerBeat { get; }

    /// <summary>Values in one row buffer of the window: the most words a run needs, times L.</summary>
    public int WindowValues { get; }

    /// <summary>Width of the accumulator registers and adder trees the RTL builds: the widest exact accumulator, and never narrower than a product
    /// plus the adder tree of a lane.</summary>
    public int AccumulatorRegisterBits => Math.Max(AccumulatorBits, OperandBits + WeightBits + BitsFor(Array.TapsPerLane - 1));

    public int Multipliers => Lanes * Array.TapsPerLane;
    public int Classes => Last.Filters;
    public FixedFormat InputFormat => Layers[0].Formats.Input;
    public int InputValues => Layers[0].Input.Size;
    public int LoadBeats => (InputValues + Lanes - 1) / Lanes;
    public int ReadBeats => (Classes + LogitsPerBeat - 1) / LogitsPerBeat;
    public long ComputeCycles => Layers.Sum(l => l.Cycles);
    public long CyclesPerInference => LoadBeats + ComputeCycles + ReadBeats;

    /// <summary>The memory a layer writes its outputs to (the next layer's input memory), or null for the logits layer.</summary>
    public string? OutputMemory(EngineLayer l) => l.Position + 1 < Layers.Count ? Layers[l.Position + 1].InputMemory : null;

    /// <summary>Bits of an unsigned counter that counts up to <paramref name="maxValue"/>.</summary>
    internal static int BitsFor(long maxValue)
    {
        var b = 1;
        while ((1L << b) <= maxValue) b++;
        return b;
    }

    internal static int OperandWidth(FixedFormat f) => f.Width + (f.Signed ? 0 : 1);

    /// <summary>Why layer <paramref name="j"/>, before the first weighted layer, is not a pure quantizer of the network's input, or null when it is.
    /// A relu (QKeras `quantized_relu` on the input) whose input, output and the first weighted layer's input are one unsigned format is the
    /// identity on every value of that format: it is the input format the host writes, and the hardware plan starts at the first weighted layer.</summary>
    private static string? InputQuantizerRefusal(BitAccurateNetwork model, int j, int firstWeighted)
    {
        var layer = model.Spec.Layers[j];
        double? max;
        if (layer.Kind == LayerKind.ReLU) max = null;
        else if (layer.Op is FlowRunner.Models.Layers.ReluOp op) max = op.Max;
        else return "only a quantizer on the input (a relu into the input's own unsigned format, as QKeras quantized_relu) maps to the input format; this layer has no hardware plan";
        var input = model.InputFormat;
        bool Same(FixedFormat f) => f.Width == input.Width && f.IntBits == input.IntBits && f.Signed == input.Signed;
        if (input.Signed)
            return $"the input format {input} is signed, so the relu changes negative inputs and is more than the input's quantizer; give the input an unsigned format (as quantized_relu does)";
        if (!Same(model.Values[j]))
            return $"its output format {model.Values[j]} differs from the input format {input}, so it is more than the input's quantizer";
        if (model.Formats[firstWeighted]!.Input is var next && !Same(next))
            return $"the next layer '{model.Spec.Layers[firstWeighted].Name}' reads format {next}, not the input format {input}, so the relu is more than the input's quantizer";
        if (max is { } m && m < input.Max)
            return $"its bound {m} clips values of the input format {input}, so it is more than the input's quantizer";
        return null;
    }

    /// <summary>The window of a max-pool layer (first-wave maxpool2d, or a maxpool1d/2d op), or null for other layers.</summary>
    private static Window? IsMaxPool(LayerSpec k) => k.Kind switch
    {
        LayerKind.MaxPool2D => new Window(k.Pool, k.Pool, k.Pool, k.Pool, Padding.Valid),
        LayerKind.Extended when k.Op is PoolOp { Type: "maxpool1d" or "maxpool2d" } p => p.Window,
        _ => null,
    };

    /// <summary>Why a max-pool cannot be fused after layer <paramref name="l"/>, or null.</summary>
    private static string? PoolRefusal(BitAccurateNetwork model, int j, LayerSpec l, Window window, bool second)
    {
        if (second) return "a second pool after the same layer has no hardware plan";
        if (l.TypeName is not ("conv2d" or "conv1d")) return "a max-pool is fused into the conv layer before it; after a dense layer it has no hardware plan";
        if (window.Padding != Padding.Valid) return $"padding {window.Padding}; the fused max-pool takes valid windows only";
        var before = model.Values[j - 1];
        var after = model.Values[j];
        if (before.Width != after.Width || before.IntBits != after.IntBits || before.Signed != after.Signed)
            return $"the pool assigns its maximum into {after} (from {before}); the fused max-pool keeps the values' format";
        return null;
    }

    /// <summary>Plans the accelerator; an <see cref="HlsException"/> names the layer or directive it cannot implement.</summary>
    public static Accelerator Plan(BitAccurateNetwork model, Directives directives)
    {
        var spec = model.Spec;
        if (directives.BusBits is < 8 or > 1024) throw new HlsException($"bus_bits must be between 8 and 1024, got {directives.BusBits}");
        if (directives.Lanes < 0) throw new HlsException($"lanes must be positive (or 0 for as many as fit the bus), got {directives.Lanes}");
        var firstWeighted = Enumerable.Range(0, spec.Layers.Count).FirstOrDefault(i => spec.Layers[i].HasWeights, -1);
        if (firstWeighted < 0) throw new HlsException($"network '{spec.Name}' has no layer with weights; the MAC array needs a conv2d or dense layer");
        for (var j = 0; j < firstWeighted; j++)
            if (InputQuantizerRefusal(model, j, firstWeighted) is { } why)
                throw new HlsException($"layer '{spec.Layers[j].Name}' ({spec.Layers[j].Op?.Describe() ?? spec.Layers[j].TypeName}) on the input, before the first conv2d or dense: {why}");
        var imageBits = model.InputFormat.Width;
        var lanes = directives.Lanes == 0 ? directives.BusBits / imageBits : directives.Lanes;
        if (lanes < 1) throw new HlsException($"a {imageBits}-bit pixel ({model.InputFormat}) does not fit the {directives.BusBits}-bit bus");
        if (lanes * imageBits > directives.BusBits)
            throw new HlsException($"lanes {lanes} x {imageBits}-bit pixels ({model.InputFormat}) do not fit one {directives.BusBits}-bit bus beat; at most {directives.BusBits / imageBits} lanes");
        var array = MacArray.For(spec);
        if (lanes > 64) throw new HlsException($"lanes {lanes}: at most 64 lanes ({64 * array.TapsPerLane} multipliers) are supported");

        var weighted = Enumerable.Range(0, spec.Layers.Count).Where(i => spec.Layers[i].HasWeights).ToList();
        if (spec.Layers[weighted[^1]] is { TypeName: "conv2d" or "conv1d" or "batchnorm" } lastConv && spec.Shapes[weighted[^1]].H * spec.Shapes[weighted[^1]].W > 1)
            throw new HlsException($"layer '{lastConv.Name}': the last layer with weights gives the logits and must be dense (or a conv with a 1x1 output)");
        var layers = new List<EngineLayer>();
        for (var n = 0; n < weighted.Count; n++)
        {
            var i = weighted[n];
            var l = spec.Layers[i];
            var where = $"layer '{l.Name}'";
            if (EngineLayerKinds.Refusal(l) is { } refusal) throw new HlsException($"{where} ({l.TypeName}): {refusal}");
            var f = model.Formats[i]!;
            if (model.Mode(i) != AccumulationMode.Exact)
                throw new HlsException($"{where}: the accumulator format {f.Accumulator} rounds or overflows on this layer's sums; the RTL accumulates exactly, so use a wider accumulator or none (full precision)");
            var next = n + 1 < weighted.Count ? weighted[n + 1] : spec.Layers.Count;
            var relu = false;
            Activation? activation = null;
            Window? pool = null;
            ElementwiseFunction? function = null;
            for (var j = i + 1; j < next; j++)
            {
                var k = spec.Layers[j];
                if (k.Op is LeakyReluOp or TableActivationOp && function is null && !relu && pool is null)
                {
                    var (fn, unbuilt) = ElementwiseFunction.Of(k.Op, f.Output, model.Values[j]);
                    function = fn ?? throw new HlsException($"layer '{k.Name}' ({k.Op.Describe()}) after '{l.Name}': {unbuilt}");
                    continue;
                }
                if (IsMaxPool(k) is { } window)
                {
                    if (function is not null) throw new HlsException($"layer '{k.Name}' ({k.Op?.Describe() ?? k.TypeName}) after '{l.Name}': a max-pool after an element-wise activation has no hardware plan");
                    if (PoolRefusal(model, j, l, window, pool is not null) is { } why) throw new HlsException($"layer '{k.Name}' ({k.Op?.Describe() ?? k.TypeName}) after '{l.Name}': {why}");
                    pool = window;
                    continue;
                }
                switch (k.Kind)
                {
                    case LayerKind.ReLU when !relu && function is null && n + 1 < weighted.Count: relu = true; break;
                    // A ReLU op (QKeras quantized_relu, relu6) brings its own format and bound: fused as relu, clamp, assign.
                    // Its assignment after the pool's maximum would not commute with it under wrap-around: only a plain relu may follow a pool.
                    case LayerKind.Extended when k.Op is ReluOp op && !relu && pool is null && function is null && n + 1 < weighted.Count:
                        relu = true;
                        activation = new Activation(model.Values[j], op.Max);
                        break;
                    // Flatten and a channels-last reshape keep every value where it is: the next layer's addresses read them as its own shape.
                    case LayerKind.Flatten: break;
                    case LayerKind.Extended when k.Op is ReshapeOp { Order: "hwc" }: break;
                    case LayerKind.Softmax when n + 1 == weighted.Count: break;
                    default:
                        throw new HlsException($"layer '{k.Name}' ({k.Op?.Describe() ?? k.TypeName}) after '{l.Name}': the RTL generator implements conv1d, conv2d, dense and batchnorm layers with a fused relu, leaky relu, sigmoid or tanh, a fused max-pool after a conv, flatten, and a final softmax (left to the host)");
                }
            }
            FixedFormat stored;
            bool assign;
            if (n + 1 < weighted.Count)
            {
                var nextInput = model.Formats[weighted[n + 1]]!.Input;
                var value = function?.Output ?? activation?.Format ?? f.Output;
                assign = nextInput.Width != value.Width || nextInput.IntBits != value.IntBits || nextInput.Signed != value.Signed;
                stored = assign ? nextInput : value;
            }
            else
            {
                assign = false;
                stored = function?.Output ?? f.Output;
            }
            var acc = NetworkFormats.FullPrecision(f.Input, f.Weight, spec.FanIn(i)).Width;
            var bias = model.RawBias(i).ToArray();
            if (bias.Length > 0)
            {
                // The accumulator starts from the bias at the product's LSB: the weight format shifted by the input's fraction bits.
                if (f.Input.FracBits < 0)
                    throw new HlsException($"{where}: input format {f.Input} has negative fraction bits; the bias cannot be aligned to the product's LSB");
                bias = bias.Select(b => b << f.Input.FracBits).ToArray();
                acc = Math.Max(acc, f.Weight.Width + f.Input.FracBits) + 1;
            }
            layers.Add(EngineLayerKinds.Create(new EngineLayerInputs(n, i, l, spec.InputShape(i), spec.Shapes[i], lanes, f, relu, stored, assign, acc,
                model.RawWeights(i).ToArray(), bias, array) { Activation = activation, Pool = pool, Function = function }));
        }
        return new Accelerator(model, directives, lanes, array, layers);
    }
}
