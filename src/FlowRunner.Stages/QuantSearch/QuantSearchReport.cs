using System.Net;
using System.Text;
using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Results;
using FlowRunner.Plots;
using FlowRunner.Stages.RunReport;

namespace FlowRunner.Stages.QuantSearch;

/// <summary>The run report's "Quantization search" section: every candidate of a quant.search stage on accuracy against its objective, the
/// searched front (the line) beside the uniform-format sweep's (rings), and both fronts' points with their formats.</summary>
public static class QuantSearchReport
{
    public static string Html(RunSummary summary, string? preferPoint)
    {
        var stage = summary.Stages.Where(r => r.Succeeded && r.Kind == QuantSearchStage.KindName && r.Directory is not null)
            .OrderBy(r => r.PointId == preferPoint ? 0 : 1).ThenBy(r => r.PointId, StringComparer.Ordinal).FirstOrDefault();
        var file = stage is null ? null : Path.Combine(stage.Directory!, SearchRecord.FileName);
        if (file is null || !File.Exists(file)) return "";
        var r = SearchRecord.Read(file);
        double? X(SearchCandidate c) => r.Objective switch { "area" => c.AreaUm2, "latency" => c.LatencyUs, "bits" => c.Bits, _ => c.EnergyUj };
        var front = r.Front.ToHashSet();
        var uniform = r.UniformFront.ToHashSet();
        var dots = r.Candidates.Where(c => X(c) is not null).Select(c => new ParetoChart.Dot(X(c)!.Value, c.Accuracy ?? c.SubsetAccuracy, c.AreaUm2 ?? 1,
            front.Contains(c.Id) || uniform.Contains(c.Id) ? $"#{c.Id}" : "",
            front.Contains(c.Id) ? ParetoChart.Standing.Front : uniform.Contains(c.Id) ? ParetoChart.Standing.WiderFront : ParetoChart.Standing.Other,
            c.Id == r.Chosen)).ToList();
        var h = new StringBuilder("<section id=\"quant-search\"><h2>Quantization search (").Append(E($"{stage!.PointId}/{stage.StageId}")).Append(")</h2>");
        h.Append("<p>").Append(r.Candidates.Count(c => c.Phase != "uniform")).Append(" searched and ").Append(r.Candidates.Count(c => c.Phase == "uniform"))
            .Append(" uniform-format candidates, scored on ").Append(r.SubsetImages).Append(" held-out images; the fronts confirmed on all ").Append(r.TestImages)
            .Append(". Target accuracy ").Append(Figures.Format(r.Target * 100)).Append("% (float ").Append(Figures.Format(r.FloatAccuracy * 100)).Append("%).</p>");
        h.Append("<figure><figcaption>Accuracy against ").Append(E(r.Objective)).Append(" (").Append(E(r.ObjectiveUnit))
            .Append("): the line is the searched front, rings the uniform-format front, the largest marker the chosen point; marker size is area</figcaption>")
            .Append(ParetoChart.Svg(dots, $"{r.Objective} ({r.ObjectiveUnit})", "accuracy", "area", new ParetoChart.Limit(r.Target, $"target {Figures.Format(r.Target * 100)}%"), v => Figures.Format(v)))
            .Append("</figure>");
        h.Append("<table><tr><th class=\"l\">front</th><th>candidate</th><th>accuracy</th><th>energy (uJ)</th><th>area (um2)</th><th>latency (us)</th><th>lanes</th><th class=\"l\">integer bits / width per tensor: ")
            .Append(E(string.Join(", ", r.Tensors))).Append("</th></tr>");
        foreach (var (label, ids) in new[] { ("searched", r.Front), ("uniform", r.UniformFront) })
            foreach (var c in ids.Select(i => r.Candidates[i]))
                h.Append("<tr><td class=\"l\">").Append(label).Append(c.Id == r.Chosen ? " (chosen)" : c.Id == r.BestUniform ? " (best uniform)" : "").Append("</td><td>#").Append(c.Id)
                    .Append("</td><td>").Append(Figures.Format((c.QatAccuracy is { } q && q > (c.Accuracy ?? 0) ? q : c.Accuracy ?? c.SubsetAccuracy) * 100)).Append("%</td><td>")
                    .Append(F(c.EnergyUj)).Append("</td><td>").Append(F(c.AreaUm2)).Append("</td><td>").Append(F(c.LatencyUs)).Append("</td><td>").Append(c.Lanes)
                    .Append("</td><td class=\"l\">").Append(E(Formats(r, c))).Append("</td></tr>");
        return h.Append("</table></section>").ToString();
    }

    private static string Formats(SearchRecord r, SearchCandidate c) => string.Join(" ", c.IntBits.Zip(c.Widths, (i, w) => $"{i}/{w}"));

    private static string F(double? v) => v is { } d ? Figures.Format(d) : "-";

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
