namespace FlowRunner.Plots;

/// <summary>A metric across runs (the nightly regression view): one series a design point, x the run in time order, markers joined by lines.</summary>
public static class TrendChart
{
    /// <summary>One design point's values, one per run it has the metric in (x: the run's index in <c>runs</c>).</summary>
    public sealed record Series(string Name, IReadOnlyList<(int Run, double Value)> Values);

    /// <summary>Draws the series over the runs (tick labels: the run ids), y ticks through <paramref name="format"/> (numbers for people).</summary>
    public static string Svg(string metric, string unit, IReadOnlyList<string> runs, IReadOnlyList<Series> series, Func<double, string> format,
        int width = 760, int height = 380)
    {
        var plot = ChartSvg.NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < series.Count; i++)
        {
            var s = series[i];
            var line = plot.Add.Scatter(s.Values.Select(v => (double)v.Run).ToArray(), s.Values.Select(v => v.Value).ToArray(), palette.GetColor(i));
            line.MarkerSize = 7;
            line.LineWidth = 1.5f;
            line.LegendText = s.Name;
        }
        var positions = Enumerable.Range(0, runs.Count).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, runs.ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = format };
        plot.XLabel("run");
        plot.YLabel(unit.Length > 0 ? $"{metric} ({unit})" : metric);
        if (runs.Count > 0) plot.Axes.SetLimitsX(-0.5, runs.Count - 0.5);
        // One series needs no legend; its markers are then the only circles of the chart.
        // Beside the axes, where it hides no line.
        if (series.Count > 1) plot.ShowLegend(ScottPlot.Edge.Right);
        else plot.HideLegend();
        return ChartSvg.Render(plot, width, height, "plot trend");
    }
}
