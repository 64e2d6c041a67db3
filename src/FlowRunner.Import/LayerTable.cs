using FlowRunner.Models.Network;

namespace FlowRunner.Import;

/// <summary>One row of the layer table `model import` prints: the layer, its kind, output shape, parameters and formats.</summary>
public sealed record LayerRow(string Name, string Kind, string Shape, int Parameters, string Formats);

/// <summary>The layer table of a network.</summary>
public static class LayerTable
{
    public static IReadOnlyList<LayerRow> Rows(NetworkSpec spec)
    {
        var rows = new List<LayerRow> { new("input", spec.InputLayout == "chw" ? "input (read channels first)" : "input", spec.Input.ToString(), 0, spec.Layers[0].InputFormat?.ToString() ?? "") };
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            var l = spec.Layers[i];
            var kind = l.Op?.Describe() ?? l.Kind switch
            {
                LayerKind.Conv2D => $"conv2d {l.Filters}x{l.Kernel}x{l.Kernel} /1 valid",
                LayerKind.Dense => $"dense {l.Units}",
                LayerKind.MaxPool2D => $"maxpool2d {l.Pool}",
                _ => l.TypeName,
            };
            var formats = new List<string>();
            if (l.WeightFormat is { } w) formats.Add($"w {w}");
            if (l.KeepAccumulator) formats.Add("out accumulator");
            else if (l.OutputFormat is { } o) formats.Add($"out {o}");
            rows.Add(new LayerRow(l.Name, kind, spec.Shapes[i].ToString(), spec.WeightCount(i) + spec.BiasCount(i), string.Join(", ", formats)));
        }
        return rows;
    }

    /// <summary>The table as aligned text, with the totals.</summary>
    public static string Text(NetworkSpec spec)
    {
        var rows = Rows(spec);
        string[] head = ["layer", "kind", "output", "params", "formats"];
        var cells = rows.Select(r => new[] { r.Name, r.Kind, r.Shape, r.Parameters.ToString(), r.Formats }).Prepend(head).ToList();
        var widths = Enumerable.Range(0, head.Length).Select(c => cells.Max(r => r[c].Length)).ToArray();
        var lines = cells.Select(r => string.Join("  ", r.Select((v, c) => c == 3 ? v.PadLeft(widths[c]) : v.PadRight(widths[c]))).TrimEnd());
        return string.Join('\n', lines) + $"\n{rows.Sum(r => r.Parameters)} parameters, {spec.MacCount} multiply-accumulates an inference\n";
    }
}
