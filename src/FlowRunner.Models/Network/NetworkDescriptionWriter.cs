using System.Globalization;
using System.Text;
using FlowRunner.Numerics.Formats;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FlowRunner.Models.Network;

/// <summary>One layer as a description writes it: its type, name and options in order (values: int, double, bool, string, int[],
/// FixedFormat).</summary>
public sealed record LayerDescription(string Type, string Name, IReadOnlyList<KeyValuePair<string, object>> Options);

/// <summary>Writes network descriptions (the YAML <see cref="NetworkSpecParser"/> reads), e.g. for imported models. Every string is quoted
/// by <see cref="Quote"/>, the one YAML quoting function.</summary>
public static class NetworkDescriptionWriter
{
    public static string Write(string name, IReadOnlyList<int> input, string inputLayout, IReadOnlyList<LayerDescription> layers, string? header = null)
    {
        var sb = new StringBuilder();
        if (header is not null)
            foreach (var line in header.Split('\n')) sb.Append("# ").Append(line).Append('\n');
        sb.Append("name: ").Append(Quote(name)).Append('\n');
        sb.Append("input: [").Append(string.Join(", ", input)).Append("]\n");
        if (inputLayout != "hwc") sb.Append("input_layout: ").Append(inputLayout).Append('\n');
        sb.Append("layers:\n");
        foreach (var l in layers)
        {
            sb.Append("  - { type: ").Append(l.Type).Append(", name: ").Append(Quote(l.Name));
            foreach (var (k, v) in l.Options) sb.Append(", ").Append(k).Append(": ").Append(Value(v));
            sb.Append(" }\n");
        }
        return sb.ToString();
    }

    private static string Value(object v) => v switch
    {
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        int[] a => "[" + string.Join(", ", a.Select(x => x.ToString(CultureInfo.InvariantCulture))) + "]",
        FixedFormat f => Quote(f.ToString()),
        string s => Quote(s),
        _ => throw new ArgumentException($"cannot write a {v.GetType().Name} option"),
    };

    /// <summary>The description <paramref name="source"/> with the formats of some layers replaced: per layer index, the format keys
    /// (`input_format`, `weight_format`, `accum_format`, `output_format`) to set; every other key and layer stays as written. The result is
    /// parsed back, so what comes out is a description <see cref="NetworkSpecParser"/> reads.</summary>
    public static string WithLayerFormats(string source, IReadOnlyDictionary<int, IReadOnlyList<KeyValuePair<string, FixedFormat>>> formats, string file)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(source));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var layers = (YamlSequenceNode)root.Children[new YamlScalarNode("layers")];
        foreach (var (index, keys) in formats)
        {
            var layer = (YamlMappingNode)layers.Children[index];
            foreach (var (key, format) in keys)
                layer.Children[new YamlScalarNode(key)] = new YamlScalarNode(format.ToString()) { Style = ScalarStyle.DoubleQuoted };
        }
        var text = new StringWriter();
        stream.Save(text, assignAnchors: false);
        var yaml = text.ToString().TrimEnd('.', '\n', '\r', ' ') + "\n";
        NetworkSpecParser.Parse(yaml, file);
        return yaml;
    }

    /// <summary>A YAML double-quoted scalar.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
            sb.Append(c switch { '"' => "\\\"", '\\' => "\\\\", '\n' => "\\n", '\t' => "\\t", < ' ' => $"\\x{(int)c:x2}", _ => c.ToString() });
        return sb.Append('"').ToString();
    }
}
