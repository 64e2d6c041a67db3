using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Models.Layers;

/// <summary>A layer kind as a class: its options, output shape, float forward and backward passes and bit-accurate kernel. Layers of the
/// first-wave geometry (3x3-style square conv2d at stride 1 and valid padding, dense, relu, maxpool2d with stride = pool, flatten, softmax)
/// keep their tuned kernels in <see cref="FloatNetwork"/> and the bit-accurate model; every other layer is a LayerOp registered by type in
/// <see cref="LayerOps"/>. Tensors are channels last (HWC) in every method here.</summary>
public abstract class LayerOp
{
    /// <summary>The `type:` of the network description.</summary>
    public abstract string Type { get; }

    /// <summary>Whether the layer multiplies by weights (then it has per-layer weight, accumulator and output formats).</summary>
    public virtual bool HasWeights => false;

    /// <summary>The shape of the output; a ModelFormatException (without location) when the input does not fit.</summary>
    public abstract TensorShape OutputShape(TensorShape input);

    /// <summary>Terms of one output's multiply-accumulate.</summary>
    public virtual int FanIn(TensorShape input) => 0;

    public virtual int WeightCount(TensorShape input) => 0;

    public virtual int BiasCount(TensorShape input, bool bias) => 0;

    /// <summary>Shape of the weights as written to weights files.</summary>
    public virtual int[] WeightShape(TensorShape input) => [WeightCount(input)];

    /// <summary>The options after `type` and `name`, as the description writes them (values: int, double, string, int[]).</summary>
    public abstract IEnumerable<KeyValuePair<string, object>> Options();

    public abstract void Forward(float[] x, TensorShape s, float[] y, TensorShape o, float[] w, float[] b);

    /// <summary>Adds the gradients: of the weights into <paramref name="gw"/>/<paramref name="gb"/>, of the input into <paramref name="gx"/>
    /// (zeroed by the caller; null when not needed). <paramref name="y"/> is the forward output.</summary>
    public abstract void Backward(float[] x, float[] y, float[] gy, TensorShape s, TensorShape o, float[] w, float[] gw, float[] gb, float[]? gx);

    /// <summary>The format a layer without weights gives its values in, from the format they arrive in and the layer's `output_format`.</summary>
    public virtual FixedFormat ValueFormat(FixedFormat incoming, FixedFormat? own, FormatDefaults defaults) => own ?? incoming;

    /// <summary>The bit-accurate kernel. Weighted layers get their formats (the caller has assigned the input into <c>f.Input</c>); the others the
    /// incoming format and <see cref="ValueFormat"/>.</summary>
    public abstract RawKernel Prepare(float[] w, float[] b, TensorShape s, TensorShape o, LayerFormats? f, FixedFormat incoming, FixedFormat output);

    /// <summary>What the layer table prints, e.g. "conv 3x3 /1 same".</summary>
    public virtual string Describe() => Type;
}

/// <summary>A prepared bit-accurate kernel of one layer: raw integers in, raw integers out, channels last. Safe to call from many threads.</summary>
public abstract class RawKernel
{
    /// <summary>x: raw values in the layer's input format (<c>inFrac</c> fractional bits); y: raw values in its output format.</summary>
    public abstract void Run(ReadOnlySpan<long> x, int inFrac, Span<long> y);
}
