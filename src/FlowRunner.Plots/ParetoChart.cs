using ScottPlot;

namespace FlowRunner.Plots;

/// <summary>The Pareto scatter of a sweep: accuracy in percent (the axis clamped to [0, 100]) against a cost, ticks on 1-2-5 steps in numbers
/// for people, the 2-D front as a staircase with its points labelled, points only on a front of more goals ringed, the best point in red,
/// and a constraint as a dashed line.</summary>
public static class ParetoChart
{
    /// <summary>Where a point stands: on the 2-D front drawn, only on a front of more goals (e.g. with area), or neither.</summary>
    public enum Standing { Other, Front, WiderFront }

    /// <summary>One marker: cost, accuracy (a fraction, drawn in percent), size value, short label (drawn beside front points), standing.</summary>
    public sealed record Dot(double X, double Y, double Size, string Tag, Standing Standing, bool Best = false);

    /// <summary>A horizontal constraint line at a y value (a fraction), with its text.</summary>
    public sealed record Limit(double Y, string Text);

    private static readonly Color FrontColor = Color.FromHex("#1f77b4"), BestColor = Color.FromHex("#d62728"), OtherColor = Color.FromHex("#aaaaaa");

    public static string Svg(IReadOnlyList<Dot> dots, string xTitle, string yTitle, string sizeTitle, Limit? limit, Func<double, string> format,
        int width = 720, int height = 460)
    {
        var plot = ChartSvg.NewPlot();
        var ok = dots.Where(d => double.IsFinite(d.X) && double.IsFinite(d.Y)).ToList();
        plot.XLabel(xTitle);
        plot.YLabel($"{yTitle} (%)");
        if (ok.Count == 0) return ChartSvg.Render(plot, width, height, "plot scatter");

        var ys = ok.Select(d => d.Y * 100).ToList();
        if (limit is not null) ys.Add(limit.Y * 100);
        var yAxis = NiceAxis.Of(ys, 0, 100);
        var xAxis = NiceAxis.Of(ok.Select(d => d.X).ToList(), ok.Min(d => d.X) >= 0 ? 0 : double.NegativeInfinity, double.PositiveInfinity);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(yAxis.Ticks.ToArray(), yAxis.Ticks.Select(t => format(t) + "%").ToArray());
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(xAxis.Ticks.ToArray(), xAxis.Ticks.Select(format).ToArray());
        plot.Axes.SetLimits(xAxis.Lo, xAxis.Hi, yAxis.Lo, yAxis.Hi);

        if (limit is not null)
        {
            var line = plot.Add.HorizontalLine(limit.Y * 100, 1.5f, BestColor, LinePattern.Dashed);
            line.LegendText = limit.Text;
        }
        // The 2-D front as a staircase: from each front point (by rising cost) across to the next one's cost, then up to its accuracy.
        var front = ok.Where(d => d.Standing == Standing.Front).OrderBy(d => d.X).ToList();
        if (front.Count > 1)
        {
            var stairs = plot.Add.Scatter(front.Select(d => d.X).ToArray(), front.Select(d => d.Y * 100).ToArray(), FrontColor);
            stairs.ConnectStyle = ConnectStyle.StepHorizontal;
            stairs.MarkerSize = 0;
            stairs.LineWidth = 1.5f;
        }
        var sMax = ok.Select(d => d.Size).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        var legends = new HashSet<string>();
        // Front points sit close together near the top: their labels go right of the marker, every other one lower, so neighbours do not overlap.
        // A label that would sit on the previous one (within 4% of both axes) is left out; the best point's is always drawn.
        var labelled = new List<Dot>();
        foreach (var d in ok.Where(d => d.Standing == Standing.Front || d.Best).OrderBy(d => d.Best ? 0 : 1).ThenBy(d => d.X))
            if (d.Best || !labelled.Any(l => Math.Abs(l.X - d.X) < 0.04 * (xAxis.Hi - xAxis.Lo) && Math.Abs(l.Y - d.Y) * 100 < 0.04 * (yAxis.Hi - yAxis.Lo)))
                labelled.Add(d);
        labelled = labelled.OrderBy(d => d.X).ToList();
        foreach (var d in ok.OrderBy(d => d.Best ? 3 : d.Standing == Standing.Front ? 2 : d.Standing == Standing.WiderFront ? 1 : 0))
        {
            var size = (float)(6 + 14 * Math.Sqrt(Math.Max(0, double.IsFinite(d.Size) ? d.Size : 0) / (sMax > 0 ? sMax : 1)));
            var (shape, color, legend) = d.Best ? (MarkerShape.FilledCircle, BestColor, "best")
                : d.Standing switch
                {
                    Standing.Front => (MarkerShape.FilledCircle, FrontColor, $"2-D Pareto front ({yTitle}, cost)"),
                    Standing.WiderFront => (MarkerShape.OpenCircle, FrontColor, $"front only with {sizeTitle}"),
                    _ => (MarkerShape.FilledCircle, OtherColor, $"other (size: {sizeTitle})"),
                };
            var m = plot.Add.Marker(d.X, d.Y * 100, shape, size, d.Standing == Standing.Other && !d.Best ? OtherColor.WithAlpha(0.8) : color);
            if (shape == MarkerShape.OpenCircle) m.MarkerStyle.LineWidth = 1.5f;
            if (legends.Add(legend)) m.LegendText = legend;
            if (labelled.Contains(d))
            {
                var label = plot.Add.Text(d.Tag, d.X, d.Y * 100);
                label.LabelFontSize = 11;
                var lower = labelled.IndexOf(d) % 2 == 1;
                label.LabelAlignment = lower ? Alignment.UpperLeft : Alignment.MiddleLeft;
                label.OffsetX = size / 2 + 3;
                label.OffsetY = lower ? size / 2 : 0;
            }
        }
        // Below the axes, where it hides no point.
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Horizontal;
        return ChartSvg.Render(plot, width, height, "plot scatter");
    }
}

/// <summary>An axis range on 1-2-5 steps (about five ticks) that holds the values, kept within [min, max], and its ticks.</summary>
public sealed record NiceAxis(double Lo, double Hi, double Step)
{
    public IEnumerable<double> Ticks
    {
        get
        {
            for (var v = Lo; v <= Hi + Step / 1e6; v += Step) yield return Math.Round(v / Step) * Step;
        }
    }

    public static NiceAxis Of(IReadOnlyList<double> values, double min, double max)
    {
        double lo = values.Min(), hi = values.Max();
        if (hi - lo < 1e-12) { var w = Math.Abs(lo) * 0.1 + 1e-9; lo -= w; hi += w; }
        var pad = (hi - lo) * 0.05;
        lo = Math.Max(min, lo - pad);
        hi = Math.Min(max, hi + pad);
        var raw = (hi - lo) / 5;
        var p = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1.0, 2, 5, 10 }.Select(m => m * p).First(s => s >= raw);
        lo = Math.Max(min, Math.Floor(lo / step) * step);
        hi = Math.Min(max, Math.Ceiling(hi / step) * step);
        return new NiceAxis(lo, hi, step);
    }
}
