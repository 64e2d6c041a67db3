using FlowRunner.Plots;

namespace FlowRunner.Stages.Accuracy;

/// <summary>The accuracy sweep as a heat-map: one panel per method and overflow mode side by side (post-training saturate, wrap; then
/// quantization-aware ones when present), integer bits down (largest on top), fractional bits across, colour from red (chance, 10%) to green
/// (float accuracy), the accuracy in % written in each cell; grey where the point was not run.</summary>
public static class SweepHeatmap
{
    /// <summary>The panels of a sweep, in the order drawn, with each cell's accuracy as a fraction (null where not run).</summary>
    public static IReadOnlyList<HeatmapChart.Panel> Panels(SweepResult r, IReadOnlyList<int> rows, IReadOnlyList<int> cols)
    {
        var lookup = r.Points.GroupBy(p => (p.Method, p.Overflow, p.IntBits, p.FracBits)).ToDictionary(g => g.Key, g => g.First().Accuracy);
        return r.Points.Select(p => (p.Method, p.Overflow)).Distinct()
            .OrderBy(p => p.Method == "ptq" ? 0 : 1).ThenBy(p => p.Overflow == "sat" ? 0 : p.Overflow == "wrap" ? 1 : 2)
            .Select(p =>
            {
                var values = new double?[rows.Count, cols.Count];
                for (var ri = 0; ri < rows.Count; ri++)
                    for (var ci = 0; ci < cols.Count; ci++)
                        values[ri, ci] = lookup.TryGetValue((p.Method, p.Overflow, rows[ri], cols[ci]), out var a) && !double.IsNaN(a) ? a : null;
                var title = $"{(p.Method == "ptq" ? "post-training" : "quantization-aware")}, {(p.Overflow == "sat" ? "saturate" : p.Overflow == "wrap" ? "wrap" : p.Overflow)}";
                return new HeatmapChart.Panel(title, values);
            }).ToList();
    }

    /// <summary>The sweep drawn as SVG.</summary>
    public static string Render(SweepResult r, IReadOnlyList<int> intBits, IReadOnlyList<int> fracBits)
    {
        var rows = intBits.Distinct().OrderDescending().ToList();
        var cols = fracBits.Distinct().Order().ToList();
        return HeatmapChart.Svg(Panels(r, rows, cols), rows.Select(i => $"{i}").ToList(), cols.Select(f => $"{f}").ToList(),
            "integer bits (with sign)", "fractional bits",
            $"Accuracy in % by format: red at 10% (chance) to green at float ({r.FloatAccuracy * 100:F1}%)", 0.1, r.FloatAccuracy,
            a => $"{a * 100:F0}");
    }
}
