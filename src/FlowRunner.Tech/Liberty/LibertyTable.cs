using FlowRunner.Abstractions;
using System.Globalization;

namespace FlowRunner.Tech.Liberty;

/// <summary>A lookup table (`cell_rise (template) { index_1 (...); index_2 (...); values (...); }`), with bilinear lookup.</summary>
public sealed class LibertyTable
{
    public LibertyTable(string template, IReadOnlyList<double> index1, IReadOnlyList<double> index2, double[,] values)
    {
        Template = template;
        Index1 = index1;
        Index2 = index2;
        Values = values;
    }

    /// <summary>Name of the lu_table_template, or "scalar" for a single value.</summary>
    public string Template { get; }
    public IReadOnlyList<double> Index1 { get; }
    public IReadOnlyList<double> Index2 { get; }

    /// <summary>Values[i, j] belongs to Index1[i] and Index2[j]; a one-index table has one column.</summary>
    public double[,] Values { get; }

    /// <summary>What the first and second index mean (from the library's template), e.g. input_net_transition.</summary>
    public string? Variable1 { get; init; }
    public string? Variable2 { get; init; }

    public static LibertyTable Scalar(double value) => new("scalar", [], [], new[,] { { value } });

    /// <summary>The value at (x1, x2), interpolated bilinearly inside the table and extrapolated linearly outside, as timers do.</summary>
    public double Lookup(double x1, double x2 = 0)
    {
        var (i, fi) = Segment(Index1, x1);
        var (j, fj) = Segment(Index2, x2);
        double At(int a, int b) => Values[Math.Min(a, Values.GetLength(0) - 1), Math.Min(b, Values.GetLength(1) - 1)];
        var v0 = At(i, j) + (At(i, j + 1) - At(i, j)) * fj;
        var v1 = At(i + 1, j) + (At(i + 1, j + 1) - At(i + 1, j)) * fj;
        return v0 + (v1 - v0) * fi;
    }

    private static (int, double) Segment(IReadOnlyList<double> index, double x)
    {
        if (index.Count < 2) return (0, 0);
        var k = 0;
        while (k < index.Count - 2 && x > index[k + 1]) k++;
        var span = index[k + 1] - index[k];
        return (k, span == 0 ? 0 : (x - index[k]) / span);
    }

    internal static LibertyTable From(LibertyGroup g, LibertyGroup library, string file)
    {
        var template = g.Name.Length == 0 ? "scalar" : g.Name;
        var t = library.GroupsOf("lu_table_template").Concat(library.GroupsOf("power_lut_template")).FirstOrDefault(x => x.Name == template);
        var index1 = Numbers(g, "index_1", file) ?? (t is null ? null : Numbers(t, "index_1", file)) ?? [];
        var index2 = Numbers(g, "index_2", file) ?? (t is null ? null : Numbers(t, "index_2", file)) ?? [];
        var values = g.Attribute("values") ?? throw new LibertyFormatException(file, g.Line, $"table '{g.Type} ({template})' has no values");
        var rows = values.Values.Select(v => ParseNumbers(v.Text, file, values.Line)).ToList();
        // A one-index table is written as one row; store it as a column so Values[i, 0] follows index_1.
        if (rows.Count == 1 && index2.Count == 0 && rows[0].Count > 1) rows = rows[0].Select(x => new List<double> { x }).ToList();
        var width = rows.Max(r => r.Count);
        if (rows.Any(r => r.Count != width))
            throw new LibertyFormatException(file, values.Line, $"table '{g.Type}' has rows of different lengths");
        if (index1.Count > 0 && rows.Count != index1.Count || index2.Count > 0 && width != index2.Count)
            throw new LibertyFormatException(file, values.Line,
                $"table '{g.Type}' has {rows.Count}x{width} values but its indices have {index1.Count}x{index2.Count} points");
        var grid = new double[rows.Count, width];
        for (var i = 0; i < rows.Count; i++)
            for (var j = 0; j < width; j++) grid[i, j] = rows[i][j];
        return new LibertyTable(template, index1, index2, grid)
        {
            Variable1 = t?.Text("variable_1"),
            Variable2 = t?.Text("variable_2"),
        };
    }

    private static List<double>? Numbers(LibertyGroup g, string name, string file) =>
        g.Attribute(name) is { } a ? ParseNumbers(string.Join(",", a.Values.Select(v => v.Text)), file, a.Line) : null;

    private static List<double> ParseNumbers(string text, string file, int line) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? v : throw new LibertyFormatException(file, line, $"'{FileExcerpt.Token(s)}' is not a number"))
            .ToList();

    /// <summary>The table as a Liberty group, for writers.</summary>
    public LibertyGroup ToGroup(string type)
    {
        var g = new LibertyGroup(type, Template);
        if (Index1.Count > 0) g.SetComplex("index_1", LibertyValue.List(Index1));
        if (Index2.Count > 0) g.SetComplex("index_2", LibertyValue.List(Index2));
        var rows = Enumerable.Range(0, Values.GetLength(0))
            .Select(i => LibertyValue.List(Enumerable.Range(0, Values.GetLength(1)).Select(j => Values[i, j])));
        if (Index2.Count == 0)
            rows = [LibertyValue.List(Enumerable.Range(0, Values.GetLength(0)).Select(i => Values[i, 0]))];
        g.SetComplex("values", [.. rows]);
        return g;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Template} {Values.GetLength(0)}x{Values.GetLength(1)}");
}
