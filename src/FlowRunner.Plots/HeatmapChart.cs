using ScottPlot;

namespace FlowRunner.Plots;

/// <summary>A heat-map of panels side by side on shared rows and columns (an accuracy sweep: one panel per method and overflow mode, integer
/// bits down, fractional bits across), each cell coloured from red (the low value) to green (the high one) with its value written in it,
/// and grey with a dash where no value exists.</summary>
public static class HeatmapChart
{
    /// <summary>One panel: its title and a value per row and column (null where the point was not run).</summary>
    public sealed record Panel(string Title, double?[,] Values);

    private const int CellPx = 36;
    private static readonly Color Missing = Color.FromHex("#e8e8e8");

    /// <summary>The panels as one SVG. Rows are drawn top to bottom in the order given; <paramref name="format"/> writes a cell's value;
    /// <paramref name="low"/> and <paramref name="high"/> are the values drawn red and green.</summary>
    public static string Svg(IReadOnlyList<Panel> panels, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels, string rowTitle,
        string columnTitle, string title, double low, double high, Func<double, string> format)
    {
        int rows = rowLabels.Count, cols = columnLabels.Count, stride = cols + 1;
        var plot = ChartSvg.NewPlot();
        plot.Title(title, 13);
        plot.XLabel(columnTitle);
        plot.YLabel(rowTitle);
        plot.HideGrid();
        var xTicks = new List<double>();
        var xLabels = new List<string>();
        for (var m = 0; m < panels.Count; m++)
        {
            var p = panels[m];
            if (p.Values.GetLength(0) != rows || p.Values.GetLength(1) != cols)
                throw new ArgumentException($"panel '{p.Title}' has {p.Values.GetLength(0)} x {p.Values.GetLength(1)} values for {rows} x {cols} labels");
            var x0 = m * stride;
            for (var ci = 0; ci < cols; ci++) { xTicks.Add(x0 + ci + 0.5); xLabels.Add(columnLabels[ci]); }
            var heading = plot.Add.Text(p.Title, x0 + cols / 2.0, rows + 0.15);
            heading.LabelFontSize = 12;
            heading.LabelAlignment = Alignment.LowerCenter;
            for (var ri = 0; ri < rows; ri++)
                for (var ci = 0; ci < cols; ci++)
                {
                    var v = p.Values[ri, ci];
                    var has = v is { } d && double.IsFinite(d);
                    var t = has ? Math.Clamp((v!.Value - low) / Math.Max(1e-9, high - low), 0, 1) : 0;
                    double left = x0 + ci, bottom = rows - 1 - ri;
                    var cell = plot.Add.Rectangle(left + 0.02, left + 0.98, bottom + 0.02, bottom + 0.98);
                    cell.FillColor = has ? Colour(t) : Missing;
                    cell.LineWidth = 0;
                    var text = plot.Add.Text(has ? format(v!.Value) : "–", left + 0.5, bottom + 0.5);
                    text.LabelFontSize = 11;
                    text.LabelAlignment = Alignment.MiddleCenter;
                    text.LabelFontColor = has && t > 0.35 && t < 0.8 ? Colors.Black : has ? Colors.White : Colors.Gray;
                }
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(xTicks.ToArray(), xLabels.ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, rows).Select(ri => rows - 1 - ri + 0.5).ToArray(), rowLabels.ToArray());
        plot.Axes.SetLimits(-0.2, Math.Max(1, panels.Count * stride - 0.8), -0.1, rows + 0.9);
        var width = Math.Max(420, 110 + panels.Count * stride * CellPx);
        var height = 150 + rows * CellPx;
        return ChartSvg.Render(plot, width, height, "plot heatmap");
    }

    /// <summary>Red (t = 0) through amber to green (t = 1).</summary>
    private static Color Colour(double t)
    {
        var red = (int)Math.Round(t < 0.5 ? 200 : 200 - (t - 0.5) * 2 * 160);
        var green = (int)Math.Round(t < 0.5 ? 40 + t * 2 * 150 : 190 - (t - 0.5) * 2 * 40);
        return new Color((byte)red, (byte)green, (byte)50);
    }
}
