using System.Globalization;
using System.Net;
using System.Text;

namespace FlowRunner.Stages.RunReport;

/// <summary>A scatter plot written as plain SVG (no script, no network): labelled axes with ticks, marker size from a third value, highlighted points.</summary>
public static class SvgScatter
{
    /// <summary>One marker: position, size value, label (tooltip) and whether it is on the highlighted set (e.g. the Pareto front).</summary>
    public sealed record Dot(double X, double Y, double Size, string Label, bool Highlight, bool Best = false);

    public static string Render(IReadOnlyList<Dot> dots, string xTitle, string yTitle, string sizeTitle, int width = 640, int height = 420)
    {
        const int left = 70, right = 20, top = 20, bottom = 55;
        var ok = dots.Where(d => double.IsFinite(d.X) && double.IsFinite(d.Y)).ToList();
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot scatter\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"white\"/>");
        if (ok.Count == 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"{height / 2}\" text-anchor=\"middle\">no points with {Esc(xTitle)} and {Esc(yTitle)}</text></svg>");
            return sb.ToString();
        }
        var (x0, x1) = Range(ok.Select(d => d.X));
        var (y0, y1) = Range(ok.Select(d => d.Y));
        var sMax = ok.Select(d => d.Size).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        double Px(double x) => left + (x - x0) / (x1 - x0) * (width - left - right);
        double Py(double y) => height - bottom - (y - y0) / (y1 - y0) * (height - top - bottom);
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - right}\" y2=\"{height - bottom}\" stroke=\"#333\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{height - bottom}\" stroke=\"#333\"/>");
        for (var i = 0; i <= 5; i++)
        {
            var xv = x0 + (x1 - x0) * i / 5;
            var yv = y0 + (y1 - y0) * i / 5;
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Px(xv):F1}\" y1=\"{height - bottom}\" x2=\"{Px(xv):F1}\" y2=\"{height - bottom + 4}\" stroke=\"#333\"/><text x=\"{Px(xv):F1}\" y=\"{height - bottom + 16}\" text-anchor=\"middle\">{Tick(xv)}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left - 4}\" y1=\"{Py(yv):F1}\" x2=\"{left}\" y2=\"{Py(yv):F1}\" stroke=\"#333\"/><text x=\"{left - 6}\" y=\"{Py(yv) + 4:F1}\" text-anchor=\"end\">{Tick(yv)}</text>");
        }
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{(left + width - right) / 2}\" y=\"{height - 12}\" text-anchor=\"middle\">{Esc(xTitle)}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(16,{(top + height - bottom) / 2}) rotate(-90)\" text-anchor=\"middle\">{Esc(yTitle)}</text>");
        foreach (var d in ok.OrderBy(d => d.Highlight))
        {
            var r = 3 + 9 * Math.Sqrt(Math.Max(0, double.IsFinite(d.Size) ? d.Size : 0) / (sMax > 0 ? sMax : 1));
            var fill = d.Best ? "#d62728" : d.Highlight ? "#1f77b4" : "#aaaaaa";
            sb.Append(CultureInfo.InvariantCulture, $"<circle class=\"dot\" cx=\"{Px(d.X):F1}\" cy=\"{Py(d.Y):F1}\" r=\"{r:F1}\" fill=\"{fill}\" fill-opacity=\"0.7\" stroke=\"#222\" stroke-width=\"0.5\"><title>{Esc(d.Label)} ({Esc(sizeTitle)} {d.Size:G4})</title></circle>");
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static (double, double) Range(IEnumerable<double> values)
    {
        var v = values.ToList();
        double lo = v.Min(), hi = v.Max();
        if (hi - lo < 1e-12) { lo -= Math.Abs(lo) * 0.1 + 1e-9; hi += Math.Abs(hi) * 0.1 + 1e-9; }
        var pad = (hi - lo) * 0.06;
        return (lo - pad, hi + pad);
    }

    private static string Tick(double v) => v.ToString(Math.Abs(v) >= 1e4 || (Math.Abs(v) < 1e-3 && v != 0) ? "0.##E0" : "G4", CultureInfo.InvariantCulture);

    private static string Esc(string s) => WebUtility.HtmlEncode(s);
}
