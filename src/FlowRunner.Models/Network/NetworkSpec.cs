using System.Globalization;
using FlowRunner.Numerics.Formats;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FlowRunner.Models.Network;

/// <summary>The layer kinds a network description may use.</summary>
public enum LayerKind { Conv2D, ReLU, MaxPool2D, Flatten, Dense, Softmax }

/// <summary>One layer of a network description: its kind, shape parameters and optional per-layer number formats.</summary>
public sealed record LayerSpec(LayerKind Kind, string Name, int Kernel = 0, int Filters = 0, int Units = 0, bool Bias = false, int Pool = 2)
{
    /// <summary>Per-layer formats (weights, inputs, accumulator, outputs); null takes the network-wide ones.</summary>
    public FixedFormat? WeightFormat { get; init; }
    public FixedFormat? InputFormat { get; init; }
    public FixedFormat? AccumFormat { get; init; }
    public FixedFormat? OutputFormat { get; init; }

    public bool HasWeights => Kind is LayerKind.Conv2D or LayerKind.Dense;
}

/// <summary>A network description (YAML): input shape, classes and layers. See flows/models/mnist-cnn.yaml for the documented format.</summary>
public sealed record NetworkSpec(string Name, int Height, int Width, int Channels, int Classes, IReadOnlyList<LayerSpec> Layers)
{
    public static readonly IReadOnlyList<string> LayerKeys = ["type", "name", "kernel", "filters", "units", "bias", "pool", "weight_format", "input_format", "accum_format", "output_format"];

    public static NetworkSpec Load(string file)
    {
        if (!File.Exists(file)) throw new ModelFormatException($"{file}: network description not found");
        return Parse(File.ReadAllText(file), file);
    }

    /// <summary>Parses a description; errors name the file, line and key.</summary>
    public static NetworkSpec Parse(string text, string file)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlException e) { throw new ModelFormatException($"{file}:{e.Start.Line}:{e.Start.Column}: YAML syntax: {e.Message}"); }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) throw new ModelFormatException($"{file}: not a network description (a map with input, classes and layers)");
        string At(YamlNode n) => $"{file}:{n.Start.Line}:{n.Start.Column}";
        YamlNode? Get(YamlMappingNode m, string k) => m.Children.TryGetValue(new YamlScalarNode(k), out var v) ? v : null;
        int Int(YamlNode n, string what)
        {
            if (n is YamlScalarNode s && int.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v > 0) return v;
            throw new ModelFormatException($"{At(n)}: {what} must be a positive integer");
        }
        FixedFormat? Fmt(YamlMappingNode m, string k)
        {
            if (Get(m, k) is not YamlScalarNode s) return null;
            try { return FixedFormat.Parse(s.Value ?? ""); }
            catch (FixedFormatException e) { throw new ModelFormatException($"{At(s)}: {k}: {e.Message}"); }
        }
        if (Get(root, "input") is not YamlSequenceNode input || input.Children.Count != 3)
            throw new ModelFormatException($"{file}: `input:` must be [height, width, channels]");
        var classes = Get(root, "classes") is { } c ? Int(c, "classes") : 10;
        if (Get(root, "layers") is not YamlSequenceNode layers || layers.Children.Count == 0) throw new ModelFormatException($"{file}: `layers:` must list the layers");
        var list = new List<LayerSpec>();
        foreach (var node in layers.Children)
        {
            if (node is not YamlMappingNode m) throw new ModelFormatException($"{At(node)}: each layer is a map with `type:`");
            foreach (var k in m.Children.Keys.OfType<YamlScalarNode>().Where(k => !LayerKeys.Contains(k.Value)))
                throw new ModelFormatException($"{At(k)}: unknown layer key '{k.Value}' (keys: {string.Join(", ", LayerKeys)})");
            var type = (Get(m, "type") as YamlScalarNode)?.Value?.ToLowerInvariant();
            var kind = type switch
            {
                "conv2d" => LayerKind.Conv2D, "relu" => LayerKind.ReLU, "maxpool2d" => LayerKind.MaxPool2D, "flatten" => LayerKind.Flatten,
                "dense" => LayerKind.Dense, "softmax" => LayerKind.Softmax,
                _ => throw new ModelFormatException($"{At(m)}: unsupported layer type '{type}' (conv2d, relu, maxpool2d, flatten, dense, softmax)"),
            };
            var name = (Get(m, "name") as YamlScalarNode)?.Value ?? $"{type}{list.Count(l => l.Kind == kind) + 1}";
            list.Add(new LayerSpec(kind, name,
                Kernel: kind == LayerKind.Conv2D ? Int(Get(m, "kernel") ?? throw new ModelFormatException($"{At(m)}: conv2d needs `kernel:`"), "kernel") : 0,
                Filters: kind == LayerKind.Conv2D ? Int(Get(m, "filters") ?? throw new ModelFormatException($"{At(m)}: conv2d needs `filters:`"), "filters") : 0,
                Units: kind == LayerKind.Dense ? Int(Get(m, "units") ?? throw new ModelFormatException($"{At(m)}: dense needs `units:`"), "units") : 0,
                Bias: (Get(m, "bias") as YamlScalarNode)?.Value is "true",
                Pool: Get(m, "pool") is { } p ? Int(p, "pool") : 2)
            {
                WeightFormat = Fmt(m, "weight_format"), InputFormat = Fmt(m, "input_format"), AccumFormat = Fmt(m, "accum_format"), OutputFormat = Fmt(m, "output_format"),
            });
        }
        var spec = new NetworkSpec((Get(root, "name") as YamlScalarNode)?.Value ?? Path.GetFileNameWithoutExtension(file),
            Int(input.Children[0], "height"), Int(input.Children[1], "width"), Int(input.Children[2], "channels"), classes, list);
        spec.Shapes(); // checks that the layers fit together
        return spec;
    }

    /// <summary>The (height, width, channels) after each layer; a layer that does not fit its input is an error naming it.</summary>
    public IReadOnlyList<(int H, int W, int C)> Shapes()
    {
        var shapes = new List<(int, int, int)>();
        var (h, w, c) = (Height, Width, Channels);
        foreach (var l in Layers)
        {
            switch (l.Kind)
            {
                case LayerKind.Conv2D:
                    if (l.Kernel > h || l.Kernel > w) throw new ModelFormatException($"layer '{l.Name}': a {l.Kernel}x{l.Kernel} kernel does not fit a {h}x{w} input");
                    (h, w, c) = (h - l.Kernel + 1, w - l.Kernel + 1, l.Filters);
                    break;
                case LayerKind.MaxPool2D:
                    if (h < l.Pool || w < l.Pool) throw new ModelFormatException($"layer '{l.Name}': pool {l.Pool} does not fit a {h}x{w} input");
                    (h, w) = (h / l.Pool, w / l.Pool);
                    break;
                case LayerKind.Flatten: (h, w, c) = (1, 1, h * w * c); break;
                case LayerKind.Dense:
                    if (h != 1 || w != 1) throw new ModelFormatException($"layer '{l.Name}': dense needs a flat input; add a flatten layer before it");
                    c = l.Units;
                    break;
            }
            shapes.Add((h, w, c));
        }
        if (shapes[^1].Item3 != Classes) throw new ModelFormatException($"the last layer gives {shapes[^1].Item3} values, but the network has {Classes} classes");
        return shapes;
    }
}

/// <summary>A malformed network description, weights file or dataset; the message names the file and the place.</summary>
public sealed class ModelFormatException(string message) : Exception(message);
