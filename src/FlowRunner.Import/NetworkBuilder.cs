using FlowRunner.Models.Layers;
using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Import;

/// <summary>What frontends translate into: layers in FlowRunner's kinds, appended in order with weights in FlowRunner's layouts, the shape
/// tracked as they come (so a frontend can check its weights against it), batch normalization folded into the Dense or Conv before it
/// where there is one. <see cref="Build"/> writes the description and parses it back, so an import gives exactly what model.load reads.</summary>
internal sealed class NetworkBuilder(string file)
{
    private sealed class Pending
    {
        public required string Type;
        public required string Name;
        public required List<KeyValuePair<string, object>> Options;
        public float[] Weights = [];
        public float[] Bias = [];
        public bool Weighted;
        public bool Quantized;
        public TensorShape Out;
    }

    private readonly List<Pending> _layers = [];
    private int[] _input = [];

    public string File => file;
    public TensorShape Shape { get; private set; }
    public string InputLayout { get; set; } = "hwc";

    /// <summary>Dimensions without the batch: [features], [steps, channels] or [height, width, channels].</summary>
    public void Start(int[] dims)
    {
        if (dims.Length is < 1 or > 3) throw new ImportException($"{file}: input of rank {dims.Length + 1}; FlowRunner takes [batch, features], [batch, steps, channels] or [batch, height, width, channels]");
        if (dims.Any(d => d <= 0)) throw new ImportException($"{file}: input shape [{string.Join(", ", dims)}] has a dynamic or empty dimension; FlowRunner needs a fixed input shape");
        _input = dims;
        Shape = dims.Length switch { 1 => new TensorShape(1, 1, dims[0]), 2 => new TensorShape(1, dims[0], dims[1]), _ => new TensorShape(dims[0], dims[1], dims[2]) };
    }

    /// <summary>Re-reads the input dimensions (an NHWC input that the graph transposes to NCHW).</summary>
    public void Restart(int[] dims) => Start(dims);

    public bool Empty => _layers.Count == 0;

    private string Unique(string name)
    {
        var n = string.IsNullOrWhiteSpace(name) ? $"layer{_layers.Count + 1}" : name;
        var k = 2;
        var baseName = n;
        while (_layers.Any(l => l.Name == n)) n = $"{baseName}_{k++}";
        return n;
    }

    private void Add(Pending p) => _layers.Add(p);

    private static void Formats(List<KeyValuePair<string, object>> o, LayerQuant q)
    {
        if (q.Weight is { } w) o.Add(new("weight_format", w));
        if (q.KeepAccumulator) o.Add(new("output_format", LogitsFormat.AccumulatorKeyword));
        else if (q.Output is { } f) o.Add(new("output_format", f));
    }

    /// <summary>Dense: weights in [unit][input] order.</summary>
    public void Dense(string name, int units, float[] w, float[]? bias, LayerQuant q, string where)
    {
        if (Shape.H != 1 || Shape.W != 1) throw new ImportException($"{where}: dense on a {Shape} tensor; flatten it first");
        Check(where, "weights", w.Length, units * Shape.Size);
        if (bias is not null) Check(where, "biases", bias.Length, units);
        var o = new List<KeyValuePair<string, object>> { new("units", units) };
        if (bias is not null) o.Add(new("bias", true));
        Formats(o, q);
        Add(new Pending { Type = "dense", Name = Unique(name), Options = o, Weights = w, Bias = bias ?? [], Weighted = true, Quantized = q != LayerQuant.None, Out = new TensorShape(1, 1, units) });
        Shape = new TensorShape(1, 1, units);
    }

    /// <summary>Convolution: weights in [filter][ky][kx][channel] order; 1-D when <paramref name="oneD"/> (kernel height 1).</summary>
    public void Conv(string name, bool oneD, int filters, Window win, float[] w, float[]? bias, LayerQuant q, string where)
    {
        var op = new ConvOp(oneD ? "conv1d" : "conv2d", filters, win);
        var outShape = Try(where, () => op.OutputShape(Shape));
        Check(where, "weights", w.Length, op.WeightCount(Shape));
        if (bias is not null) Check(where, "biases", bias.Length, filters);
        var o = new List<KeyValuePair<string, object>> { new("filters", filters) };
        if (oneD)
        {
            o.Add(new("kernel", win.KernelW));
            if (win.StrideW != 1) o.Add(new("stride", win.StrideW));
            o.Add(new("padding", win.Padding.Mode == "explicit" ? new[] { win.Padding.Left, win.Padding.Right } : win.Padding.Mode));
        }
        else
        {
            o.Add(new("kernel", win.KernelH == win.KernelW ? win.KernelH : new[] { win.KernelH, win.KernelW }));
            if (win.StrideH != 1 || win.StrideW != 1) o.Add(new("stride", win.StrideH == win.StrideW ? win.StrideH : new[] { win.StrideH, win.StrideW }));
            o.Add(new("padding", win.Padding.Written));
        }
        if (bias is not null) o.Add(new("bias", true));
        Formats(o, q);
        Add(new Pending { Type = oneD ? "conv1d" : "conv2d", Name = Unique(name), Options = o, Weights = w, Bias = bias ?? [], Weighted = true, Quantized = q != LayerQuant.None, Out = outShape });
        Shape = outShape;
    }

    /// <summary>Batch normalization (inference): folded into the Dense or Conv right before it (float weights only), else a per-channel
    /// scale and shift layer.</summary>
    public void BatchNorm(string name, float[] gamma, float[] beta, float[] mean, float[] variance, double epsilon, string where)
    {
        var c = Shape.C;
        foreach (var (what, a) in new[] { ("gamma", gamma), ("beta", beta), ("mean", mean), ("variance", variance) }) Check(where, what, a.Length, c);
        var scale = new float[c];
        var shift = new float[c];
        for (var k = 0; k < c; k++)
        {
            var s = gamma[k] / Math.Sqrt(variance[k] + epsilon);
            scale[k] = (float)s;
            shift[k] = (float)(beta[k] - mean[k] * s);
        }
        PerChannel(name, scale, shift, where);
    }

    /// <summary>y = x × scale + shift per channel (batch normalization, or a constant Mul/Add): folded into the weighted layer right before it
    /// when that one is not quantized, else a batchnorm layer.</summary>
    public void PerChannel(string name, float[] scale, float[] shift, string where)
    {
        var c = Shape.C;
        Check(where, "scales", scale.Length, c);
        Check(where, "shifts", shift.Length, c);
        if (_layers.Count > 0 && _layers[^1] is { Weighted: true, Quantized: false } p && p.Type != "batchnorm" || _layers.Count > 0 && _layers[^1] is { Type: "batchnorm", Quantized: false })
        {
            var last = _layers[^1];
            var per = last.Weights.Length / c;
            if (last.Bias.Length == 0)
            {
                last.Bias = new float[c];
                last.Options.Insert(last.Options.FindIndex(kv => kv.Key is "padding" or "units" or "filters") + 1, new("bias", true));
            }
            if (last.Type == "batchnorm")
                for (var k = 0; k < c; k++) { last.Weights[k] *= scale[k]; last.Bias[k] = last.Bias[k] * scale[k] + shift[k]; }
            else
                for (var k = 0; k < c; k++)
                {
                    for (var j = 0; j < per; j++) last.Weights[k * per + j] *= scale[k];
                    last.Bias[k] = last.Bias[k] * scale[k] + shift[k];
                }
            return;
        }
        Add(new Pending { Type = "batchnorm", Name = Unique(name), Options = [], Weights = scale, Bias = shift, Weighted = true, Out = Shape });
    }

    /// <summary>An activation: relu (optionally bounded), leaky_relu, sigmoid, tanh, bipolar; with an output format when quantized.</summary>
    public void Activation(string name, string type, FixedFormat? output, string where, double? max = null, double? alpha = null, double? scale = null)
    {
        var o = new List<KeyValuePair<string, object>>();
        if (max is { } m) o.Add(new("max", m));
        if (alpha is { } a) o.Add(new("alpha", a));
        if (scale is { } s) o.Add(new("scale", s));
        if (output is { } f)
        {
            if (_layers.Count == 0) o.Add(new("input_format", f)); // a quantizer on the input: the image is assigned straight into it
            o.Add(new("output_format", f));
        }
        Add(new Pending { Type = type, Name = Unique(name), Options = o, Out = Shape });
    }

    /// <summary>A quantizer on the values between layers (QKeras quantized_bits as an activation, QONNX Quant on activations): the output
    /// format of the weighted layer right before it, or the input format when it comes first.</summary>
    public void Quantize(string name, FixedFormat f, string where)
    {
        if (_layers.Count == 0) { InputFormat = f; return; }
        var last = _layers[^1];
        if (!last.Weighted)
            throw new ImportException($"{where}: a quantizer after '{last.Name}' ({last.Type}); FlowRunner places quantizers on the outputs of dense, conv and batchnorm layers and on the input");
        last.Options.RemoveAll(kv => kv.Key == "output_format");
        last.Options.Add(new("output_format", f));
        last.Quantized = true;
    }

    /// <summary>The format the first layer assigns the input into (set by a quantizer on the input).</summary>
    public FixedFormat? InputFormat { get; private set; }

    public void Pool(string name, string type, Window win, string where)
    {
        var op = new PoolOp(type, win);
        var outShape = Try(where, () => op.OutputShape(Shape));
        var o = new List<KeyValuePair<string, object>>();
        var oneD = type.EndsWith("1d", StringComparison.Ordinal);
        if (oneD)
        {
            o.Add(new("pool", win.KernelW));
            o.Add(new("stride", win.StrideW));
            o.Add(new("padding", win.Padding.Mode == "explicit" ? new[] { win.Padding.Left, win.Padding.Right } : win.Padding.Mode));
        }
        else if (type == "maxpool2d" && win.KernelH == win.KernelW && win.StrideH == win.KernelH && win.StrideW == win.KernelW && win.Padding == Padding.Valid)
            o.Add(new("pool", win.KernelH));
        else
        {
            o.Add(new("pool", new[] { win.KernelH, win.KernelW }));
            o.Add(new("stride", new[] { win.StrideH, win.StrideW }));
            o.Add(new("padding", win.Padding.Written));
        }
        Add(new Pending { Type = type, Name = Unique(name), Options = o, Out = outShape });
        Shape = outShape;
    }

    /// <summary>Flatten in channels-last (hwc) or channels-first (chw) order; nothing when the tensor is already flat.</summary>
    public void Flatten(string name, string order)
    {
        if (Shape.H == 1 && Shape.W == 1) return;
        if (Shape.C == 1 || Shape.H * Shape.W == 1) order = "hwc";
        Add(new Pending { Type = "flatten", Name = Unique(name), Options = order == "hwc" ? [] : [new("order", order)], Out = new TensorShape(1, 1, Shape.Size) });
        Shape = new TensorShape(1, 1, Shape.Size);
    }

    public void Reshape(string name, TensorShape target, string where)
    {
        if (target.Size != Shape.Size) throw new ImportException($"{where}: reshape of {Shape} ({Shape.Size} values) to {target}");
        if (target == Shape) return;
        if (target.H == 1 && target.W == 1) { Flatten(name, "hwc"); return; }
        Add(new Pending { Type = "reshape", Name = Unique(name), Options = [new("shape", new[] { target.H, target.W, target.C })], Out = target });
        Shape = target;
    }

    public void Softmax(string name) => Add(new Pending { Type = "softmax", Name = Unique(name), Options = [], Out = Shape });

    private T Try<T>(string where, Func<T> f)
    {
        try { return f(); }
        catch (ModelFormatException e) { throw new ImportException($"{where}: {e.Message}"); }
    }

    private void Check(string where, string what, int got, int expected)
    {
        if (got != expected) throw new ImportException($"{where}: {got} {what}, the architecture needs {expected} (input {Shape}); weights and architecture do not match");
    }

    /// <summary>The description text, the parsed network and its float weights.</summary>
    public ImportedModel Build(string name, string source)
    {
        if (_layers.Count == 0) throw new ImportException($"{file}: the model has no layers FlowRunner can take");
        if (_layers.Any(l => l.Type == "softmax") && _layers[^1].Type != "softmax")
            throw new ImportException($"{file}: softmax '{_layers.First(l => l.Type == "softmax").Name}' is not the last layer; FlowRunner takes softmax last only");
        if (InputFormat is { } f && !_layers[0].Options.Any(kv => kv.Key == "input_format")) _layers[0].Options.Add(new("input_format", f));
        var descriptions = _layers.Select(l => new LayerDescription(l.Type, l.Name, l.Options)).ToList();
        var yaml = NetworkDescriptionWriter.Write(name, _input, InputLayout, descriptions,
            $"Imported by `flowrunner model import` from {source}.\nThe format is documented at the top of flows/models/mnist-cnn.yaml; the weights are in the .weights.json beside this file.");
        NetworkSpec spec;
        try { spec = NetworkSpec.Parse(yaml, $"{file} (imported)"); }
        catch (ModelFormatException e) { throw new ImportException($"{file}: {e.Message}"); }
        var net = new FloatNetwork(spec);
        for (var i = 0; i < _layers.Count; i++)
        {
            var l = _layers[i];
            if (net.Weights[i].Length != l.Weights.Length || net.Biases[i].Length != l.Bias.Length)
                throw new ImportException($"{file}: layer '{l.Name}': {l.Weights.Length} weights and {l.Bias.Length} biases, the network needs {net.Weights[i].Length} and {net.Biases[i].Length}");
            if (l.Weights.Concat(l.Bias).Any(v => !float.IsFinite(v))) throw new ImportException($"{file}: layer '{l.Name}' holds a NaN or infinite weight");
            l.Weights.CopyTo(net.Weights[i], 0);
            l.Bias.CopyTo(net.Biases[i], 0);
        }
        return new ImportedModel(spec, net, yaml, source);
    }
}

/// <summary>An imported model: the network description (and its text) and the float weights.</summary>
public sealed record ImportedModel(NetworkSpec Spec, FloatNetwork Network, string Description, string Source);
