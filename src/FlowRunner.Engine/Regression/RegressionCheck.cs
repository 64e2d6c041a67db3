using System.Globalization;
using System.Text.Json;
using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Results;

namespace FlowRunner.Engine.Regression;

/// <summary>A limit on how much one metric may move between consecutive runs of a recipe (the recipe's `regression:` block).</summary>
/// <remarks>`max_drop` / `max_rise` are absolute (in the metric's unit); `max_drop_pct` / `max_rise_pct` are relative to the previous value.</remarks>
public sealed record MetricLimit(string Metric, double? MaxDrop, double? MaxRise, double? MaxDropPct, double? MaxRisePct)
{
    public static readonly IReadOnlyList<string> Keys = ["max_drop", "max_rise", "max_drop_pct", "max_rise_pct"];

    /// <summary>Null when the change is within the limit, else what was exceeded.</summary>
    public string? Violation(double previous, double current)
    {
        var change = current - previous;
        var pct = previous != 0 ? change / Math.Abs(previous) * 100 : change == 0 ? 0 : double.PositiveInfinity * Math.Sign(change);
        if (MaxDrop is { } d && -change > d + 1e-12) return $"dropped {-change:G4} (limit {d:G4})";
        if (MaxRise is { } r && change > r + 1e-12) return $"rose {change:G4} (limit {r:G4})";
        if (MaxDropPct is { } dp && -pct > dp + 1e-9) return $"dropped {-pct:F2}% (limit {dp:G4}%)";
        if (MaxRisePct is { } rp && pct > rp + 1e-9) return $"rose {pct:F2}% (limit {rp:G4}%)";
        return null;
    }

    /// <summary>Reads `regression: { accuracy: { max_drop: 0.002 }, area_um2: { max_rise_pct: 2 } }`, collecting errors with places.</summary>
    public static IReadOnlyList<MetricLimit> From(YMap? block, List<RecipeError> errors)
    {
        var limits = new List<MetricLimit>();
        if (block is null) return limits;
        foreach (var (metric, mark, node) in block.Entries)
        {
            if (node is not YMap m) { errors.Add(new RecipeError(node.Mark, $"regression limit of '{metric}' must be a map such as {{ max_drop: 0.002 }} or {{ max_rise_pct: 2 }}")); continue; }
            double? Num(string key)
            {
                if (m[key] is not { } n) return null;
                if (n.ToPlain() is long l && l >= 0) return l;
                if (n.ToPlain() is double v && v >= 0) return v;
                errors.Add(new RecipeError(n.Mark, $"`{key}` must be a number >= 0"));
                return null;
            }
            foreach (var (k, km, _) in m.Entries.Where(e => !Keys.Contains(e.Key)))
                errors.Add(new RecipeError(km, $"unknown regression limit '{k}'{RecipeLoader.Suggest(k, Keys)} (limits: {string.Join(", ", Keys)})"));
            limits.Add(new MetricLimit(metric, Num("max_drop"), Num("max_rise"), Num("max_drop_pct"), Num("max_rise_pct")));
        }
        return limits;
    }
}

/// <summary>One comparison of a metric of a design point with the previous run.</summary>
public sealed record RegressionFinding(string Point, string Label, string Metric, double Previous, double Current, string? Violation)
{
    public bool Ok => Violation is null;
}

/// <summary>The verdict of a run against the previous run of the same recipe: every compared metric, and pass or fail.</summary>
public sealed record RegressionVerdict(string Verdict, string? BaselineRun, IReadOnlyList<RegressionFinding> Findings)
{
    public const string FileName = "regression.json";
    public bool Failed => Verdict == "fail";

    /// <summary>Compares every metric of every point (matched by its parameters) with the latest earlier run of the same recipe; metrics without a
    /// limit are listed but never fail.</summary>
    public static RegressionVerdict Compare(ResultsStore store, RunPlan plan, string runId, IReadOnlyList<MetricLimit> limits)
    {
        var baseline = store.Runs(plan.Recipe.Name).FirstOrDefault(r => r.RunId != runId && r.Status != "running");
        if (baseline is null) return new RegressionVerdict("no-baseline", null, []);
        var before = store.Points(baseline.RunId).ToDictionary(p => p.Label);
        var findings = new List<RegressionFinding>();
        foreach (var now in store.Points(runId))
        {
            if (!before.TryGetValue(now.Label, out var prev)) continue;
            // Metrics are compared stage by stage (<stage>.<metric>); a limit names a metric, or one stage's metric.
            foreach (var (metric, value) in now.Metrics.Where(kv => kv.Key.Contains('.')).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (!prev.Metrics.TryGetValue(metric, out var old) || !double.IsFinite(old) || !double.IsFinite(value)) continue;
                var plain = metric[(metric.IndexOf('.') + 1)..];
                var limit = limits.FirstOrDefault(l => l.Metric == metric) ?? limits.FirstOrDefault(l => l.Metric == plain);
                findings.Add(new RegressionFinding(now.PointId, now.Label, metric, old, value, limit?.Violation(old, value)));
            }
            foreach (var limit in limits.Where(l => prev.Metrics.ContainsKey(l.Metric) && !now.Metrics.ContainsKey(l.Metric)))
                findings.Add(new RegressionFinding(now.PointId, now.Label, limit.Metric, prev.Metrics[limit.Metric], double.NaN, "missing in this run"));
        }
        return new RegressionVerdict(findings.Any(f => !f.Ok) ? "fail" : "pass", baseline.RunId, findings);
    }

    public void Write(string runDirectory) =>
        File.WriteAllText(Path.Combine(runDirectory, FileName), JsonSerializer.Serialize(this, PlainJson.Options));

    public string Summary() => Verdict switch
    {
        "no-baseline" => "regression: no earlier run of this recipe to compare with",
        _ => $"regression: {Verdict} against run {BaselineRun}: {Findings.Count(f => !f.Ok)} of {Findings.Count} metric(s) out of limits" +
             string.Concat(Findings.Where(f => !f.Ok).Take(10).Select(f =>
                 $"{Environment.NewLine}  {f.Point} [{f.Label}] {f.Metric}: {f.Previous.ToString("G6", CultureInfo.InvariantCulture)} -> {f.Current.ToString("G6", CultureInfo.InvariantCulture)} {f.Violation}")),
    };
}
