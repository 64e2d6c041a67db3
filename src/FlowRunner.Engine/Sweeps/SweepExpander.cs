using FlowRunner.Engine.Expressions;
using FlowRunner.Engine.Recipes;

namespace FlowRunner.Engine.Sweeps;

/// <summary>Expands a recipe's `sweep:` block into design points: grid x zip x list x random, then drops points that fail `where`.</summary>
public static class SweepExpander
{
    public static readonly IReadOnlyList<string> SweepKeys = ["grid", "zip", "list", "random", "where", "objective", "pareto"];

    public static IReadOnlyList<DesignPoint> Expand(Recipe recipe)
    {
        var errors = new List<RecipeError>();
        var points = Expand(recipe, errors);
        if (errors.Count > 0) throw new RecipeException(errors);
        return points;
    }

    public static IReadOnlyList<DesignPoint> Expand(Recipe recipe, List<RecipeError> errors)
    {
        var sweep = recipe.Sweep;
        if (sweep is null) return [new DesignPoint("p000", new OrderedMap(recipe.Params), new OrderedMap())];
        foreach (var (k, km, _) in sweep.Entries)
            if (!SweepKeys.Contains(k))
                errors.Add(new RecipeError(km, $"unknown sweep key '{k}'{RecipeLoader.Suggest(k, SweepKeys)} (allowed: {string.Join(", ", SweepKeys)})"));

        IEnumerable<OrderedMap> combos = [new OrderedMap()];
        if (sweep["grid"] is { } g) combos = Product(combos, Grid(g, recipe, errors));
        if (sweep["zip"] is { } z) combos = Product(combos, Zip(z, recipe, errors));
        if (sweep["list"] is { } l) combos = Product(combos, List(l, recipe, errors));
        if (sweep["random"] is { } r) combos = Product(combos, Random(r, recipe, errors));
        var all = combos.ToList();

        var filters = new List<(Expression Expr, SourceMark Mark)>();
        switch (sweep["where"])
        {
            case null: break;
            case YScalar s: AddFilter(s, filters, errors); break;
            case YSeq seq: foreach (var i in seq.Items) if (i is YScalar si) AddFilter(si, filters, errors); else errors.Add(new RecipeError(i.Mark, "`where:` lists expressions")); break;
            case var n: errors.Add(new RecipeError(n.Mark, "`where:` takes an expression or a list of them")); break;
        }
        if (errors.Count > 0) return [];

        var points = new List<DesignPoint>();
        foreach (var swept in all)
        {
            var pars = new OrderedMap(recipe.Params);
            foreach (var (k, v) in swept) pars[k] = v;
            var keep = true;
            foreach (var (expr, mark) in filters)
            {
                try { keep &= expr.IsTrue(n => pars.TryGetValue(n, out var v) ? v : null); }
                catch (FormatException e) { errors.Add(new RecipeError(mark, e.Message)); return []; }
            }
            if (keep) points.Add(new DesignPoint($"p{points.Count:000}", pars, swept));
        }
        if (points.Count == 0) errors.Add(new RecipeError(sweep.Mark, $"the sweep leaves no design point ({all.Count} before `where:`)"));
        return points;
    }

    private static void AddFilter(YScalar s, List<(Expression, SourceMark)> filters, List<RecipeError> errors)
    {
        try { filters.Add((Expression.Parse(s.Text), s.Mark)); }
        catch (FormatException e) { errors.Add(new RecipeError(s.Mark, e.Message)); }
    }

    private static IEnumerable<OrderedMap> Product(IEnumerable<OrderedMap> a, IReadOnlyList<OrderedMap> b)
    {
        foreach (var x in a)
            foreach (var y in b)
            {
                var m = new OrderedMap(x);
                foreach (var (k, v) in y) m[k] = v;
                yield return m;
            }
    }

    private static bool CheckParam(string name, SourceMark mark, Recipe recipe, List<RecipeError> errors)
    {
        if (recipe.Params.ContainsKey(name)) return true;
        errors.Add(new RecipeError(mark, $"the sweep names '{name}', which is not in `params:`{RecipeLoader.Suggest(name, recipe.Params.Keys)}"));
        return false;
    }

    private static IReadOnlyList<object?> Values(YNode n, List<RecipeError> errors)
    {
        if (n is YSeq s && s.Items.Count > 0) return s.Items.Select(i => i.ToPlain()).ToList();
        errors.Add(new RecipeError(n.Mark, "expected a non-empty list of values"));
        return [];
    }

    private static IReadOnlyList<OrderedMap> Grid(YNode node, Recipe recipe, List<RecipeError> errors)
    {
        if (node is not YMap m) { errors.Add(new RecipeError(node.Mark, "`grid:` maps each parameter to a list of values")); return []; }
        IEnumerable<OrderedMap> acc = [new OrderedMap()];
        foreach (var (k, km, v) in m.Entries)
        {
            if (!CheckParam(k, km, recipe, errors)) continue;
            var vals = Values(v, errors);
            acc = Product(acc, vals.Select(x => new OrderedMap { [k] = x }).ToList());
        }
        return acc.ToList();
    }

    private static IReadOnlyList<OrderedMap> Zip(YNode node, Recipe recipe, List<RecipeError> errors)
    {
        if (node is not YMap m) { errors.Add(new RecipeError(node.Mark, "`zip:` maps each parameter to a list; the lists run side by side")); return []; }
        var cols = m.Entries.Where(e => CheckParam(e.Key, e.KeyMark, recipe, errors)).Select(e => (e.Key, e.Value, Vals: Values(e.Value, errors))).ToList();
        if (cols.Count == 0) return [new OrderedMap()];
        var n = cols[0].Vals.Count;
        foreach (var c in cols.Where(c => c.Vals.Count != n))
            errors.Add(new RecipeError(c.Value.Mark, $"`zip:` lists must have the same length: '{c.Key}' has {c.Vals.Count}, '{cols[0].Key}' has {n}"));
        return Enumerable.Range(0, cols.Min(c => c.Vals.Count))
            .Select(i => new OrderedMap(cols.Select(c => new KeyValuePair<string, object?>(c.Key, c.Vals[i])))).ToList();
    }

    private static IReadOnlyList<OrderedMap> List(YNode node, Recipe recipe, List<RecipeError> errors)
    {
        if (node is not YSeq s) { errors.Add(new RecipeError(node.Mark, "`list:` is a list of points, each a map of parameter: value")); return []; }
        var result = new List<OrderedMap>();
        foreach (var item in s.Items)
        {
            if (item is not YMap m) { errors.Add(new RecipeError(item.Mark, "each `list:` point is a map of parameter: value")); continue; }
            var p = new OrderedMap();
            foreach (var (k, km, v) in m.Entries) if (CheckParam(k, km, recipe, errors)) p[k] = v.ToPlain();
            result.Add(p);
        }
        return result;
    }

    private static IReadOnlyList<OrderedMap> Random(YNode node, Recipe recipe, List<RecipeError> errors)
    {
        if (node is not YMap m || m["count"]?.ToPlain() is not long count || count < 1 || m["ranges"] is not YMap ranges)
        {
            errors.Add(new RecipeError(node.Mark, "`random:` needs `count:` (a positive integer), `ranges:` (parameter: [low, high] or a list of choices) and optionally `seed:`"));
            return [];
        }
        var seed = m["seed"]?.ToPlain() is long s ? (int)s : recipe.Seed;
        var rng = new Random(seed);
        var result = new List<OrderedMap>();
        var specs = ranges.Entries.Where(e => CheckParam(e.Key, e.KeyMark, recipe, errors)).ToList();
        for (var i = 0; i < count; i++)
        {
            var p = new OrderedMap();
            foreach (var (k, _, v) in specs)
            {
                if (v is YSeq seq && seq.Items.Count == 2 && seq.Items[0].ToPlain() is long lo && seq.Items[1].ToPlain() is long hi)
                    p[k] = lo + (long)(rng.NextDouble() * (hi - lo + 1));
                else if (v is YSeq seq2 && seq2.Items.Count == 2 && seq2.Items.All(x => x.ToPlain() is long or double))
                {
                    var a = Convert.ToDouble(seq2.Items[0].ToPlain());
                    var b = Convert.ToDouble(seq2.Items[1].ToPlain());
                    p[k] = a + rng.NextDouble() * (b - a);
                }
                else if (v is YMap choice && choice["choices"] is YSeq cs && cs.Items.Count > 0)
                    p[k] = cs.Items[rng.Next(cs.Items.Count)].ToPlain();
                else
                    errors.Add(new RecipeError(v.Mark, $"random range of '{k}' must be [low, high] or {{ choices: [...] }}"));
            }
            result.Add(p);
        }
        return result;
    }
}
