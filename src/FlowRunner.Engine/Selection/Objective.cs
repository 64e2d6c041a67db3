using FlowRunner.Engine.Expressions;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Results;

namespace FlowRunner.Engine.Selection;

/// <summary>One goal: a metric to make small or large.</summary>
public sealed record Goal(string Metric, bool Maximize)
{
    public override string ToString() => $"{(Maximize ? "maximize" : "minimize")} {Metric}";

    /// <summary>Negative when a is better than b; a missing value (NaN) is worst.</summary>
    public int Compare(PointResult a, PointResult b)
    {
        var x = a.Metrics.GetValueOrDefault(Metric, double.NaN);
        var y = b.Metrics.GetValueOrDefault(Metric, double.NaN);
        if (double.IsNaN(x) || double.IsNaN(y)) return double.IsNaN(x) == double.IsNaN(y) ? 0 : double.IsNaN(x) ? 1 : -1;
        return Maximize ? y.CompareTo(x) : x.CompareTo(y);
    }
}

/// <summary>The recipe's `sweep.objective`: a primary goal, constraints (`subject_to`) and tie-breaking goals (`then`), in order.</summary>
public sealed record Objective(IReadOnlyList<Goal> Goals, IReadOnlyList<Expression> Constraints)
{
    public static Objective Default { get; } = new([new Goal("energy_per_inference_uj", false), new Goal("area_um2", false)], []);

    /// <summary>Reads `objective: { minimize|maximize: METRIC, subject_to: EXPR or [EXPR...], then: [{ minimize: M }, ...] }`.</summary>
    public static Objective From(YMap? sweep)
    {
        if (sweep?["objective"] is not YMap m) return Default;
        var errors = new List<RecipeError>();
        var goals = new List<Goal>();
        if (ReadGoal(m, errors) is { } g) goals.Add(g);
        if (m["then"] is YSeq then)
            foreach (var t in then.Items)
                if (t is YMap tm && ReadGoal(tm, errors) is { } tg) goals.Add(tg);
                else if (t is not YMap) errors.Add(new RecipeError(t.Mark, "`then:` lists goals such as { minimize: area_um2 }"));
        var constraints = new List<Expression>();
        var nodes = m["subject_to"] switch { YScalar s => [s], YSeq seq => seq.Items, null => [], var n => [n] };
        foreach (var n in nodes)
        {
            if (n is not YScalar s) { errors.Add(new RecipeError(n.Mark, "`subject_to:` takes expressions")); continue; }
            try { constraints.Add(Expression.Parse(s.Text)); }
            catch (FormatException e) { errors.Add(new RecipeError(s.Mark, e.Message)); }
        }
        if (goals.Count == 0) errors.Add(new RecipeError(m.Mark, "`objective:` needs `minimize: METRIC` or `maximize: METRIC`"));
        if (errors.Count > 0) throw new RecipeException(errors);
        return new Objective(goals, constraints);
    }

    private static Goal? ReadGoal(YMap m, List<RecipeError> errors)
    {
        if (m["minimize"] is YScalar min) return new Goal(min.Text, false);
        if (m["maximize"] is YScalar max) return new Goal(max.Text, true);
        errors.Add(new RecipeError(m.Mark, "a goal is `minimize: METRIC` or `maximize: METRIC`"));
        return null;
    }

    /// <summary>Does a point meet every constraint? Unknown names make it fail, with the reason.</summary>
    public bool Admits(PointResult p, out string? reason)
    {
        foreach (var c in Constraints)
        {
            try
            {
                if (!c.IsTrue(p.Lookup)) { reason = $"fails {c.Text}"; return false; }
            }
            catch (FormatException e)
            {
                reason = e.Message;
                return false;
            }
        }
        reason = null;
        return true;
    }

    public int Compare(PointResult a, PointResult b)
    {
        foreach (var g in Goals)
        {
            var c = g.Compare(a, b);
            if (c != 0) return c;
        }
        return string.CompareOrdinal(a.PointId, b.PointId);
    }
}

/// <summary>Picks the best design point and computes Pareto fronts.</summary>
public static class Selector
{
    /// <summary>The best successful point that meets the constraints, or null with the reason when there is none.</summary>
    public static (PointResult? Best, string Why) Best(IReadOnlyList<PointResult> points, Objective objective)
    {
        var ok = points.Where(p => p.Succeeded).ToList();
        if (points.Count == 0) return (null, "the run has no design points");
        if (ok.Count == 0) return (null, $"every design point failed ({points.Count} of {points.Count})");
        var admitted = ok.Where(p => objective.Admits(p, out _)).ToList();
        if (admitted.Count == 0)
        {
            objective.Admits(ok[0], out var why);
            return (null, $"no successful point meets the constraints ({ok.Count} succeeded; e.g. {ok[0].PointId} {why})");
        }
        admitted.Sort(objective.Compare);
        return (admitted[0], $"{admitted.Count} of {points.Count} points qualify; best by {string.Join(", then ", objective.Goals)}");
    }

    /// <summary>The points no other point beats on every goal (and strictly on one).</summary>
    public static IReadOnlyList<PointResult> ParetoFront(IReadOnlyList<PointResult> points, IReadOnlyList<Goal> goals)
    {
        var ok = points.Where(p => p.Succeeded && goals.All(g => p.Metrics.ContainsKey(g.Metric))).ToList();
        return ok.Where(p => !ok.Any(q => !ReferenceEquals(p, q) && Dominates(q, p, goals))).ToList();
    }

    public static bool Dominates(PointResult a, PointResult b, IReadOnlyList<Goal> goals) =>
        goals.All(g => g.Compare(a, b) <= 0) && goals.Any(g => g.Compare(a, b) < 0);

    public static IReadOnlyList<Goal> DefaultParetoGoals { get; } =
        [new Goal("accuracy", true), new Goal("energy_per_inference_uj", false), new Goal("area_um2", false)];
}
