using System.Globalization;
using System.Text;
using FlowRunner.Engine.Results;
using FlowRunner.Plots;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using static FlowRunner.Dashboard.Html;

namespace FlowRunner.Dashboard;

/// <summary>The dashboard's pages over a workspace's results store: runs by recipe with their status, one run's points, trends of chosen
/// metrics across a recipe's runs, side-by-side comparison of two runs or two points, and each run's folder (report.html, logs, artifacts).</summary>
internal sealed class DashboardSite(string workspace)
{
    /// <summary>Metrics a trend shows when none is chosen, the first the recipe has.</summary>
    private static readonly string[] DefaultTrend = ["energy_per_inference_uj", "accuracy", "latency_us", "area_um2"];

    /// <summary>Columns of the run page before the rest.</summary>
    private static readonly string[] Headline = ["accuracy", "qat_accuracy", "latency_us", "power_mw", "area_um2", "energy_per_inference_uj", "speedup_vs_software"];

    private const int TrendRuns = 60;

    private string StoreFile => ResultsStore.DefaultPath(workspace);

    /// <summary>Opens the store for one request; null when no run has written it yet.</summary>
    private ResultsStore? Open() => System.IO.File.Exists(StoreFile) ? new ResultsStore(StoreFile) : null;

    public (int, string) Index()
    {
        using var store = Open();
        if (store is null) return (200, Page("Runs", $"<p>No results yet: {E(StoreFile)} does not exist. Run a recipe (<code>flowrunner run RECIPE</code>); this page shows it at the next load.</p>"));
        var runs = store.Runs();
        var sb = new StringBuilder();
        sb.Append("<p>").Append(runs.Count.ToString("N0", CultureInfo.InvariantCulture)).Append(" run(s) in ").Append(E(StoreFile)).Append(".</p>");
        foreach (var recipe in runs.GroupBy(r => r.Recipe).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var list = recipe.ToList();
            sb.Append("<section class=\"recipe\"><h2>").Append(E(recipe.Key)).Append("</h2><p><a href=\"/trend?recipe=").Append(Q(recipe.Key)).Append("\">trends across runs</a>");
            if (list.Count > 1)
                sb.Append(" · <a href=\"/compare?a=").Append(Q(list[1].RunId)).Append("&amp;b=").Append(Q(list[0].RunId)).Append("\">latest against the one before</a>");
            sb.Append("</p><div class=\"scroll\"><table><tr><th class=\"l\">run</th><th class=\"l\">started</th><th class=\"l\">status</th><th class=\"l\">report</th><th class=\"l\">compare</th></tr>");
            for (var i = 0; i < list.Count; i++)
            {
                var r = list[i];
                sb.Append("<tr class=\"run\"><td class=\"l\"><a href=\"/runs/").Append(Q(r.RunId)).Append("\">").Append(E(r.RunId)).Append("</a></td><td class=\"l\">")
                    .Append(E(r.Started.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))).Append("</td><td class=\"l\">").Append(Status(r.Status)).Append("</td><td class=\"l\">")
                    .Append(HasReport(r) ? $"<a href=\"/runs/{Q(r.RunId)}/report\">report</a>" : "").Append("</td><td class=\"l\">")
                    .Append(i + 1 < list.Count ? $"<a href=\"/compare?a={Q(list[i + 1].RunId)}&amp;b={Q(r.RunId)}\">against previous</a>" : "").Append("</td></tr>");
            }
            sb.Append("</table></div></section>");
        }
        return (200, Page("Runs", sb.ToString()));
    }

    public (int, string) Run(string runId)
    {
        using var store = Open();
        var run = store?.Runs().FirstOrDefault(r => r.RunId == runId);
        if (store is null || run is null) return NotFound($"no run '{runId}' in the results store");
        var points = store.Points(runId);
        var columns = Ordered(MetricNames.Columns(points));
        var pars = points.SelectMany(p => p.Params.Keys).Distinct().ToList();
        var sb = new StringBuilder("<p>recipe <a href=\"/trend?recipe=").Append(Q(run.Recipe)).Append("\">").Append(E(run.Recipe)).Append("</a> · ")
            .Append(Status(run.Status)).Append(" · started ").Append(E(run.Started.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)))
            .Append(" · ").Append(points.Count).Append(" design point(s)");
        if (HasReport(run)) sb.Append(" · <a href=\"/runs/").Append(Q(runId)).Append("/report\">report</a>");
        sb.Append("</p>");
        if (points.Count > 1)
        {
            sb.Append("<form action=\"/compare\" method=\"get\">compare point <select name=\"a\">").Append(Options(points, runId, 0)).Append("</select> with <select name=\"b\">")
                .Append(Options(points, runId, 1)).Append("</select><input type=\"submit\" value=\"compare\"></form>");
        }
        sb.Append("<div class=\"scroll\"><table><tr><th class=\"l\">point</th><th class=\"l\">status</th>");
        foreach (var k in pars) sb.Append("<th>").Append(E(k)).Append("</th>");
        foreach (var c in columns) sb.Append("<th>").Append(E(Heading(points, c))).Append("</th>");
        sb.Append("</tr>");
        foreach (var p in points)
        {
            sb.Append("<tr class=\"point\"><td class=\"l\">").Append(E(p.PointId)).Append("</td><td class=\"l\">").Append(Status(run.Status == "running" && !p.Succeeded ? "running" : p.State)).Append("</td>");
            foreach (var k in pars) sb.Append("<td>").Append(E(Figures.Format(p.Params.GetValueOrDefault(k)))).Append("</td>");
            foreach (var c in columns) sb.Append("<td>").Append(p.Metrics.TryGetValue(c, out var v) ? E(Figures.Format(v)) : "").Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</table></div>");
        return (200, Page($"Run {runId}", sb.ToString()));
    }

    public (int, string) Trend(string recipe, IReadOnlyList<string> chosen)
    {
        using var store = Open();
        var runs = store?.Runs(recipe).Take(TrendRuns).Reverse().ToList() ?? [];
        if (store is null || runs.Count == 0) return NotFound($"no runs of recipe '{recipe}' in the results store");
        var byRun = runs.Select(r => store.Points(r.RunId)).ToList();
        var all = MetricNames.Columns(byRun.SelectMany(p => p));
        var metrics = chosen.Count > 0 ? chosen.ToList() : DefaultTrend.Where(all.Contains).Take(2).DefaultIfEmpty(all.FirstOrDefault() ?? "").Where(m => m.Length > 0).ToList();
        var sb = new StringBuilder("<p>").Append(runs.Count).Append(" run(s) of ").Append(E(recipe)).Append(", oldest first").Append(runs.Count == TrendRuns ? $" (the latest {TrendRuns})" : "").Append(".</p>");
        sb.Append("<form action=\"/trend\" method=\"get\"><input type=\"hidden\" name=\"recipe\" value=\"").Append(E(recipe)).Append("\">metrics <select name=\"metric\" multiple size=\"6\">");
        foreach (var m in all) sb.Append("<option").Append(metrics.Contains(m) ? " selected" : "").Append(" value=\"").Append(E(m)).Append("\">").Append(E(m)).Append("</option>");
        sb.Append("</select><input type=\"submit\" value=\"show\"></form>");
        var unknown = metrics.Where(m => !all.Contains(m)).ToList();
        if (unknown.Count > 0) sb.Append("<p class=\"failed\">No run of this recipe has ").Append(E(string.Join(", ", unknown))).Append(".</p>");
        var runIds = runs.Select(r => r.RunId).ToList();
        foreach (var metric in metrics.Where(all.Contains))
        {
            var series = byRun.SelectMany((points, i) => points.Where(p => p.Metrics.TryGetValue(metric, out var v) && double.IsFinite(v)).Select(p => (p.PointId, Run: i, Value: p.Metrics[metric])))
                .GroupBy(x => x.PointId).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new TrendChart.Series(g.Key, g.Select(x => (x.Run, x.Value)).ToList())).ToList();
            var unit = byRun.SelectMany(p => p).Select(p => p.Units.GetValueOrDefault(metric)).FirstOrDefault(u => !string.IsNullOrEmpty(u)) ?? "";
            sb.Append("<section class=\"trend\" data-metric=\"").Append(E(metric)).Append("\"><h2>").Append(E(metric)).Append("</h2>")
                .Append(TrendChart.Svg(metric, unit, runIds, series, v => Figures.Format(v)));
            sb.Append("<div class=\"scroll\"><table><tr><th class=\"l\">run</th>");
            foreach (var s in series) sb.Append("<th>").Append(E(s.Name)).Append("</th>");
            sb.Append("</tr>");
            for (var i = 0; i < runIds.Count; i++)
            {
                sb.Append("<tr><td class=\"l\"><a href=\"/runs/").Append(Q(runIds[i])).Append("\">").Append(E(runIds[i])).Append("</a></td>");
                foreach (var s in series) sb.Append("<td>").Append(s.Values.Where(v => v.Run == i).Select(v => E(Figures.Format(v.Value))).FirstOrDefault() ?? "").Append("</td>");
                sb.Append("</tr>");
            }
            sb.Append("</table></div></section>");
        }
        return (200, Page($"Trends of {recipe}", sb.ToString()));
    }

    public (int, string) Compare(string a, string b)
    {
        using var store = Open();
        if (store is null) return NotFound("no results yet");
        var runs = store.Runs();
        (string Run, string? Point)? Side(string s)
        {
            if (runs.Any(r => r.RunId == s)) return (s, null);
            var slash = s.LastIndexOf('/');
            return slash > 0 && runs.Any(r => r.RunId == s[..slash]) ? (s[..slash], s[(slash + 1)..]) : null;
        }
        if (Side(a) is not { } left || Side(b) is not { } right) return NotFound($"compare needs two runs or points (RUN or RUN/POINT), got '{a}' and '{b}'");
        var pa = store.Points(left.Run);
        var pb = left.Run == right.Run ? pa : store.Points(right.Run);
        var pairs = new List<(PointResult A, PointResult B)>();
        if (left.Point is null && right.Point is null)
            pairs.AddRange(pa.Select(p => (p, pb.FirstOrDefault(q => q.PointId == p.PointId))).Where(x => x.Item2 is not null).Select(x => (x.p, x.Item2!)));
        else
        {
            var x = pa.FirstOrDefault(p => p.PointId == (left.Point ?? right.Point));
            var y = pb.FirstOrDefault(p => p.PointId == (right.Point ?? left.Point));
            if (x is null || y is null) return NotFound($"no point '{left.Point ?? right.Point}' in run {(x is null ? left.Run : right.Run)}");
            pairs.Add((x, y));
        }
        var sb = new StringBuilder("<p><b>A</b> ").Append(Link(left)).Append(" · <b>B</b> ").Append(Link(right)).Append("</p>");
        if (pairs.Count == 0) sb.Append("<p>The two runs have no design point in common.</p>");
        foreach (var (x, y) in pairs)
        {
            var names = Ordered(MetricNames.Columns([x, y]));
            var changed = names.Count(n => Changed(x, y, n));
            sb.Append("<section class=\"comparison\"><h2>").Append(E(x.PointId == y.PointId ? $"{x.PointId} [{x.Label}]" : $"{x.PointId} [{x.Label}] against {y.PointId} [{y.Label}]"))
                .Append("</h2><p>").Append(changed).Append(" of ").Append(names.Count).Append(" metric(s) changed.</p><div class=\"scroll\"><table><tr><th class=\"l\">metric</th><th>A</th><th>B</th><th>B - A</th><th>change</th></tr>");
            foreach (var k in x.Params.Keys.Union(y.Params.Keys).Where(k => Figures.Format(x.Params.GetValueOrDefault(k)) != Figures.Format(y.Params.GetValueOrDefault(k))))
                sb.Append("<tr class=\"changed param\"><td class=\"l\">").Append(E(k)).Append(" (parameter)</td><td>").Append(E(Figures.Format(x.Params.GetValueOrDefault(k))))
                    .Append("</td><td>").Append(E(Figures.Format(y.Params.GetValueOrDefault(k)))).Append("</td><td></td><td></td></tr>");
            foreach (var n in names)
            {
                var has = (x.Metrics.TryGetValue(n, out var va), y.Metrics.TryGetValue(n, out var vb));
                var change = Changed(x, y, n);
                sb.Append("<tr class=\"metric").Append(change ? " changed" : "").Append("\" data-metric=\"").Append(E(n)).Append("\"><td class=\"l\">").Append(E(Heading([x, y], n)))
                    .Append("</td><td>").Append(has.Item1 ? E(Figures.Format(va)) : "").Append("</td><td>").Append(has.Item2 ? E(Figures.Format(vb)) : "").Append("</td>");
                if (has is (true, true) && change)
                    sb.Append("<td class=\"").Append(vb > va ? "up" : "down").Append("\">").Append(E(Figures.Format(vb - va))).Append("</td><td>")
                        .Append(va != 0 ? E(Figures.Format((vb - va) / Math.Abs(va) * 100, 3) + "%") : "").Append("</td>");
                else sb.Append("<td></td><td>").Append(change ? "only in one" : "").Append("</td>");
                sb.Append("</tr>");
            }
            sb.Append("</table></div></section>");
        }
        return (200, Page("Comparison", sb.ToString()));
    }

    /// <summary>A file of a run's folder (report.html, stage logs, artifacts), never one outside it.</summary>
    public IResult File(string runId, string path)
    {
        using var store = Open();
        var run = store?.Runs().FirstOrDefault(r => r.RunId == runId);
        if (run is null || run.RunDirectory.Length == 0) return Results.NotFound();
        var root = Path.GetFullPath(run.RunDirectory);
        var full = Path.GetFullPath(Path.Combine(root, path));
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !System.IO.File.Exists(full)) return Results.NotFound();
        // A link inside the run folder may point anywhere; only plain files are served.
        if (new FileInfo(full).LinkTarget is not null) return Results.NotFound();
        var type = new FileExtensionContentTypeProvider().TryGetContentType(full, out var t) ? t : "text/plain";
        if (type.StartsWith("text/", StringComparison.Ordinal)) type += "; charset=utf-8";
        return Results.File(full, type);
    }

    private static bool Changed(PointResult x, PointResult y, string n)
    {
        var (ha, hb) = (x.Metrics.TryGetValue(n, out var a), y.Metrics.TryGetValue(n, out var b));
        if (ha != hb) return true;
        return ha && !(a == b || Math.Abs(a - b) <= 1e-12 * Math.Max(Math.Abs(a), Math.Abs(b)) || double.IsNaN(a) && double.IsNaN(b));
    }

    private static string Link((string Run, string? Point) side) =>
        $"<a href=\"/runs/{Q(side.Run)}\">{E(side.Run)}</a>{(side.Point is null ? "" : " / " + E(side.Point))}";

    private static string Options(IReadOnlyList<PointResult> points, string runId, int selected) => string.Concat(points.Select((p, i) =>
        $"<option value=\"{E(runId + "/" + p.PointId)}\"{(i == selected ? " selected" : "")}>{E($"{p.PointId} [{p.Label}]")}</option>"));

    private static List<string> Ordered(IReadOnlyList<string> columns) => Headline.Where(columns.Contains).Concat(columns.Where(c => !Headline.Contains(c))).ToList();

    private static string Heading(IEnumerable<PointResult> points, string metric) =>
        points.Select(p => p.Units.GetValueOrDefault(metric)).FirstOrDefault(u => !string.IsNullOrEmpty(u)) is { } unit ? $"{metric} ({unit})" : metric;

    private static bool HasReport(RunRow r) => r.RunDirectory.Length > 0 && System.IO.File.Exists(Path.Combine(r.RunDirectory, "report.html"));

    private static (int, string) NotFound(string why) => (404, Page("Not found", $"<p class=\"failed\">{E(why)}</p>"));
}
