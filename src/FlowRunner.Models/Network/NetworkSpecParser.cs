using FlowRunner.Abstractions;
using System.Globalization;
using FlowRunner.Numerics.Formats;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FlowRunner.Models.Network;

/// <summary>Reads network descriptions (YAML). Errors name the file, line and column and the key at fault; unknown keys are errors so a typo
/// never silently changes the network.</summary>
public static class NetworkSpecParser
{
    public static readonly IReadOnlyList<string> TopKeys = ["name", "input", "classes", "format", "accum_format", "logits_format", "layers"];

    public static readonly IReadOnlyList<string> LayerKeys =
        ["type", "name", "kernel", "filters", "units", "bias", "pool", "stride", "padding", "weight_format", "input_format", "accum_format", "output_format"];

    private static readonly Dictionary<string, LayerKind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["conv2d"] = LayerKind.Conv2D, ["relu"] = LayerKind.ReLU, ["maxpool2d"] = LayerKind.MaxPool2D, ["flatten"] = LayerKind.Flatten,
        ["dense"] = LayerKind.Dense, ["softmax"] = LayerKind.Softmax,
    };

    public static NetworkSpec Load(string file)
    {
        if (!File.Exists(file)) throw new ModelFormatException($"{file}: network description not found");
        return Parse(File.ReadAllText(file), file);
    }

    public static NetworkSpec Parse(string text, string file)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlException e) { throw new ModelFormatException($"{file}:{e.Start.Line}:{e.Start.Column}: YAML syntax: {e.Message}"); }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ModelFormatException($"{file}: not a network description (a map with input, classes and layers)");
        var p = new Reader(file);
        p.CheckKeys(root, TopKeys, "top-level key");
        if (p.Get(root, "input") is not YamlSequenceNode input || input.Children.Count != 3)
            throw new ModelFormatException($"{p.At(p.Get(root, "input") ?? root)}: `input:` must be [height, width, channels]");
        var shape = new TensorShape(p.Int(input.Children[0], "input height"), p.Int(input.Children[1], "input width"), p.Int(input.Children[2], "input channels"));
        if (p.Get(root, "layers") is not YamlSequenceNode layers || layers.Children.Count == 0)
            throw new ModelFormatException($"{p.At(p.Get(root, "layers") ?? root)}: `layers:` must list the layers");
        var list = new List<LayerSpec>();
        foreach (var node in layers.Children) list.Add(p.Layer(node, list));
        var name = p.Text(root, "name") ?? Path.GetFileNameWithoutExtension(file);
        try
        {
            return new NetworkSpec(name, shape, p.Get(root, "classes") is { } c ? p.Int(c, "classes") : 0, list,
                p.Format(root, "format"), p.Format(root, "accum_format"), text, p.Logits(root));
        }
        catch (ModelFormatException e) when (!e.Message.StartsWith(file, StringComparison.Ordinal))
        {
            throw new ModelFormatException($"{file}: {e.Message}");
        }
    }

    private sealed class Reader(string file)
    {
        public string At(YamlNode n) => $"{file}:{n.Start.Line}:{n.Start.Column}";

        public YamlNode? Get(YamlMappingNode m, string key) => m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

        public string? Text(YamlMappingNode m, string key) => Get(m, key) switch
        {
            null => null,
            YamlScalarNode s => s.Value,
            var n => throw new ModelFormatException($"{At(n)}: `{key}` must be a single value"),
        };

        public void CheckKeys(YamlMappingNode m, IReadOnlyList<string> allowed, string what)
        {
            foreach (var k in m.Children.Keys)
                if (k is not YamlScalarNode { Value: { } v } || !allowed.Contains(v))
                    throw new ModelFormatException($"{At(k)}: unknown {what} '{FileExcerpt.Token((k as YamlScalarNode)?.Value ?? "")}' (keys: {string.Join(", ", allowed)})");
        }

        public int Int(YamlNode n, string what)
        {
            if (n is YamlScalarNode s && int.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v > 0) return v;
            throw new ModelFormatException($"{At(n)}: {what} must be a positive integer, got '{(n as YamlScalarNode)?.Value}'");
        }

        public FixedFormat? Format(YamlMappingNode m, string key)
        {
            if (Get(m, key) is not { } n) return null;
            if (n is not YamlScalarNode s) throw new ModelFormatException($"{At(n)}: `{key}` must be a format such as \"ac_fixed<8,4,true,AC_RND,AC_SAT>\" or \"8.4 rnd sat\"");
            try { return FixedFormat.Parse(s.Value ?? ""); }
            catch (FixedFormatException e) { throw new ModelFormatException($"{At(s)}: {key}: {e.Message}"); }
        }

        public LogitsFormat? Logits(YamlMappingNode m)
        {
            if (Get(m, "logits_format") is not YamlScalarNode { Value: { } v } s) return null;
            try { return LogitsFormat.Parse(v); }
            catch (FixedFormatException e) { throw new ModelFormatException($"{At(s)}: logits_format: {e.Message} (or \"accumulator\")"); }
        }

        private int Required(YamlMappingNode m, string key, string type) =>
            Get(m, key) is { } n ? Int(n, key) : throw new ModelFormatException($"{At(m)}: {type} needs `{key}:`");

        public LayerSpec Layer(YamlNode node, IReadOnlyList<LayerSpec> before)
        {
            if (node is not YamlMappingNode m) throw new ModelFormatException($"{At(node)}: each layer is a map with `type:`");
            CheckKeys(m, LayerKeys, "layer key");
            var type = Text(m, "type") ?? throw new ModelFormatException($"{At(m)}: the layer needs `type:`");
            if (!Kinds.TryGetValue(type, out var kind))
                throw new ModelFormatException($"{At(m)}: unsupported layer type '{type}' ({string.Join(", ", Kinds.Keys)})");
            if (Get(m, "stride") is { } stride && Int(stride, "stride") != 1)
                throw new ModelFormatException($"{At(stride)}: only stride 1 is supported (max-pooling strides by its pool size)");
            if (Text(m, "padding") is { } pad && !pad.Equals("valid", StringComparison.OrdinalIgnoreCase))
                throw new ModelFormatException($"{At(Get(m, "padding")!)}: only `padding: valid` is supported, got '{pad}'");
            var bias = Text(m, "bias") switch
            {
                null or "false" => false,
                "true" => true,
                var b => throw new ModelFormatException($"{At(Get(m, "bias")!)}: bias must be true or false, got '{b}'"),
            };
            if (bias && kind is not (LayerKind.Conv2D or LayerKind.Dense)) throw new ModelFormatException($"{At(m)}: only conv2d and dense layers have a bias");
            var lower = type.ToLowerInvariant();
            var name = Text(m, "name") ?? $"{lower}{before.Count(l => l.Kind == kind) + 1}";
            if (before.Any(l => l.Name == name)) throw new ModelFormatException($"{At(m)}: a layer named '{name}' already exists");
            return new LayerSpec(kind, name,
                Kernel: kind == LayerKind.Conv2D ? Required(m, "kernel", lower) : 0,
                Filters: kind == LayerKind.Conv2D ? Required(m, "filters", lower) : 0,
                Units: kind == LayerKind.Dense ? Required(m, "units", lower) : 0,
                Bias: bias,
                Pool: kind == LayerKind.MaxPool2D && Get(m, "pool") is { } pool ? Int(pool, "pool") : 2)
            {
                WeightFormat = Format(m, "weight_format"), InputFormat = Format(m, "input_format"),
                AccumFormat = Format(m, "accum_format"), OutputFormat = Format(m, "output_format"),
            };
        }
    }
}
