using System.Globalization;
using System.Text;
using FlowRunner.Numerics.Formats;

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

    /// <summary>A YAML double-quoted scalar.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
            sb.Append(c switch { '"' => "\\\"", '\\' => "\\\\", '\n' => "\\n", '\t' => "\\t", < ' ' => $"\\x{(int)c:x2}", _ => c.ToString() });
        return sb.Append('"').ToString();
    }
}
