using Google.Protobuf;
using Onnx;
using FlowRunner.Models.Layers;
using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Import.Onnx;

/// <summary>ONNX graphs (read with OnnxSharp's generated onnx.proto messages on Google.Protobuf) that are one chain from one input: Gemm,
/// MatMul (+ Add) as dense, Conv, BatchNormalization, Relu, LeakyRelu, Sigmoid, Tanh, Clip (a bounded relu), MaxPool, AveragePool,
/// Flatten, Reshape, Softmax (last), the layout operators exporters put around them (Transpose, Identity, Dropout, Squeeze, Unsqueeze),
/// constant Mul/Add per channel, and QONNX Quant and BipolarQuant. Layouts: ONNX Conv and pooling are NCHW; FlowRunner holds tensors
/// channels last, so an NCHW input is read channels first (`input_layout: chw`), an NHWC input that the graph transposes (onnxmltools)
/// stays channels last, and a Flatten of an NCHW tensor flattens channels first (`order: chw`).</summary>
internal sealed class OnnxImporter
{
    private enum Layout { Flat, Nchw, Nhwc, Input4, Ncw }

    /// <summary>Whether the stream is channels first (NCHW, or NCW as PyTorch's Conv1d takes it).</summary>
    private bool ChannelsFirst => _layout is Layout.Nchw or Layout.Ncw;

    private readonly string _file;
    private readonly Dictionary<string, Constant> _constants = [];
    private readonly NetworkBuilder _b;
    private string _stream = "";
    private Layout _layout;
    private int[] _inputDims = [];
    private int _rank;
    private NodeProto? _pendingMatMul;
    private bool _ended;

    private OnnxImporter(string file)
    {
        _file = file;
        _b = new NetworkBuilder(file);
    }

    public static ImportedModel Import(string file)
    {
        if (!File.Exists(file)) throw new ImportException($"{file}: model file not found");
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(file)); }
        catch (InvalidProtocolBufferException e) { throw new ImportException($"{file}: not a readable ONNX model (truncated or corrupt?): {e.Message}"); }
        if (model.Graph is null || model.Graph.Node.Count == 0) throw new ImportException($"{file}: not an ONNX model (no graph or no nodes; truncated or corrupt?)");
        var imp = new OnnxImporter(file);
        imp.Translate(model.Graph);
        // Exporters often name the graph with a random id (onnxmltools) or nothing; the file's name says more.
        var name = model.Graph.Name is { Length: > 0 } n && !System.Text.RegularExpressions.Regex.IsMatch(n, "^[0-9a-f]{32}$") ? n : Path.GetFileNameWithoutExtension(file);
        return imp._b.Build(name,
            $"{Path.GetFileName(file)} (ONNX, {model.ProducerName} {model.ProducerVersion})");
    }

    private string Where(NodeProto n) => $"{_file}: node '{(string.IsNullOrEmpty(n.Name) ? string.Join(",", n.Output) : n.Name)}' ({n.OpType})";

    private void Translate(GraphProto g)
    {
        foreach (var t in g.Initializer) _constants[t.Name] = Constant.From(t, $"{_file}: initializer '{t.Name}'");
        var inputs = g.Input.Where(i => !_constants.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1)
            throw new ImportException($"{_file}: the graph has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => i.Name))}); FlowRunner takes models with one input");
        var input = inputs[0];
        var dims = input.Type?.TensorType?.Shape?.Dim ?? throw new ImportException($"{_file}: input '{input.Name}' has no shape");
        if (dims.Skip(1).Any(d => d.ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue || d.DimValue <= 0))
            throw new ImportException($"{_file}: input '{input.Name}' has a dynamic shape [{string.Join(", ", dims.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue.ToString() : d.DimParam == "" ? "?" : d.DimParam))}]; FlowRunner needs every dimension but the batch fixed");
        _inputDims = dims.Skip(1).Select(d => (int)d.DimValue).ToArray();
        _rank = dims.Count;
        _stream = input.Name;
        switch (_inputDims.Length)
        {
            case 1: _layout = Layout.Flat; _b.Start(_inputDims); break;
            case 2: _layout = Layout.Ncw; _b.InputLayout = "chw"; _b.Start([_inputDims[1], _inputDims[0]]); break; // PyTorch's Conv1d input: channels, steps
            case 3: _layout = Layout.Input4; break; // NCHW unless the graph transposes it first
            default: throw new ImportException($"{_file}: input '{input.Name}' of rank {dims.Count}; FlowRunner takes [batch, features], [batch, channels, steps] or [batch, channels, height, width] ONNX inputs");
        }
        foreach (var n in g.Node)
        {
            var onStream = n.Input.Contains(_stream);
            if (!onStream)
            {
                Constants(n);
                continue;
            }
            if (_ended) throw new ImportException($"{Where(n)}: follows the softmax; FlowRunner takes softmax last only");
            if (_layout == Layout.Input4 && !(n.OpType == "Transpose" && Perm(n).SequenceEqual([0L, 3, 1, 2])))
            {
                _layout = Layout.Nchw;
                _b.InputLayout = "chw";
                _b.Start([_inputDims[1], _inputDims[2], _inputDims[0]]);
            }
            Node(n);
            if (n.Output.Count != 1) throw new ImportException($"{Where(n)}: {n.Output.Count} outputs; FlowRunner takes one-output operators");
            _stream = n.Output[0];
        }
        Flush();
        if (g.Output.Count != 1) throw new ImportException($"{_file}: the graph has {g.Output.Count} outputs; FlowRunner takes models with one output");
        if (g.Output[0].Name != _stream) throw new ImportException($"{_file}: the graph output '{g.Output[0].Name}' is not the end of the chain of operators ('{_stream}')");
    }

    private static long[] Perm(NodeProto n) => n.Attribute.FirstOrDefault(a => a.Name == "perm")?.Ints.ToArray() ?? [];

    private static AttributeProto? Attr(NodeProto n, string name) => n.Attribute.FirstOrDefault(a => a.Name == name);
    private static long Int(NodeProto n, string name, long fallback) => Attr(n, name)?.I ?? fallback;
    private static float Float(NodeProto n, string name, float fallback) => Attr(n, name) is { } a ? a.F : fallback;
    private static long[] Ints(NodeProto n, string name) => Attr(n, name)?.Ints.ToArray() ?? [];
    private static string Str(NodeProto n, string name, string fallback) => Attr(n, name) is { } a ? a.S.ToStringUtf8() : fallback;

    private Constant Const(NodeProto n, int input)
    {
        if (input >= n.Input.Count || n.Input[input] == "") throw new ImportException($"{Where(n)}: input {input} is missing");
        return _constants.TryGetValue(n.Input[input], out var c) ? c
            : throw new ImportException($"{Where(n)}: input '{n.Input[input]}' must be a constant (an initializer); FlowRunner takes one data path");
    }

    private Constant? OptConst(NodeProto n, int input) => input < n.Input.Count && n.Input[input] != "" ? Const(n, input) : null;

    /// <summary>Nodes off the data path: constants, and quantizers of constants (weights), evaluated now.</summary>
    private void Constants(NodeProto n)
    {
        switch (n.OpType)
        {
            case "Constant":
                var v = Attr(n, "value")?.T ?? throw new ImportException($"{Where(n)}: a Constant without a tensor value");
                _constants[n.Output[0]] = Constant.From(v, Where(n));
                return;
            case "Quant":
                var q = QonnxQuant.Quant(n, Const(n, 0), Const(n, 1), Const(n, 2), Const(n, 3), Where(n));
                _constants[n.Output[0]] = q.Values;
                _weightFormats[n.Output[0]] = q.Format;
                return;
            case "BipolarQuant":
                var bq = QonnxQuant.Bipolar(Const(n, 0), Const(n, 1), Where(n));
                _constants[n.Output[0]] = bq.Values;
                _weightFormats[n.Output[0]] = bq.Format;
                return;
            case "Identity":
                _constants[n.Output[0]] = Const(n, 0);
                return;
            default:
                throw new ImportException($"{Where(n)}: does not take the data path's tensor '{_stream}'; FlowRunner takes a single chain of operators");
        }
    }

    private readonly Dictionary<string, FixedFormat> _weightFormats = [];

    private LayerQuant QuantOf(NodeProto n, int weight, int bias)
    {
        var wf = weight < n.Input.Count && _weightFormats.TryGetValue(n.Input[weight], out var a) ? a : (FixedFormat?)null;
        var bf = bias < n.Input.Count && _weightFormats.TryGetValue(n.Input[bias], out var b) ? b : (FixedFormat?)null;
        if (wf is null && bf is null) return LayerQuant.None;
        if (wf is null || (bias < n.Input.Count && n.Input[bias] != "" && bf is null))
            throw new ImportException($"{Where(n)}: only some of its weights are quantized; FlowRunner needs Quant nodes on both the weights and the bias, or on neither");
        return new LayerQuant(bf is { } x ? LayerQuant.Union(wf.Value, x) : wf, KeepAccumulator: true);
    }

    private void Flush()
    {
        if (_pendingMatMul is { } m)
        {
            _pendingMatMul = null;
            DenseFrom(m, Const(m, 1), null, transB: false, 1f, 1f, LayerQuant.None, Where(m));
        }
    }

    private void RequireFlat(NodeProto n)
    {
        if (_layout is Layout.Nchw or Layout.Nhwc or Layout.Ncw && !(_b.Shape.H == 1 && _b.Shape.W == 1))
            throw new ImportException($"{Where(n)}: on a {_b.Shape} tensor; FlowRunner needs it flattened first");
    }

    private void Node(NodeProto n)
    {
        var where = Where(n);
        if (_pendingMatMul is { } mm && n.OpType == "Add")
        {
            _pendingMatMul = null;
            var bias = n.Input[0] == _stream ? Const(n, 1) : Const(n, 0);
            DenseFrom(mm, Const(mm, 1), bias, transB: false, 1f, 1f, LayerQuant.None, Where(mm));
            return;
        }
        Flush();
        switch (n.OpType)
        {
            case "Identity" or "Dropout": return;
            case "Transpose":
            {
                var p = Perm(n);
                if (_layout == Layout.Input4 && p.SequenceEqual([0L, 3, 1, 2])) { _layout = Layout.Nchw; _b.Start(_inputDims); return; }
                if (_layout == Layout.Nchw && p.SequenceEqual([0L, 2, 3, 1])) { _layout = Layout.Nhwc; return; }
                if (_layout == Layout.Nhwc && p.SequenceEqual([0L, 3, 1, 2])) { _layout = Layout.Nchw; return; }
                if (_layout == Layout.Flat && (p.Length == 0 || p.SequenceEqual([0L, 1]))) return;
                throw new ImportException($"{where}: permutation [{string.Join(",", p)}] on a {_layout} tensor is not supported (FlowRunner follows NCHW/NHWC transposes)");
            }
            case "Squeeze" or "Unsqueeze":
                if (_layout != Layout.Flat) throw new ImportException($"{where}: on a {_layout} tensor; FlowRunner takes Squeeze/Unsqueeze around per-feature operators only");
                return;
            case "Gemm":
            {
                RequireFlat(n);
                if (Int(n, "transA", 0) != 0) throw new ImportException($"{where}: transA=1 is not supported");
                DenseFrom(n, Const(n, 1), OptConst(n, 2), Int(n, "transB", 0) != 0, Float(n, "alpha", 1), Float(n, "beta", 1), QuantOf(n, 1, 2), where);
                return;
            }
            case "MatMul":
                RequireFlat(n);
                if (n.Input[0] != _stream) throw new ImportException($"{where}: the data must be the first input of MatMul");
                _pendingMatMul = n;
                return;
            case "Add" or "Sub" or "Mul" or "Div":
            {
                var c = n.Input[0] == _stream ? Const(n, 1) : Const(n, 0);
                if (n.Input[1] != _stream && n.OpType is "Sub" or "Div" && n.Input[0] != _stream) throw new ImportException($"{where}: constant {n.OpType} data is not supported");
                var ch = _b.Shape.C;
                var per = PerChannel(c, ch, where);
                var scale = Enumerable.Repeat(1f, ch).ToArray();
                var shift = new float[ch];
                for (var k = 0; k < ch; k++)
                    switch (n.OpType)
                    {
                        case "Add": shift[k] = per[k]; break;
                        case "Sub": shift[k] = -per[k]; break;
                        case "Mul": scale[k] = per[k]; break;
                        default: scale[k] = 1 / per[k]; break;
                    }
                _b.PerChannel(Name(n), scale, shift, where);
                return;
            }
            case "BatchNormalization":
            {
                if (n.Output.Count > 1 && n.Output.Skip(1).Any(o => o != "")) throw new ImportException($"{where}: training-mode batch normalization is not supported");
                _b.BatchNorm(Name(n), Const(n, 1).Values, Const(n, 2).Values, Const(n, 3).Values, Const(n, 4).Values, Float(n, "epsilon", 1e-5f), where);
                return;
            }
            case "Conv":
            {
                if (!ChannelsFirst) throw new ImportException($"{where}: Conv on a {_layout} tensor (expects NCHW or NCW)");
                if (Int(n, "group", 1) != 1) throw new ImportException($"{where}: grouped convolution (group={Int(n, "group", 1)}) is not supported");
                if (Ints(n, "dilations").Any(d => d != 1)) throw new ImportException($"{where}: dilated convolution is not supported");
                var w = Const(n, 1);
                var oneD = _layout == Layout.Ncw;
                if (w.Shape.Length != (oneD ? 3 : 4))
                    throw new ImportException($"{where}: {w.Shape.Length - 2}-D convolution on a {(oneD ? "1-D (NCW)" : "2-D (NCHW)")} tensor; weights and architecture do not match");
                var (f, cin) = ((int)w.Shape[0], (int)w.Shape[1]);
                var (kh, kw) = oneD ? (1, (int)w.Shape[2]) : ((int)w.Shape[2], (int)w.Shape[3]);
                if (cin != _b.Shape.C) throw new ImportException($"{where}: weights for {cin} input channels, the tensor has {_b.Shape.C}; weights and architecture do not match");
                var strides = Ints(n, "strides");
                var win = oneD ? new Window(1, kw, 1, (int)strides.FirstOrDefault(1), Pads(n, 1, kw, true, where))
                    : new Window(kh, kw, (int)strides.FirstOrDefault(1), (int)strides.Skip(1).FirstOrDefault(1), Pads(n, kh, kw, false, where));
                var wt = new float[w.Values.Length];
                for (var o = 0; o < f; o++)
                    for (var c = 0; c < cin; c++)
                        for (var y = 0; y < kh; y++)
                            for (var x = 0; x < kw; x++) wt[((o * kh + y) * kw + x) * cin + c] = w.Values[((o * cin + c) * kh + y) * kw + x];
                _b.Conv(Name(n), oneD, f, win, wt, OptConst(n, 2)?.Values, QuantOf(n, 1, 2), where);
                return;
            }
            case "MaxPool" or "AveragePool":
            {
                if (!ChannelsFirst) throw new ImportException($"{where}: pooling on a {_layout} tensor (expects NCHW or NCW)");
                if (Int(n, "ceil_mode", 0) != 0) throw new ImportException($"{where}: ceil_mode=1 is not supported");
                if (n.OpType == "AveragePool" && Int(n, "count_include_pad", 0) != 0) throw new ImportException($"{where}: count_include_pad=1 is not supported");
                if (Ints(n, "dilations").Any(d => d != 1)) throw new ImportException($"{where}: dilated pooling is not supported");
                var k = Ints(n, "kernel_shape");
                var oneD = _layout == Layout.Ncw;
                if (k.Length != (oneD ? 1 : 2)) throw new ImportException($"{where}: {k.Length}-D pooling on a {(oneD ? "1-D (NCW)" : "2-D (NCHW)")} tensor");
                var s = Ints(n, "strides");
                var win = oneD ? new Window(1, (int)k[0], 1, s.Length == 1 ? (int)s[0] : 1, Pads(n, 1, (int)k[0], true, where))
                    : new Window((int)k[0], (int)k[1], s.Length == 2 ? (int)s[0] : 1, s.Length == 2 ? (int)s[1] : 1, Pads(n, (int)k[0], (int)k[1], false, where));
                _b.Pool(Name(n), (n.OpType == "MaxPool" ? "maxpool" : "avgpool") + (oneD ? "1d" : "2d"), win, where);
                return;
            }
            case "Flatten":
            {
                if (Int(n, "axis", 1) is not (0 or 1)) throw new ImportException($"{where}: Flatten axis {Int(n, "axis", 1)} is not supported");
                _b.Flatten(Name(n), ChannelsFirst ? "chw" : "hwc");
                _layout = Layout.Flat;
                return;
            }
            case "Reshape":
            {
                var shape = Const(n, 1).Values.Select(v => (long)v).ToArray();
                if (shape.Length == 2)
                {
                    _b.Flatten(Name(n), ChannelsFirst ? "chw" : "hwc");
                    _layout = Layout.Flat;
                    return;
                }
                throw new ImportException($"{where}: Reshape to [{string.Join(", ", shape)}] is not supported (FlowRunner takes reshapes to [batch, features])");
            }
            case "Relu": _b.Activation(Name(n), "relu", null, where); return;
            case "LeakyRelu": _b.Activation(Name(n), "leaky_relu", null, where, alpha: Float(n, "alpha", 0.01f)); return;
            case "Sigmoid": _b.Activation(Name(n), "sigmoid", null, where); return;
            case "Tanh": _b.Activation(Name(n), "tanh", null, where); return;
            case "Clip":
            {
                var min = OptConst(n, 1)?.Scalar(where) ?? (Attr(n, "min") is { } a ? a.F : float.NegativeInfinity);
                var max = OptConst(n, 2)?.Scalar(where) ?? (Attr(n, "max") is { } b ? b.F : float.PositiveInfinity);
                if (min != 0) throw new ImportException($"{where}: Clip with min {min}; FlowRunner takes Clip(0, max) as a bounded relu");
                _b.Activation(Name(n), "relu", null, where, max: float.IsPositiveInfinity(max) ? null : max);
                return;
            }
            case "Softmax":
            {
                var axis = Int(n, "axis", _rank == 2 ? 1 : -1);
                if (_layout != Layout.Flat || axis is not (1 or -1)) throw new ImportException($"{where}: softmax over axis {axis} of a {_layout} tensor; FlowRunner takes softmax over the features of a flat tensor");
                _b.Softmax(Name(n));
                _ended = true;
                return;
            }
            case "Quant":
            {
                var q = QonnxQuant.Quant(n, null, Const(n, 1), Const(n, 2), Const(n, 3), where);
                _b.Quantize(Name(n), q.Format, where);
                return;
            }
            case "BipolarQuant":
            {
                var scale = Const(n, 1).Scalar(where);
                var f = QonnxQuant.Bipolar(new Constant([1f], [1]), Const(n, 1), where).Format;
                _b.Activation(Name(n), "bipolar", f, where, scale: scale);
                return;
            }
            default:
                throw new ImportException($"{where}: unsupported operator {n.OpType}{(string.IsNullOrEmpty(n.Domain) ? "" : $" (domain {n.Domain})")}");
        }
    }

    private static string Name(NodeProto n) => string.IsNullOrEmpty(n.Name) ? n.OpType.ToLowerInvariant() + "_" + n.Output[0] : n.Name.Trim('/').Replace('/', '_');

    private static float[] PerChannel(Constant c, int channels, string where)
    {
        if (c.Values.Length == 1) return Enumerable.Repeat(c.Values[0], channels).ToArray();
        if (c.Values.Length == channels) return c.Values;
        throw new ImportException($"{where}: a constant of shape [{string.Join(", ", c.Shape)}] is neither a scalar nor one value per channel ({channels})");
    }

    /// <summary>The padding of a window (1-D when <paramref name="oneD"/>: along the steps only): ONNX pads [begin..., end...], or auto_pad
    /// (SAME_UPPER puts the odd extra row, column or step at the end, SAME_LOWER at the start).</summary>
    private Padding Pads(NodeProto n, int kh, int kw, bool oneD, string where)
    {
        var auto = Str(n, "auto_pad", "NOTSET");
        var dims = oneD ? 1 : 2;
        switch (auto)
        {
            case "SAME_UPPER": return Padding.Same;
            case "VALID": return Padding.Valid;
            case "SAME_LOWER":
            {
                var s = Ints(n, "strides");
                var tt = oneD ? default : Padding.Same.Along(true, _b.Shape.H, kh, s.Length == 2 ? (int)s[0] : 1);
                var ll = Padding.Same.Along(false, _b.Shape.W, kw, s.Length == dims ? (int)s[dims - 1] : 1);
                return Padding.Explicit(tt.After, ll.After, tt.Before, ll.Before);
            }
            case "NOTSET":
                var p = Ints(n, "pads");
                if (p.Length == 0) return Padding.Valid;
                if (p.Length != 2 * dims) throw new ImportException($"{where}: pads [{string.Join(",", p)}] for a {dims}-D window");
                return oneD ? Padding.Explicit(0, (int)p[0], 0, (int)p[1]) : Padding.Explicit((int)p[0], (int)p[1], (int)p[2], (int)p[3]);
            default: throw new ImportException($"{where}: auto_pad {auto} is not supported");
        }
    }

    private void DenseFrom(NodeProto n, Constant w, Constant? c, bool transB, float alpha, float beta, LayerQuant q, string where)
    {
        if (w.Shape.Length != 2) throw new ImportException($"{where}: weights of shape [{string.Join(", ", w.Shape)}]; a dense layer needs a matrix");
        var (k, units) = transB ? ((int)w.Shape[1], (int)w.Shape[0]) : ((int)w.Shape[0], (int)w.Shape[1]);
        if (k != _b.Shape.Size) throw new ImportException($"{where}: weights for {k} inputs, the tensor has {_b.Shape.Size}; weights and architecture do not match");
        var wt = new float[w.Values.Length];
        for (var u = 0; u < units; u++)
            for (var i = 0; i < k; i++) wt[u * k + i] = alpha * (transB ? w.Values[u * k + i] : w.Values[i * units + u]);
        float[]? bias = null;
        if (c is not null)
        {
            if (c.Values.Length == 1) bias = Enumerable.Repeat(beta * c.Values[0], units).ToArray();
            else if (c.Values.Length == units) bias = c.Values.Select(v => beta * v).ToArray();
            else throw new ImportException($"{where}: a bias of shape [{string.Join(", ", c.Shape)}] for {units} units; weights and architecture do not match");
        }
        _b.Dense(Name(n), units, wt, bias, q, where);
    }
}
