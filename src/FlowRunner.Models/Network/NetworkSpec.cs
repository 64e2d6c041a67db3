using FlowRunner.Numerics.Formats;

namespace FlowRunner.Models.Network;

/// <summary>A network description: input shape, classes, layers and the network-wide default formats. It is read from YAML by
/// <see cref="NetworkSpecParser"/>; the format is documented at the top of flows/models/mnist-cnn.yaml.</summary>
public sealed class NetworkSpec
{
    /// <param name="classes">Outputs of the last layer; 0 takes them from the layers.</param>
    public NetworkSpec(string name, TensorShape input, int classes, IReadOnlyList<LayerSpec> layers,
        FixedFormat? defaultFormat = null, FixedFormat? defaultAccumulator = null, string? source = null, LogitsFormat? defaultLogits = null)
    {
        if (layers.Count == 0) throw new ModelFormatException($"network '{name}': no layers");
        Name = name;
        Input = input;
        Layers = layers;
        DefaultFormat = defaultFormat;
        DefaultAccumulator = defaultAccumulator;
        DefaultLogits = defaultLogits;
        Source = source;
        Shapes = ComputeShapes();
        Classes = classes > 0 ? classes : OutputShape.Size;
        if (OutputShape.Size != Classes) throw new ModelFormatException($"network '{Name}': the last layer gives {OutputShape.Size} values, but the network has {Classes} classes");
    }

    public string Name { get; }
    public TensorShape Input { get; }
    public int Classes { get; }
    public IReadOnlyList<LayerSpec> Layers { get; }

    /// <summary>`format:` of the description: inputs, weights and outputs of layers without their own; a run's `format` option overrides it.</summary>
    public FixedFormat? DefaultFormat { get; }

    /// <summary>`accum_format:` of the description; null means full precision unless the run sets one.</summary>
    public FixedFormat? DefaultAccumulator { get; }

    /// <summary>`logits_format:` of the description (a format or "accumulator"); null: the default format.</summary>
    public LogitsFormat? DefaultLogits { get; }

    /// <summary>The YAML text the description was read from (embedded in weights files), or null when built in code.</summary>
    public string? Source { get; }

    /// <summary>The shape after each layer.</summary>
    public IReadOnlyList<TensorShape> Shapes { get; }

    public TensorShape InputShape(int layer) => layer == 0 ? Input : Shapes[layer - 1];

    public TensorShape OutputShape => Shapes[^1];

    /// <summary>Terms of one output's multiply-accumulate: kernel² × input channels for Conv2D, the input size for Dense, 0 otherwise.</summary>
    public int FanIn(int layer)
    {
        var l = Layers[layer];
        var s = InputShape(layer);
        return l.Kind switch { LayerKind.Conv2D => l.Kernel * l.Kernel * s.C, LayerKind.Dense => s.Size, _ => l.Op?.FanIn(s) ?? 0 };
    }

    /// <summary>Weights of a layer: filters × kernel² × channels (Conv2D), units × inputs (Dense), 0 otherwise.</summary>
    public int WeightCount(int layer) => Layers[layer].Kind switch
    {
        LayerKind.Conv2D => Layers[layer].Filters * FanIn(layer),
        LayerKind.Dense => Layers[layer].Units * FanIn(layer),
        _ => Layers[layer].Op?.WeightCount(InputShape(layer)) ?? 0,
    };

    public int BiasCount(int layer) => Layers[layer] is { Op: { } op } e ? op.BiasCount(InputShape(layer), e.Bias)
        : Layers[layer] is { Bias: true } l ? (l.Kind == LayerKind.Conv2D ? l.Filters : l.Units) : 0;

    /// <summary>`input_layout:` of the description: how a flattened input vector is ordered outside FlowRunner ("hwc", channels last, the
    /// default and the order inside; "chw" for ONNX graphs from PyTorch). Only `model infer` uses it, to reorder its CSV rows.</summary>
    public string InputLayout { get; init; } = "hwc";

    /// <summary>Multiply-accumulates of one inference.</summary>
    public long MacCount => Enumerable.Range(0, Layers.Count).Where(i => Layers[i].HasWeights).Sum(i => (long)Shapes[i].Size * FanIn(i));

    /// <summary>Index of the last layer with weights: its output (before a softmax) are the logits.</summary>
    public int LogitsLayer => Enumerable.Range(0, Layers.Count).Last(i => Layers[i].HasWeights);

    private IReadOnlyList<TensorShape> ComputeShapes()
    {
        var shapes = new List<TensorShape>();
        var s = Input;
        if (s.H <= 0 || s.W <= 0 || s.C <= 0) throw new ModelFormatException($"network '{Name}': input shape {s} must be positive");
        for (var i = 0; i < Layers.Count; i++)
        {
            var l = Layers[i];
            var at = $"network '{Name}', layer {i + 1} '{l.Name}'";
            switch (l.Kind)
            {
                case LayerKind.Conv2D:
                    if (l.Kernel > s.H || l.Kernel > s.W) throw new ModelFormatException($"{at}: a {l.Kernel}x{l.Kernel} kernel does not fit a {s.H}x{s.W} input");
                    s = new TensorShape(s.H - l.Kernel + 1, s.W - l.Kernel + 1, l.Filters);
                    break;
                case LayerKind.MaxPool2D:
                    if (s.H < l.Pool || s.W < l.Pool) throw new ModelFormatException($"{at}: pool {l.Pool} does not fit a {s.H}x{s.W} input");
                    s = new TensorShape(s.H / l.Pool, s.W / l.Pool, s.C);
                    break;
                case LayerKind.Flatten:
                    s = new TensorShape(1, 1, s.Size);
                    break;
                case LayerKind.Dense:
                    if (s.H != 1 || s.W != 1) throw new ModelFormatException($"{at}: dense needs a flat input, got {s}; add a flatten layer before it");
                    s = new TensorShape(1, 1, l.Units);
                    break;
                case LayerKind.Softmax:
                    if (i != Layers.Count - 1) throw new ModelFormatException($"{at}: softmax must be the last layer");
                    break;
                case LayerKind.Extended:
                    try { s = l.Op!.OutputShape(s); }
                    catch (ModelFormatException e) { throw new ModelFormatException($"{at}: {e.Message}"); }
                    if (s.Size <= 0) throw new ModelFormatException($"{at}: gives an empty output {s}");
                    break;
            }
            shapes.Add(s);
        }
        if (!Layers.Any(l => l.HasWeights)) throw new ModelFormatException($"network '{Name}': no layer with weights (conv1d, conv2d, dense, batchnorm)");
        return shapes;
    }

    /// <summary>Reads a description file; see <see cref="NetworkSpecParser"/>.</summary>
    public static NetworkSpec Load(string file) => NetworkSpecParser.Load(file);

    /// <summary>Parses description text; <paramref name="file"/> names it in errors.</summary>
    public static NetworkSpec Parse(string text, string file) => NetworkSpecParser.Parse(text, file);
}
