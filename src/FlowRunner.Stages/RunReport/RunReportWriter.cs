using System.Globalization;
using System.Net;
using System.Text;
using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Regression;
using FlowRunner.Engine.Results;
using FlowRunner.Engine.Selection;

namespace FlowRunner.Stages.RunReport;

/// <summary>Writes a run's self-contained report.html (inline CSS and SVG, no script, no network) and results.csv into the run folder:
/// the best point, the table against software, the PPA table, the Pareto plot, the accuracy heat-map, the best point's floor plan, energy and
/// power by part, the best point's layers, failures, regression, every stage with links to its folder, log and artifacts, and timings.</summary>
public static class RunReportWriter
{
    /// <summary>Metrics shown first in the PPA table, in this order, when a run has them.</summary>
    public static readonly IReadOnlyList<string> PpaMetrics =
    [
        "accuracy", "qat_accuracy", "latency_us", "power_mw", "area_um2", "energy_per_inference_uj",
        "speedup_vs_software", "energy_ratio_vs_software", "logic_area_um2", "memory_area_um2", "die_area_um2",
    ];

    public static IReadOnlyList<PointResult> Points(RunPlan plan, RunSummary summary)
    {
        var result = new List<PointResult>();
        foreach (var p in plan.Points)
        {
            var records = summary.Stages.Where(s => s.PointId == p.Id).ToList();
            if (records.Count == 0) continue;
            var pr = new PointResult(summary.RunId, plan.Recipe.Name, p.Id, p.Label, p.Params) { Planned = plan.Stages[p.Id].Count };
            foreach (var r in records.OrderBy(r => r.Position))
            {
                pr.Stages.Add(new StageRow(r.StageId, r.Kind, r.Status, r.Error, r.Directory, r.Adapter, r.DurationSeconds));
                foreach (var m in r.Metrics) pr.Add(r.StageId, m.Name, m.Value, m.Unit);
            }
            result.Add(pr);
        }
        return result;
    }

    /// <summary>Writes report.html and results.csv; returns the report's path.</summary>
    public static string Write(RunPlan plan, RunSummary summary, RegressionVerdict? regression = null)
    {
        var points = Points(plan, summary);
        Objective objective;
        try { objective = Objective.From(plan.Recipe.Sweep); }
        catch (RecipeException) { objective = Objective.Default; }
        var (best, why) = Selector.Best(points, objective);
        var front = Selector.ParetoFront(points, Selector.DefaultParetoGoals).Select(p => p.PointId).ToHashSet();
        File.WriteAllText(Path.Combine(summary.RunDirectory, "results.csv"), Csv(points));

        var h = new StringBuilder();
        h.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(E($"{plan.Recipe.Name} {summary.RunId}")).Append("</title><style>")
            .Append("body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 20px}th,td{border:1px solid #ccc;padding:3px 8px;text-align:right;font-size:13px}")
            .Append("th{background:#f0f0f0;position:sticky;top:0;z-index:1}.scroll{max-width:100%;max-height:70vh;overflow:auto;margin:8px 0 20px}.scroll table{margin:0}td.l,th.l{text-align:left}.ok{color:#2a7d2a}.failed{color:#c0392b}.cached{color:#2155a5}section{margin-bottom:28px}pre{background:#f7f7f7;padding:8px;font-size:12px;overflow:auto}")
            .Append(".figs{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}.bar{display:flex;width:220px;height:12px;border:1px solid #999}.bar span{display:block;height:100%}.key{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}</style></head><body>");
        h.Append("<h1>").Append(E(plan.Recipe.Name)).Append("</h1><p>run <b>").Append(E(summary.RunId)).Append("</b> · ")
            .Append(E(summary.Status)).Append(" · ").Append(points.Count).Append(" design point(s) · ")
            .Append(summary.Stages.Count(s => s.Status == StageStatus.Done)).Append(" stage(s) run, ")
            .Append(summary.Stages.Count(s => s.Status == StageStatus.Cached)).Append(" cached, ")
            .Append(summary.Stages.Count(s => s.Status == StageStatus.Failed)).Append(" failed · ")
            .Append(summary.Duration.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)).Append(" s · ")
            .Append(E(DateTime.Now.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))).Append("</p>");

        h.Append("<section id=\"best\"><h2>Best design point</h2>");
        h.Append(best is null ? $"<p class=\"failed\">No winner: {E(why)}</p>" : $"<p><b>{E(best.PointId)}</b> [{E(best.Label)}]: {E(why)}.</p>");
        h.Append("</section>");

        var software = SoftwareRows(points);
        if (software.Count > 1)
        {
            // The reference story's table: the software baseline, then every design point; also as ppa.md and ppa.csv beside the report.
            h.Append("<section id=\"ppa-software\"><h2>Against software</h2>").Append("<div class=\"scroll\">").Append(Report.PpaTable.Html(software)).Append("</div>")
                .Append("<p>Speed-up and energy ratio: the software baseline's latency and energy per inference over the point's (above 1: the hardware wins).</p></section>");
            File.WriteAllText(Path.Combine(summary.RunDirectory, "ppa.md"), Report.PpaTable.Markdown($"{plan.Recipe.Name} {summary.RunId}: PPA against software", software));
            File.WriteAllText(Path.Combine(summary.RunDirectory, "ppa.csv"), Report.PpaTable.Csv(software));
        }

        h.Append("<section id=\"ppa\"><h2>Power, performance, area and accuracy</h2>").Append("<div class=\"scroll\">").Append(PpaTable(points, best, front)).Append("</div></section>");

        h.Append("<section id=\"plots\"><h2>Plots</h2><div class=\"figs\">");
        if (ParetoPlot(points, best, front, objective) is { } pareto) h.Append(pareto);
        if (FindSvg(summary, best?.PointId, "accuracy.sweep") is { } heat)
            h.Append("<figure><figcaption>Accuracy heat-map: integer x fractional bits, saturation and wrap-around</figcaption>").Append(heat).Append("</figure>");
        if (FindSvg(summary, best?.PointId, "floorplan") is { } fp)
            h.Append("<figure><figcaption>Floor plan of the best point</figcaption>").Append(fp).Append("</figure>");
        h.Append("</div></section>");
        h.Append(PlaceRoute.PlaceRouteReport.Html(summary, best?.PointId));
        h.Append(QuantSearch.QuantSearchReport.Html(summary, best?.PointId));

        if (ReportDetails.Breakdown(points) is { } breakdown)
            h.Append("<section id=\"breakdown\"><h2>Energy and power by part</h2>").Append(breakdown).Append("</section>");
        var detailed = best ?? points.FirstOrDefault(p => p.Succeeded);
        if (detailed is not null && ReportDetails.Layers(summary, detailed.PointId) is { } layers)
            h.Append("<section id=\"layers\"><h2>Per layer: ").Append(E($"{detailed.PointId} [{detailed.Label}]")).Append("</h2>").Append(layers).Append("</section>");

        var failed = summary.Stages.Where(s => s.Status == StageStatus.Failed).ToList();
        if (failed.Count > 0)
        {
            h.Append("<section id=\"failures\"><h2>Failures</h2>");
            foreach (var f in failed)
            {
                h.Append("<h3 class=\"failed\">").Append(E($"{f.PointId}/{f.StageId} ({f.Kind}, {f.Adapter})")).Append("</h3><pre>").Append(E(f.Error ?? ""));
                var log = f.Directory is null ? null : Path.Combine(f.Directory, "stage.log");
                if (log is not null && File.Exists(log)) h.Append("\n\n").Append(E(string.Join("\n", File.ReadLines(log).TakeLast(12))));
                h.Append("</pre>");
            }
            h.Append("</section>");
        }

        if (regression is not null) h.Append(RegressionSection(regression));

        h.Append("<section id=\"stages\"><h2>Stages: folders, logs and artifacts</h2>").Append(ReportDetails.Links(summary)).Append("</section>");
        h.Append("<section id=\"timings\"><h2>Stage timings (s)</h2>").Append("<div class=\"scroll\">").Append(Timings(summary)).Append("</div></section>");
        h.Append("</body></html>");
        var path = Path.Combine(summary.RunDirectory, "report.html");
        File.WriteAllText(path, h.ToString());
        return path;
    }

    /// <summary>The Pareto figure, or null for fewer than two points with accuracy and energy (one point has no trade-off to show): the 2-D
    /// front of accuracy against energy per inference is what is drawn and labelled; points only on the 3-D front (with area) are ringed;
    /// a constraint of the objective on accuracy is the dashed line.</summary>
    public static string? ParetoPlot(IReadOnlyList<PointResult> points, PointResult? best, HashSet<string> front3d, Objective objective)
    {
        const string x = "energy_per_inference_uj", y = "accuracy";
        var plotted = points.Where(p => p.Succeeded && p.Metrics.ContainsKey(x) && p.Metrics.ContainsKey(y)).ToList();
        if (plotted.Count < 2) return null;
        var front2d = Selector.ParetoFront(plotted, [new Goal(y, true), new Goal(x, false)]).Select(p => p.PointId).ToHashSet();
        var dots = plotted.Select(p => new SvgScatter.Dot(p.Metrics[x], p.Metrics[y], p.Metrics.GetValueOrDefault("area_um2", 1), $"{p.PointId} [{p.Label}]",
            p.PointId, front2d.Contains(p.PointId) ? SvgScatter.Standing.Front : front3d.Contains(p.PointId) ? SvgScatter.Standing.WiderFront : SvgScatter.Standing.Other,
            p == best)).ToList();
        var limit = objective.Constraints.Select(c => c.Bound()).FirstOrDefault(b => b is { Name: y, Op: ">=" or ">" }) is { } bound
            ? new SvgScatter.Limit(bound.Value, $"{y} {bound.Op} {Figures.Format(bound.Value * 100)}%") : null;
        return new StringBuilder("<figure><figcaption>Pareto: accuracy against energy per inference; the line joins the 2-D front (")
            .Append(front2d.Count).Append(" of ").Append(plotted.Count).Append(" points), marker size is area</figcaption>")
            .Append(SvgScatter.Render(dots, "energy per inference (uJ)", "accuracy", "area", limit)).Append("</figure>").ToString();
    }

    private static string PpaTable(IReadOnlyList<PointResult> points, PointResult? best, HashSet<string> front)
    {
        var pars = points.SelectMany(p => p.Params.Keys).Distinct().Where(k => points.Select(p => Interpolator.Format(p.Params.GetValueOrDefault(k))).Distinct().Count() > 1 || points.Count == 1).ToList();
        var all = points.SelectMany(p => p.Metrics.Keys).Distinct().Where(k => !k.Contains('.')).ToList();
        var metrics = PpaMetrics.Where(all.Contains).ToList();
        if (metrics.Count == 0) metrics = all.Take(10).ToList();
        var sb = new StringBuilder("<table><tr><th class=\"l\">point</th><th class=\"l\">status</th>");
        foreach (var k in pars) sb.Append("<th>").Append(E(k)).Append("</th>");
        foreach (var m in metrics) sb.Append("<th>").Append(E(m)).Append("</th>");
        sb.Append("</tr>");
        foreach (var p in points)
        {
            var status = p.Succeeded ? (p == best ? "best" : front.Contains(p.PointId) ? "Pareto" : "ok") : p.State;
            sb.Append("<tr><td class=\"l\">").Append(E(p.PointId)).Append("</td><td class=\"l ").Append(p.Succeeded ? "ok" : "failed").Append("\">").Append(E(status)).Append("</td>");
            foreach (var k in pars) sb.Append("<td>").Append(E(Interpolator.Format(p.Params.GetValueOrDefault(k)))).Append("</td>");
            foreach (var m in metrics) sb.Append("<td>").Append(p.Metrics.TryGetValue(m, out var v) ? E(Figures.Format(v)) : "").Append("</td>");
            sb.Append("</tr>");
        }
        return sb.Append("</table>").ToString();
    }

    /// <summary>A row for the software baseline (from the first point that has one) and one a succeeded point with a latency; a point's
    /// QAT accuracy is its qat_accuracy metric (the report stage gives it only when measured at the point's own format).</summary>
    public static IReadOnlyList<Report.PpaRow> SoftwareRows(IReadOnlyList<PointResult> points)
    {
        var rows = new List<Report.PpaRow>();
        var sw = points.Select(p => Report.PpaTable.Software(p.Metrics)).FirstOrDefault(r => r is not null);
        if (sw is not null) rows.Add(sw);
        foreach (var p in points.Where(p => p.Succeeded && p.Metrics.ContainsKey("latency_us")))
        {
            rows.Add(Report.PpaTable.Hardware($"{p.PointId} [{p.Label}]", p.Metrics));
        }
        return rows;
    }

    private static string RegressionSection(RegressionVerdict v)
    {
        var sb = new StringBuilder("<section id=\"regression\"><h2>Regression against the previous run</h2>");
        if (v.BaselineRun is null) return sb.Append("<p>No earlier run of this recipe to compare with.</p></section>").ToString();
        sb.Append("<p class=\"").Append(v.Failed ? "failed" : "ok").Append("\">").Append(E(v.Verdict)).Append(" against run ").Append(E(v.BaselineRun))
            .Append(": ").Append(v.Findings.Count(f => !f.Ok)).Append(" of ").Append(v.Findings.Count).Append(" metric(s) out of limits.</p>");
        // Run times change on every run; they are listed only when a limit flags them.
        var shown = v.Findings.Where(f => !f.Ok || (Math.Abs(f.Current - f.Previous) > 1e-12 * Math.Max(1, Math.Abs(f.Previous)) && !f.Metric.EndsWith("_s", StringComparison.Ordinal)))
            .Take(200).ToList();
        if (shown.Count == 0) return sb.Append("<p>No metric changed.</p></section>").ToString();
        sb.Append("<table><tr><th class=\"l\">point</th><th class=\"l\">metric</th><th>previous</th><th>now</th><th class=\"l\">verdict</th></tr>");
        foreach (var f in shown)
            sb.Append("<tr><td class=\"l\">").Append(E($"{f.Point} [{f.Label}]")).Append("</td><td class=\"l\">").Append(E(f.Metric)).Append("</td><td>")
                .Append(Figures.Format(f.Previous, 6)).Append("</td><td>").Append(Figures.Format(f.Current, 6))
                .Append("</td><td class=\"l ").Append(f.Ok ? "ok" : "failed").Append("\">").Append(E(f.Violation ?? "ok")).Append("</td></tr>");
        return sb.Append("</table></section>").ToString();
    }

    private static string Timings(RunSummary s)
    {
        var stages = s.Stages.Select(r => r.StageId).Distinct().ToList();
        var sb = new StringBuilder("<table><tr><th class=\"l\">point</th>");
        foreach (var st in stages) sb.Append("<th>").Append(E(st)).Append("</th>");
        sb.Append("</tr>");
        foreach (var g in s.Stages.GroupBy(r => r.PointId))
        {
            sb.Append("<tr><td class=\"l\">").Append(E(g.Key)).Append("</td>");
            foreach (var st in stages)
            {
                var r = g.FirstOrDefault(x => x.StageId == st);
                sb.Append("<td class=\"").Append(r?.Status ?? "").Append("\" title=\"").Append(E($"{r?.Status} {r?.Adapter}")).Append("\">")
                    .Append(r is null ? "" : r.Status == StageStatus.Cached ? "cached" : r.DurationSeconds.ToString("F2", CultureInfo.InvariantCulture)).Append("</td>");
            }
            sb.Append("</tr>");
        }
        return sb.Append("</table>").ToString();
    }

    /// <summary>The first SVG artifact of a stage of the given kind (preferring the best point), inlined without its XML declaration.</summary>
    private static string? FindSvg(RunSummary s, string? preferPoint, string kind)
    {
        var candidates = s.Stages.Where(r => r.Succeeded && RunPlanner.Matches(r.Kind, kind) && r.Directory is not null)
            .OrderBy(r => r.PointId == preferPoint ? 0 : 1).ThenBy(r => r.PointId, StringComparer.Ordinal);
        foreach (var r in candidates)
            foreach (var a in r.Artifacts.Where(a => a.RelativePath.EndsWith(".svg", StringComparison.OrdinalIgnoreCase)))
            {
                var f = Path.Combine(r.Directory!, a.RelativePath);
                if (!File.Exists(f)) continue;
                var text = File.ReadAllText(f);
                var i = text.IndexOf("<svg", StringComparison.Ordinal);
                return i >= 0 ? text[i..] : null;
            }
        return null;
    }

    private static string Csv(IReadOnlyList<PointResult> points)
    {
        var pars = points.SelectMany(p => p.Params.Keys).Distinct().ToList();
        var metrics = points.SelectMany(p => p.Metrics.Keys).Distinct().Where(k => k.Contains('.')).ToList();
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(",", new[] { "point", "status" }.Concat(pars).Concat(metrics)));
        foreach (var p in points)
            sb.AppendLine(string.Join(",", new[] { p.PointId, p.Succeeded ? "ok" : p.State }
                .Concat(pars.Select(k => Interpolator.Format(p.Params.GetValueOrDefault(k))))
                .Concat(metrics.Select(m => p.Metrics.TryGetValue(m, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : ""))
                .Select(x => x.IndexOfAny([',', '"']) >= 0 ? "\"" + x.Replace("\"", "\"\"") + "\"" : x)));
        return sb.ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
