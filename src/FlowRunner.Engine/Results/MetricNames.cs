using System.Globalization;
using FlowRunner.Engine.Expressions;
using FlowRunner.Engine.Recipes;

namespace FlowRunner.Engine.Results;

/// <summary>The one naming of metrics shown to people (results, best, reports): a metric goes by its plain name, taken from the earliest
/// stage that reports it; `stage.metric` appears only where a later stage reports the same name with another value, and a metric that
/// repeats a design parameter under the same name and value (e.g. hls.emit's `lanes`) is not shown twice. Every `stage.metric` stays
/// queryable in expressions.</summary>
public static class MetricNames
{
    /// <summary>A point's metrics as shown: plain names, plus `stage.metric` for the values that differ from the plain one.</summary>
    public static IReadOnlyList<string> Shown(PointResult p)
    {
        var names = new List<string>();
        foreach (var (k, v) in p.Metrics)
        {
            var dot = k.IndexOf('.');
            if (dot < 0)
            {
                // A metric named like a parameter shows under its stage's name when it disagrees with it, and not at all when it agrees.
                if (!p.Params.ContainsKey(k)) names.Add(k);
                else if (!SameAsParam(p, k, v) && p.Metrics.Keys.FirstOrDefault(q => q.EndsWith("." + k, StringComparison.Ordinal)) is { } q) names.Add(q);
                continue;
            }
            var plain = k[(dot + 1)..];
            var reference = p.Metrics.TryGetValue(plain, out var m) ? m : p.Params.TryGetValue(plain, out var par) && Number(par) is { } n ? n : (double?)null;
            if (reference is { } r && !Same(r, v) && !names.Contains(k)) names.Add(k);
        }
        return names;
    }

    /// <summary>The shown metric columns of several points, in first-seen order, parameters excluded.</summary>
    public static IReadOnlyList<string> Columns(IEnumerable<PointResult> points)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<string>();
        foreach (var p in points)
            foreach (var n in Shown(p))
                if (!p.Params.ContainsKey(n) && seen.Add(n)) list.Add(n);
        return list;
    }

    /// <summary>Every name an expression over these points may use: metrics (plain and `stage.metric`), parameters, point, label.</summary>
    public static IReadOnlySet<string> Known(IEnumerable<PointResult> points)
    {
        var known = new HashSet<string>(StringComparer.Ordinal) { "point", "label" };
        foreach (var p in points)
        {
            known.UnionWith(p.Metrics.Keys);
            known.UnionWith(p.Params.Keys);
        }
        return known;
    }

    /// <summary>The first name the expression reads that no point has, as "unknown name 'x' (did you mean 'y'?)", or null when all are known.
    /// Only meaningful once some point has metrics: a run whose points all failed early knows too few names to judge.</summary>
    public static string? Unknown(Expression e, IEnumerable<PointResult> points)
    {
        var known = Known(points);
        var plain = known.Where(k => !k.Contains('.')).ToList();
        foreach (var n in e.Names)
            if (!known.Contains(n))
                return $"unknown name '{n}' in \"{e.Text}\"{RecipeLoader.Suggest(n, plain.Concat(known))}";
        return null;
    }

    private static bool SameAsParam(PointResult p, string name, double value) =>
        p.Params.TryGetValue(name, out var par) && Number(par) is { } n && Same(n, value);

    private static bool Same(double a, double b) => a.Equals(b) || Math.Abs(a - b) <= 1e-12 * Math.Max(Math.Abs(a), Math.Abs(b));

    private static double? Number(object? v) => v switch
    {
        long l => l,
        int i => i,
        double d => d,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) => x,
        _ => null,
    };
}
