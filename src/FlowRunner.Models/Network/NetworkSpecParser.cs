using System.Globalization;
using FlowRunner.Models.Layers;
using FlowRunner.Numerics.Formats;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FlowRunner.Models.Network;

/// <summary>Reads network descriptions (YAML). Errors name the file, line and column and the key at fault; unknown keys are errors so a typo
/// never silently changes the network.</summary>
public static class NetworkSpecParser
{
    public static readonly IReadOnlyList<string> TopKeys = ["name", "input", "input_layout", "classes", "format", "accum_format", "logits_format", "layers"];

    public static readonly IReadOnlyList<string> LayerKeys =
        ["type", "name", "kernel", "filters", "units", "bias", "pool", "stride", "padding", "weight_format", "input_format", "accum_format", "output_format",
         "alpha", "max", "shape", "order", "scale"];

    private static readonly Dictionary<string, LayerKind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["conv2d"] = LayerKind.Conv2D, ["relu"] = LayerKind.ReLU, ["maxpool2d"] = LayerKind.MaxPool2D, ["flatten"] = LayerKind.Flatten,
        ["dense"] = LayerKind.Dense, ["softmax"] = LayerKind.Softmax,
    };

    /// <summary>Every `type:` a description may use.</summary>
    public static IEnumerable<string> TypeNames => Kinds.Keys.Concat(LayerOps.Types);

    public static NetworkSpec Load(string file)
    {
        if (!File.Exists(file)) throw new ModelFormatException($"{file}: network description not found");
        return Parse(File.ReadAllText(file), file);
    }

    /// <summary>Parses a description. Every error found is reported: the exception's <see cref="ModelFormatException.Errors"/> lists each
    /// one (unknown keys, each layer's first problem, bad formats) with file, line and column; the shape checks run once the layers read.</summary>
    public static NetworkSpec Parse(string text, string file)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlException e) { throw new ModelFormatException($"{file}:{e.Start.Line}:{e.Start.Column}: YAML syntax: {e.Message}"); }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ModelFormatException($"{file}: not a network description (a map with input, classes and layers)");
        var p = new Reader(file);
        p.CheckKeys(root, TopKeys, "top-level key");
        var shape = p.Try(() =>
        {
            if (p.Get(root, "input") is not YamlSequenceNode input || input.Children.Count is < 1 or > 3)
                throw new ModelFormatException($"{p.At(p.Get(root, "input") ?? root)}: `input:` must be [height, width, channels], [steps, channels] or [features]");
            var dims = input.Children.Select((n, k) => p.Int(n, "input dimension")).ToArray();
            return dims.Length switch { 1 => new TensorShape(1, 1, dims[0]), 2 => new TensorShape(1, dims[0], dims[1]), _ => new TensorShape(dims[0], dims[1], dims[2]) };
        });
        var layout = p.Try(() =>
        {
            var l = p.Text(root, "input_layout") ?? "hwc";
            return l is "hwc" or "chw" ? l : throw new ModelFormatException($"{p.At(p.Get(root, "input_layout")!)}: input_layout must be hwc or chw, got '{l}'");
        });
        var name = p.Try(() => p.Text(root, "name")) ?? Path.GetFileNameWithoutExtension(file);
        var classes = p.Try(() => p.Get(root, "classes") is { } c ? p.Int(c, "classes") : 0);
        var format = p.Try(() => p.Format(root, "format"));
        var accum = p.Try(() => p.Format(root, "accum_format"));
        var logits = p.Try(() => p.Logits(root));
        var list = new List<LayerSpec>();
        if (p.Get(root, "layers") is not YamlSequenceNode layers || layers.Children.Count == 0)
            p.Errors.Add($"{p.At(p.Get(root, "layers") ?? root)}: `layers:` must list the layers");
        else
            foreach (var node in layers.Children)
                if (p.Try(() => p.Layer(node, list)) is { } layer) list.Add(layer);
        if (p.Errors.Count > 0) throw new ModelFormatException(p.Errors);
        try
        {
            return new NetworkSpec(name, shape!, classes, list, format, accum, text, logits) { InputLayout = layout! };
        }
        catch (ModelFormatException e) when (!e.Message.StartsWith(file, StringComparison.Ordinal))
        {
            throw new ModelFormatException($"{file}: {e.Message}");
        }
    }

    private sealed class Reader(string file)
    {
        public string At(YamlNode n) => $"{file}:{n.Start.Line}:{n.Start.Column}";

        /// <summary>Every error found so far, in file order of the checks.</summary>
        public List<string> Errors { get; } = [];

        /// <summary>Runs one independent check; its error is kept and the parse goes on (default value).</summary>
        public T? Try<T>(Func<T> read)
        {
            try { return read(); }
            catch (ModelFormatException e)
            {
                Errors.Add(e.Message);
                return default;
            }
        }

        /// <summary>An unknown key is quoted only when it looks like a key (a short plain name): the description may be any file named by
        /// mistake (/etc/shadow), and its lines are never printed; the place is in the message already.</summary>
        private static string UnknownKey(string what, string? key) =>
            key is { Length: > 0 and <= 32 } && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? $"unknown {what} '{key}'" : $"unknown {what}";

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
                    Errors.Add($"{At(k)}: {UnknownKey(what, (k as YamlScalarNode)?.Value)} (keys: {string.Join(", ", allowed)})");
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
            var lower = type.ToLowerInvariant();
            var options = new LayerOptions(this, m);
            LayerOp? op;
            try { op = Kinds.ContainsKey(lower) || LayerOps.Types.Contains(lower) ? LayerOps.Parse(lower, options) : null; }
            catch (ModelFormatException e) when (!e.Message.StartsWith(file, StringComparison.Ordinal)) { throw new ModelFormatException($"{At(m)}: {e.Message}"); }
            if (op is null && !Kinds.TryGetValue(type, out _))
                throw new ModelFormatException($"{At(m)}: unsupported layer type '{type}' ({string.Join(", ", TypeNames)})");
            var kind = op is null ? Kinds[type] : LayerKind.Extended;
            if (op is null && Get(m, "stride") is { } stride && Int(stride, "stride") != 1)
                throw new ModelFormatException($"{At(stride)}: only stride 1 is supported (max-pooling strides by its pool size)");
            var bias = Text(m, "bias") switch
            {
                null or "false" => false,
                "true" => true,
                var b => throw new ModelFormatException($"{At(Get(m, "bias")!)}: bias must be true or false, got '{b}'"),
            };
            if (bias && !(kind is LayerKind.Conv2D or LayerKind.Dense || op is { HasWeights: true })) throw new ModelFormatException($"{At(m)}: only layers with weights have a bias");
            var name = Text(m, "name") ?? $"{lower}{before.Count(l => l.TypeName == (op?.Type ?? lower)) + 1}";
            if (before.Any(l => l.Name == name)) throw new ModelFormatException($"{At(m)}: a layer named '{name}' already exists");
            var keep = Text(m, "output_format") is { } of && of.Trim().Equals(LogitsFormat.AccumulatorKeyword, StringComparison.OrdinalIgnoreCase);
            if (keep && !(kind is LayerKind.Conv2D or LayerKind.Dense || op is { HasWeights: true }))
                throw new ModelFormatException($"{At(Get(m, "output_format")!)}: only layers with weights have an accumulator to keep");
            return new LayerSpec(kind, name,
                Kernel: kind == LayerKind.Conv2D ? Required(m, "kernel", lower) : 0,
                Filters: kind == LayerKind.Conv2D ? Required(m, "filters", lower) : 0,
                Units: kind == LayerKind.Dense ? Required(m, "units", lower) : 0,
                Bias: bias,
                Pool: kind == LayerKind.MaxPool2D && Get(m, "pool") is { } pool ? Int(pool, "pool") : 2)
            {
                WeightFormat = Try(() => Format(m, "weight_format")), InputFormat = Try(() => Format(m, "input_format")),
                AccumFormat = Try(() => Format(m, "accum_format")), OutputFormat = keep ? null : Try(() => Format(m, "output_format")),
                KeepAccumulator = keep, Op = op,
            };
        }
    }

    /// <summary>One layer's map as <see cref="LayerOps"/> reads it.</summary>
    private sealed class LayerOptions(Reader r, YamlMappingNode m) : ILayerOptions
    {
        public bool Has(string key) => r.Get(m, key) is not null;

        public int? Int(string key) => r.Get(m, key) is { } n ? r.Int(n, key) : null;

        public int[]? Ints(string key, int count)
        {
            switch (r.Get(m, key))
            {
                case null: return null;
                case YamlScalarNode s: var v = r.Int(s, key); return Enumerable.Repeat(v, count).ToArray();
                case YamlSequenceNode q when q.Children.Count == count: return q.Children.Select(c => r.Int(c, key)).ToArray();
                case var n: throw new ModelFormatException($"{r.At(n)}: `{key}` must be an integer or a list of {count}");
            }
        }

        public int[]? Counts(string key, int count)
        {
            if (r.Get(m, key) is not { } n) return null;
            if (n is YamlSequenceNode q && q.Children.Count == count && q.Children.All(c => c is YamlScalarNode { Value: { } t } && int.TryParse(t, out var k) && k >= 0))
                return q.Children.Select(c => int.Parse(((YamlScalarNode)c).Value!, CultureInfo.InvariantCulture)).ToArray();
            throw new ModelFormatException($"{r.At(n)}: `{key}` must be valid, same or a list of {count} non-negative integers");
        }

        public double? Number(string key)
        {
            if (r.Get(m, key) is not { } n) return null;
            if (n is YamlScalarNode { Value: { } t } && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)) return v;
            throw new ModelFormatException($"{r.At(n)}: `{key}` must be a number");
        }

        public string? Text(string key) => r.Get(m, key) is YamlScalarNode s ? s.Value : null;

        public ModelFormatException Error(string key, string message) => new($"{r.At(r.Get(m, key) ?? m)}: {message}");
    }
}
