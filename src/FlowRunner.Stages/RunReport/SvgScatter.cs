using System.Globalization;
using System.Net;
using System.Text;
using FlowRunner.Engine.Results;

namespace FlowRunner.Stages.RunReport;

/// <summary>The Pareto scatter written as plain SVG (no script, no network): accuracy in percent (the axis clamped to [0, 100]) against a cost,
/// ticks at 1-2-5 steps in numbers for people, the 2-D front as a staircase with its points labelled, points that are only on a wider
/// front ringed, and a constraint as a dashed line.</summary>
public static class SvgScatter
{
    /// <summary>Where a point stands: on the 2-D front drawn, only on a front of more goals (e.g. with area), or neither.</summary>
    public enum Standing { Other, Front, WiderFront }

    /// <summary>One marker: position (y a fraction, drawn in percent), size value, tooltip, short label (drawn beside front points) and standing.</summary>
    public sealed record Dot(double X, double Y, double Size, string Label, string Tag, Standing Standing, bool Best = false);

    /// <summary>A horizontal constraint line at a y value (a fraction), with its text.</summary>
    public sealed record Limit(double Y, string Text);

    public static string Render(IReadOnlyList<Dot> dots, string xTitle, string yTitle, string sizeTitle, Limit? limit = null, int width = 680, int height = 440)
    {
        const int left = 64, right = 24, top = 20, bottom = 76;
        var ok = dots.Where(d => double.IsFinite(d.X) && double.IsFinite(d.Y)).ToList();
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot scatter\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"white\"/>");
        if (ok.Count == 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"{height / 2}\" text-anchor=\"middle\">no points with {Esc(xTitle)} and {Esc(yTitle)}</text></svg>");
            return sb.ToString();
        }
        var ys = ok.Select(d => d.Y * 100).ToList();
        if (limit is not null) ys.Add(limit.Y * 100);
        var (y0, y1, yStep) = Axis(ys, 0, 100);
        var (x0, x1, xStep) = Axis(ok.Select(d => d.X).ToList(), ok.Min(d => d.X) >= 0 ? 0 : double.NegativeInfinity, double.PositiveInfinity);
        var sMax = ok.Select(d => d.Size).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        double Px(double x) => left + (x - x0) / (x1 - x0) * (width - left - right);
        double Py(double yPercent) => height - bottom - (yPercent - y0) / (y1 - y0) * (height - top - bottom);
        for (var v = x0; v <= x1 + xStep / 1e6; v += xStep)
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Px(v):F1}\" y1=\"{top}\" x2=\"{Px(v):F1}\" y2=\"{height - bottom + 4}\" stroke=\"#eee\"/><text x=\"{Px(v):F1}\" y=\"{height - bottom + 16}\" text-anchor=\"middle\">{Figures.Format(Math.Round(v / xStep) * xStep)}</text>");
        for (var v = y0; v <= y1 + yStep / 1e6; v += yStep)
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left - 4}\" y1=\"{Py(v):F1}\" x2=\"{width - right}\" y2=\"{Py(v):F1}\" stroke=\"#eee\"/><text x=\"{left - 6}\" y=\"{Py(v) + 4:F1}\" text-anchor=\"end\">{Figures.Format(Math.Round(v / yStep) * yStep)}%</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{top}\" width=\"{width - left - right}\" height=\"{height - top - bottom}\" fill=\"none\" stroke=\"#333\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{(left + width - right) / 2}\" y=\"{height - bottom + 34}\" text-anchor=\"middle\">{Esc(xTitle)}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(16,{(top + height - bottom) / 2}) rotate(-90)\" text-anchor=\"middle\">{Esc(yTitle)} (%)</text>");
        if (limit is not null)
            sb.Append(CultureInfo.InvariantCulture, $"<line class=\"limit\" x1=\"{left}\" y1=\"{Py(limit.Y * 100):F1}\" x2=\"{width - right}\" y2=\"{Py(limit.Y * 100):F1}\" stroke=\"#d62728\" stroke-dasharray=\"6 4\"/><text x=\"{width - right - 4}\" y=\"{Py(limit.Y * 100) - 4:F1}\" text-anchor=\"end\" fill=\"#d62728\">{Esc(limit.Text)}</text>");
        // The 2-D front as a staircase: from each front point (by rising cost) across to the next one's cost, then up to its accuracy.
        var front = ok.Where(d => d.Standing == Standing.Front).OrderBy(d => d.X).ToList();
        if (front.Count > 1)
        {
            var path = new StringBuilder().Append(CultureInfo.InvariantCulture, $"M{Px(front[0].X):F1},{Py(front[0].Y * 100):F1}");
            foreach (var d in front.Skip(1)) path.Append(CultureInfo.InvariantCulture, $" H{Px(d.X):F1} V{Py(d.Y * 100):F1}");
            sb.Append("<path class=\"front\" d=\"").Append(path).Append("\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\"/>");
        }
        foreach (var d in ok.OrderBy(d => d.Standing == Standing.Front ? 2 : d.Standing == Standing.WiderFront ? 1 : 0))
        {
            var r = 3 + 7 * Math.Sqrt(Math.Max(0, double.IsFinite(d.Size) ? d.Size : 0) / (sMax > 0 ? sMax : 1));
            var (fill, stroke, cls) = d.Best ? ("#d62728", "#222", "best") : d.Standing switch
            {
                Standing.Front => ("#1f77b4", "#222", "front"),
                Standing.WiderFront => ("none", "#1f77b4", "wider-front"),
                _ => ("#bbbbbb", "#666", "other"),
            };
            sb.Append(CultureInfo.InvariantCulture, $"<circle class=\"dot {cls}\" cx=\"{Px(d.X):F1}\" cy=\"{Py(d.Y * 100):F1}\" r=\"{r:F1}\" fill=\"{fill}\" fill-opacity=\"0.75\" stroke=\"{stroke}\" stroke-width=\"{(d.Standing == Standing.WiderFront ? 1.5 : 0.5)}\"><title>{Esc(d.Label)}: {Figures.Format(d.Y * 100)}%, {Figures.Format(d.X)} ({Esc(sizeTitle)} {Figures.Format(d.Size)})</title></circle>");
            if (d.Standing == Standing.Front || d.Best)
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Px(d.X) + r + 2:F1}\" y=\"{Py(d.Y * 100) - r:F1}\" font-size=\"10\">{Esc(d.Tag)}</text>");
        }
        var ly = height - 14;
        sb.Append(CultureInfo.InvariantCulture, $"<g class=\"legend\" font-size=\"10\"><circle cx=\"{left + 6}\" cy=\"{ly - 3}\" r=\"4\" fill=\"#1f77b4\"/><text x=\"{left + 14}\" y=\"{ly}\">2-D Pareto front (accuracy, cost)</text>")
            .Append(CultureInfo.InvariantCulture, $"<circle cx=\"{left + 206}\" cy=\"{ly - 3}\" r=\"4\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\"/><text x=\"{left + 214}\" y=\"{ly}\">front only with {Esc(sizeTitle)}</text>")
            .Append(CultureInfo.InvariantCulture, $"<circle cx=\"{left + 366}\" cy=\"{ly - 3}\" r=\"4\" fill=\"#d62728\"/><text x=\"{left + 374}\" y=\"{ly}\">best</text>")
            .Append(CultureInfo.InvariantCulture, $"<circle cx=\"{left + 416}\" cy=\"{ly - 3}\" r=\"4\" fill=\"#bbbbbb\"/><text x=\"{left + 424}\" y=\"{ly}\">other (size: {Esc(sizeTitle)})</text></g>");
        sb.Append("</svg>");
        return sb.ToString();
    }

    /// <summary>An axis range on 1-2-5 steps (about five ticks) that holds the values, kept within [min, max].</summary>
    internal static (double Lo, double Hi, double Step) Axis(IReadOnlyList<double> values, double min, double max)
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
        return (lo, hi, step);
    }

    private static string Esc(string s) => WebUtility.HtmlEncode(s);
}
