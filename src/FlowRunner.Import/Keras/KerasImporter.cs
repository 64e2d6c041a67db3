using System.Text.Json;
using System.Text.Json.Nodes;
using FlowRunner.Models.Layers;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Import.Keras;

/// <summary>Keras 2 and QKeras models: the architecture JSON (model.json, or the `model_config` of a whole-model .h5) and the HDF5 weights.
/// Sequential, and Functional/Model graphs that are a single chain. Keras tensors are channels last, as FlowRunner's; Dense kernels
/// [in][out] become [unit][input], Conv kernels [kh][kw][cin][cout] become [filter][ky][kx][channel].</summary>
internal static class KerasImporter
{
    public static ImportedModel Import(string file, string? weightsFile)
    {
        string json;
        string weights;
        if (file.EndsWith(".h5", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".hdf5", StringComparison.OrdinalIgnoreCase))
        {
            json = KerasWeights.ModelConfig(file) ?? throw new ImportException($"{file}: no model_config attribute: a weights-only .h5; import the model's .json with --weights {file}");
            weights = weightsFile ?? file;
        }
        else
        {
            json = File.ReadAllText(file);
            weights = weightsFile ?? Sibling(file) ?? throw new ImportException($"{file}: no weights: give --weights FILE.h5 (looked for {Path.GetFileNameWithoutExtension(file)}_weights.h5 beside it)");
        }
        JsonNode root;
        try { root = JsonNode.Parse(json) ?? throw new ImportException($"{file}: empty architecture"); }
        catch (JsonException e) { throw new ImportException($"{file}: line {e.LineNumber + 1}: not a Keras model JSON: {e.Message}"); }
        using var w = KerasWeights.Open(weights);
        return Translate(file, weights, root, w);
    }

    private static string? Sibling(string file)
    {
        var p = Path.Combine(Path.GetDirectoryName(file) ?? ".", Path.GetFileNameWithoutExtension(file) + "_weights.h5");
        return File.Exists(p) ? p : null;
    }

    private static ImportedModel Translate(string file, string weightsFile, JsonNode root, KerasWeights weights)
    {
        var cls = root["class_name"]?.GetValue<string>() ?? throw new ImportException($"{file}: not a Keras model JSON (no class_name)");
        var cfg = root["config"];
        var layers = (cfg as JsonArray ?? cfg?["layers"] as JsonArray)?.OfType<JsonObject>().ToList()
            ?? throw new ImportException($"{file}: a {cls} model without layers");
        if (cfg is JsonObject co && co["input_layers"] is JsonArray inputs && inputs.Count > 1)
            throw new ImportException($"{file}: the model has {inputs.Count} inputs; FlowRunner takes models with one input");
        if (layers.Count(l => l["class_name"]?.GetValue<string>() == "InputLayer") > 1)
            throw new ImportException($"{file}: the model has {layers.Count(l => l["class_name"]?.GetValue<string>() == "InputLayer")} inputs; FlowRunner takes models with one input");
        var b = new NetworkBuilder(file);
        string? previous = null;
        var started = false;
        foreach (var layer in layers)
        {
            var kind = layer["class_name"]?.GetValue<string>() ?? "";
            var c = layer["config"] as JsonObject ?? [];
            var name = c["name"]?.GetValue<string>() ?? layer["name"]?.GetValue<string>() ?? kind;
            var where = $"{file}: layer '{name}' ({kind})";
            CheckChain(layer, previous, where);
            previous = name;
            if (!started)
            {
                var shape = c["batch_input_shape"] as JsonArray ?? (kind == "InputLayer" ? throw new ImportException($"{where}: no batch_input_shape") : null);
                if (shape is null) throw new ImportException($"{where}: the first layer gives no input shape (batch_input_shape)");
                if (shape.Skip(1).Any(d => d is null)) throw new ImportException($"{where}: dynamic input shape [{string.Join(", ", shape.Select(d => d?.ToJsonString() ?? "None"))}]; FlowRunner needs every dimension but the batch fixed");
                b.Start(shape.Skip(1).Select(d => d!.GetValue<int>()).ToArray());
                started = true;
            }
            if (c["data_format"] is JsonValue df && df.GetValue<string>() != "channels_last")
                throw new ImportException($"{where}: data_format {df.GetValue<string>()}; FlowRunner takes channels_last Keras models");
            Layer(b, kind, name, c, where, weights);
        }
        var unused = weights.LayersWithWeights().Where(l => !weights.Read.Contains(l)).ToList();
        if (unused.Count > 0)
            throw new ImportException($"{weights.Path}: weights for layers the architecture does not have: {string.Join(", ", unused)}; weights and architecture ({file}) do not match");
        var modelName = (cfg as JsonObject)?["name"]?.GetValue<string>() ?? Path.GetFileNameWithoutExtension(file);
        return b.Build(modelName, $"{Path.GetFileName(file)} + {Path.GetFileName(weightsFile)} (Keras {root["keras_version"]?.GetValue<string>() ?? "?"})");
    }

    private static void CheckChain(JsonObject layer, string? previous, string where)
    {
        if (layer["inbound_nodes"] is not JsonArray nodes || nodes.Count == 0) return;
        if (nodes.Count > 1) throw new ImportException($"{where}: the layer is called {nodes.Count} times (shared layer); FlowRunner takes a chain of layers");
        var ins = nodes[0] as JsonArray ?? [];
        var names = ins.Select(n => (n as JsonArray)?[0]?.GetValue<string>()).ToList();
        if (names.Count != 1 || names[0] != previous)
            throw new ImportException($"{where}: takes [{string.Join(", ", names)}] as input; FlowRunner takes a chain where each layer takes the previous one");
    }

    private static int[] Ints(JsonObject c, string key, int count, int fallback) => c[key] switch
    {
        JsonArray a => a.Select(x => x!.GetValue<int>()).ToArray(),
        JsonValue v => Enumerable.Repeat(v.GetValue<int>(), count).ToArray(),
        _ => Enumerable.Repeat(fallback, count).ToArray(),
    };

    private static Padding Pad(JsonObject c, string where) => c["padding"]?.GetValue<string>() switch
    {
        null or "valid" => Padding.Valid,
        "same" => Padding.Same,
        var p => throw new ImportException($"{where}: padding '{p}' is not supported (valid, same)"),
    };

    private static (float[] Values, int[] Shape) Array(IReadOnlyDictionary<string, (float[], int[])> w, string key, string where) =>
        w.TryGetValue(key, out var a) ? a : throw new ImportException($"{where}: no '{key}' in the weights file (it has {(w.Count == 0 ? "none" : string.Join(", ", w.Keys))}); weights and architecture do not match");

    private static void Layer(NetworkBuilder b, string kind, string name, JsonObject c, string where, KerasWeights weights)
    {
        switch (kind)
        {
            case "InputLayer": return;
            case "Dropout" or "SpatialDropout1D" or "SpatialDropout2D" or "GaussianNoise" or "GaussianDropout" or "AlphaDropout": return; // identity at inference
            case "Dense" or "QDense":
            {
                var units = c["units"]!.GetValue<int>();
                var w = weights.Layer(name);
                var (k, ks) = Array(w, "kernel", where);
                if (ks.Length != 2 || ks[1] != units || ks[0] != b.Shape.Size)
                    throw new ImportException($"{where}: kernel of shape [{string.Join(", ", ks)}], the architecture needs [{b.Shape.Size}, {units}]; weights and architecture do not match");
                var useBias = c["use_bias"]?.GetValue<bool>() ?? true;
                var bias = useBias ? Array(w, "bias", where).Values : null;
                var wt = new float[k.Length];
                for (var i = 0; i < ks[0]; i++)
                    for (var u = 0; u < units; u++) wt[u * ks[0] + i] = k[i * units + u];
                var q = Quantize(kind == "QDense", c, ref wt, ref bias, where);
                b.Dense(name, units, wt, bias, q, where);
                Activation(b, name, c["activation"], where, afterQuantized: kind == "QDense");
                return;
            }
            case "Conv1D" or "Conv2D" or "QConv1D" or "QConv2D":
            {
                var oneD = kind.EndsWith("1D", StringComparison.Ordinal);
                var dims = oneD ? 1 : 2;
                if (Ints(c, "dilation_rate", dims, 1).Any(d => d != 1)) throw new ImportException($"{where}: dilated convolution is not supported");
                if ((c["groups"]?.GetValue<int>() ?? 1) != 1) throw new ImportException($"{where}: grouped convolution is not supported");
                var filters = c["filters"]!.GetValue<int>();
                var kernel = Ints(c, "kernel_size", dims, 1);
                var strides = Ints(c, "strides", dims, 1);
                var win = oneD ? new Window(1, kernel[0], 1, strides[0], Pad(c, where)) : new Window(kernel[0], kernel[1], strides[0], strides[1], Pad(c, where));
                var w = weights.Layer(name);
                var (k, ks) = Array(w, "kernel", where);
                var (kh, kw) = (win.KernelH, win.KernelW);
                var cin = b.Shape.C;
                int[] expected = oneD ? [kw, cin, filters] : [kh, kw, cin, filters];
                if (!ks.SequenceEqual(expected))
                    throw new ImportException($"{where}: kernel of shape [{string.Join(", ", ks)}], the architecture needs [{string.Join(", ", expected)}]; weights and architecture do not match");
                var wt = new float[k.Length];
                for (var y = 0; y < kh; y++)
                    for (var x = 0; x < kw; x++)
                        for (var ch = 0; ch < cin; ch++)
                            for (var f = 0; f < filters; f++)
                                wt[((f * kh + y) * kw + x) * cin + ch] = k[((y * kw + x) * cin + ch) * filters + f];
                var bias = (c["use_bias"]?.GetValue<bool>() ?? true) ? Array(w, "bias", where).Values : null;
                var q = Quantize(kind.StartsWith('Q'), c, ref wt, ref bias, where);
                b.Conv(name, oneD, filters, win, wt, bias, q, where);
                Activation(b, name, c["activation"], where, afterQuantized: kind.StartsWith('Q'));
                return;
            }
            case "BatchNormalization":
            {
                var axis = c["axis"] switch { JsonArray a => a.Count == 1 ? a[0]!.GetValue<int>() : 99, JsonValue v => v.GetValue<int>(), _ => -1 };
                if (axis != -1 && axis != (b.Shape.H == 1 && b.Shape.W == 1 ? 1 : b.Shape.H == 1 ? 2 : 3))
                    throw new ImportException($"{where}: batch normalization over axis {axis}; FlowRunner normalizes the channels (the last axis)");
                var w = weights.Layer(name);
                var ch = b.Shape.C;
                var gamma = (c["scale"]?.GetValue<bool>() ?? true) ? Array(w, "gamma", where).Values : Enumerable.Repeat(1f, ch).ToArray();
                var beta = (c["center"]?.GetValue<bool>() ?? true) ? Array(w, "beta", where).Values : new float[ch];
                b.BatchNorm(name, gamma, beta, Array(w, "moving_mean", where).Values, Array(w, "moving_variance", where).Values,
                    c["epsilon"]?.GetValue<double>() ?? 1e-3, where);
                return;
            }
            case "Activation" or "QActivation":
                Activation(b, name, c["activation"], where, afterQuantized: false, layerOfItsOwn: true);
                return;
            case "ReLU":
            {
                var max = c["max_value"]?.GetValue<double>();
                var slope = c["negative_slope"]?.GetValue<double>() ?? 0;
                if ((c["threshold"]?.GetValue<double>() ?? 0) != 0) throw new ImportException($"{where}: ReLU with a threshold is not supported");
                if (slope != 0 && max is not null) throw new ImportException($"{where}: ReLU with both max_value and negative_slope is not supported");
                if (slope != 0) b.Activation(name, "leaky_relu", null, where, alpha: slope);
                else b.Activation(name, "relu", null, where, max: max);
                return;
            }
            case "LeakyReLU":
                b.Activation(name, "leaky_relu", null, where, alpha: c["alpha"]?.GetValue<double>() ?? c["negative_slope"]?.GetValue<double>() ?? 0.3);
                return;
            case "Softmax": b.Softmax(name); return;
            case "Flatten": b.Flatten(name, "hwc"); return;
            case "Reshape":
            {
                var t = (c["target_shape"] as JsonArray ?? throw new ImportException($"{where}: no target_shape")).Select(x => x!.GetValue<int>()).ToArray();
                if (t.Any(d => d <= 0)) throw new ImportException($"{where}: target_shape with an inferred (-1) dimension is not supported");
                b.Reshape(name, t.Length switch
                {
                    1 => new(1, 1, t[0]), 2 => new(1, t[0], t[1]), 3 => new(t[0], t[1], t[2]),
                    _ => throw new ImportException($"{where}: reshape to rank {t.Length} is not supported"),
                }, where);
                return;
            }
            case "MaxPooling1D" or "AveragePooling1D" or "MaxPooling2D" or "AveragePooling2D" or "MaxPool1D" or "MaxPool2D" or "AvgPool1D" or "AvgPool2D":
            {
                var oneD = kind.EndsWith("1D", StringComparison.Ordinal);
                var dims = oneD ? 1 : 2;
                var pool = Ints(c, "pool_size", dims, 2);
                var strides = c["strides"] is null ? pool : Ints(c, "strides", dims, 1);
                var type = (kind.StartsWith("Max", StringComparison.Ordinal) ? "maxpool" : "avgpool") + (oneD ? "1d" : "2d");
                b.Pool(name, type, oneD ? new Window(1, pool[0], 1, strides[0], Pad(c, where)) : new Window(pool[0], pool[1], strides[0], strides[1], Pad(c, where)), where);
                return;
            }
            default:
                throw new ImportException($"{where}: unsupported layer type {kind} (FlowRunner takes Dense, Conv1D, Conv2D, BatchNormalization, Activation, ReLU, LeakyReLU, Softmax, pooling, Flatten, Reshape, Dropout and the QKeras QDense, QConv1D, QConv2D, QActivation)");
        }
    }

    /// <summary>A QKeras layer's kernel and bias quantizers: the values quantized by their formulas, and the weight format that holds both.</summary>
    private static LayerQuant Quantize(bool quantized, JsonObject c, ref float[] w, ref float[]? bias, string where)
    {
        if (!quantized) return LayerQuant.None;
        var kq = QKerasQuantizer.Parse(c["kernel_quantizer"], where + " kernel_quantizer");
        var bq = bias is null ? null : QKerasQuantizer.Parse(c["bias_quantizer"], where + " bias_quantizer");
        if (kq is null) return new LayerQuant(KeepAccumulator: true);
        w = kq.Apply(w);
        var format = kq.Format;
        if (bq is not null && bias is not null)
        {
            bias = bq.Apply(bias);
            format = LayerQuant.Union(kq.Format, bq.Format);
        }
        return new LayerQuant(format, KeepAccumulator: true);
    }

    /// <summary>A Keras activation (a layer's `activation`, or an Activation/QActivation layer).</summary>
    private static void Activation(NetworkBuilder b, string name, JsonNode? a, string where, bool afterQuantized, bool layerOfItsOwn = false)
    {
        var text = a is JsonValue v && v.TryGetValue<string>(out var t) ? t : null;
        var actName = layerOfItsOwn ? name : name + "_" + (text ?? "act");
        switch (text)
        {
            case null when a is null: return;
            case "linear": return;
            case "relu": b.Activation(actName, "relu", null, where); return;
            case "relu6": b.Activation(actName, "relu", null, where, max: 6); return;
            case "sigmoid": b.Activation(actName, "sigmoid", null, where); return;
            case "tanh": b.Activation(actName, "tanh", null, where); return;
            case "softmax": b.Softmax(actName); return;
        }
        var q = QKerasQuantizer.Parse(a, where) ?? throw new ImportException($"{where}: unsupported activation {a!.ToJsonString()}");
        if (q.Kind == "quantized_relu") b.Activation(layerOfItsOwn ? name : name + "_relu", "relu", q.Format, where);
        else if (q.Kind == "quantized_bits") b.Quantize(actName, q.Format, where);
        else throw new ImportException($"{where}: {q.Kind} as an activation is not supported");
    }
}
