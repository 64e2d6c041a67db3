using System.Globalization;
using System.Net;
using System.Text;

namespace FlowRunner.Stages.Accuracy;

/// <summary>Draws an accuracy sweep as a plain SVG heat-map: one panel per method and overflow mode side by side (post-training saturate, wrap;
/// then quantization-aware ones when present), integer bits down (largest on top), fractional bits across, colour from red (chance, 10%) to
/// green (float accuracy), the accuracy in % written in each cell; grey where the point was not run.</summary>
public static class SweepHeatmap
{
    private const int Cell = 34, Left = 64, Top = 58, Gap = 44;

    public static string Render(SweepResult r, IReadOnlyList<int> intBits, IReadOnlyList<int> fracBits)
    {
        var panels = r.Points.Select(p => (p.Method, p.Overflow)).Distinct()
            .OrderBy(p => p.Method == "ptq" ? 0 : 1).ThenBy(p => p.Overflow == "sat" ? 0 : p.Overflow == "wrap" ? 1 : 2).ToList();
        var rows = intBits.Distinct().OrderDescending().ToList();
        var cols = fracBits.Distinct().Order().ToList();
        var lookup = r.Points.GroupBy(p => (p.Method, p.Overflow, p.IntBits, p.FracBits)).ToDictionary(g => g.Key, g => g.First().Accuracy);
        var panelW = cols.Count * Cell;
        var width = Left + panels.Count * (panelW + Gap);
        var height = Top + rows.Count * Cell + 56;
        var sb = new StringBuilder();
        void A(FormattableString s) => sb.Append(string.Format(CultureInfo.InvariantCulture, s.Format, s.GetArguments()));
        A($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heatmap\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"10\">");
        A($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>");
        A($"<text x=\"{Left}\" y=\"16\" font-size=\"13\" font-weight=\"bold\">Accuracy by format: integer bits (with sign) x fractional bits</text>");
        for (var m = 0; m < panels.Count; m++)
        {
            var (method, overflow) = panels[m];
            var x0 = Left + m * (panelW + Gap);
            var title = $"{(method == "ptq" ? "post-training" : "quantization-aware")}, {(overflow == "sat" ? "saturate" : overflow == "wrap" ? "wrap" : overflow)}";
            A($"<text x=\"{x0 + panelW / 2}\" y=\"36\" text-anchor=\"middle\" font-size=\"12\">{WebUtility.HtmlEncode(title)}</text>");
            for (var ci = 0; ci < cols.Count; ci++)
                A($"<text x=\"{x0 + ci * Cell + Cell / 2}\" y=\"{Top - 6}\" text-anchor=\"middle\">{cols[ci]}</text>");
            for (var ri = 0; ri < rows.Count; ri++)
            {
                A($"<text x=\"{x0 - 6}\" y=\"{Top + ri * Cell + Cell / 2 + 4}\" text-anchor=\"end\">{rows[ri]}</text>");
                for (var ci = 0; ci < cols.Count; ci++)
                {
                    var has = lookup.TryGetValue((method, overflow, rows[ri], cols[ci]), out var a) && !double.IsNaN(a);
                    var t = has ? Math.Clamp((a - 0.1) / Math.Max(0.01, r.FloatAccuracy - 0.1), 0, 1) : 0;
                    var fill = has ? Colour(t) : "#e8e8e8";
                    var tip = has ? $"{method} {overflow} {rows[ri]} int + {cols[ci]} frac bits: {a * 100:F1}%" : $"{rows[ri]} int + {cols[ci]} frac bits: not run";
                    A($"<rect class=\"cell\" x=\"{x0 + ci * Cell}\" y=\"{Top + ri * Cell}\" width=\"{Cell - 1}\" height=\"{Cell - 1}\" fill=\"{fill}\"><title>{WebUtility.HtmlEncode(tip)}</title></rect>");
                    if (has)
                        A($"<text x=\"{x0 + ci * Cell + Cell / 2}\" y=\"{Top + ri * Cell + Cell / 2 + 3}\" text-anchor=\"middle\" fill=\"{(t > 0.35 && t < 0.8 ? "black" : "white")}\">{a * 100:F0}</text>");
                }
            }
            A($"<text x=\"{x0 + panelW / 2}\" y=\"{Top + rows.Count * Cell + 16}\" text-anchor=\"middle\">fractional bits</text>");
        }
        A($"<text transform=\"translate(16,{Top + rows.Count * Cell / 2}) rotate(-90)\" text-anchor=\"middle\">integer bits (with sign)</text>");
        A($"<text x=\"{Left}\" y=\"{height - 10}\">cells: accuracy in %; colour from red (10%, chance) to green (float accuracy {r.FloatAccuracy * 100:F1}%)</text>");
        sb.Append("</svg>");
        return sb.ToString();
    }

    /// <summary>Red (t = 0) through amber to green (t = 1).</summary>
    private static string Colour(double t)
    {
        var red = (int)Math.Round(t < 0.5 ? 200 : 200 - (t - 0.5) * 2 * 160);
        var green = (int)Math.Round(t < 0.5 ? 40 + t * 2 * 150 : 190 - (t - 0.5) * 2 * 40);
        return $"rgb({red},{green},50)";
    }
}
