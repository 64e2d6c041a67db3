namespace FlowRunner.Plots;

/// <summary>How FlowRunner's charts look and are written: one sans-serif font, readable sizes, and the SVG inlined without its XML
/// declaration (the report and the dashboard embed it in HTML).</summary>
public static class ChartSvg
{
    /// <summary>The font of every chart (Debian's DejaVu Sans, which SkiaSharp finds through fontconfig or falls back from).</summary>
    public const string Font = "DejaVu Sans";

    /// <summary>A plot with the house style: sans-serif text at readable sizes, light grid.</summary>
    public static ScottPlot.Plot NewPlot()
    {
        var plot = new ScottPlot.Plot();
        plot.Font.Set(Font);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 12;
        plot.Axes.Left.TickLabelStyle.FontSize = 12;
        plot.Axes.Bottom.Label.FontSize = 13;
        plot.Axes.Left.Label.FontSize = 13;
        return plot;
    }

    /// <summary>The plot as an SVG element with a class (for the page's style and tests), ready to inline.</summary>
    public static string Render(ScottPlot.Plot plot, int width, int height, string cssClass)
    {
        var svg = plot.GetSvgXml(width, height);
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        svg = start >= 0 ? svg[start..] : svg;
        return svg.Replace("<svg ", $"<svg class=\"{cssClass}\" viewBox=\"0 0 {width} {height}\" ", StringComparison.Ordinal);
    }
}
