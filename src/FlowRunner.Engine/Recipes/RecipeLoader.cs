using System.Globalization;

namespace FlowRunner.Engine.Recipes;

/// <summary>Loads a recipe file: reads the YAML, applies `extends:` and `--set`, checks keys and types, and collects every error.</summary>
public static class RecipeLoader
{
    public static readonly IReadOnlyList<string> TopLevelKeys =
        ["name", "description", "extends", "tech", "seed", "params", "stages", "sweep", "schedule", "retry", "executor", "regression"];

    public static readonly IReadOnlyList<string> StageKeys = ["id", "kind", "tool", "needs", "with", "retry", "description"];

    public static readonly IReadOnlyList<string> RetryKeys = ["attempts", "backoff_s", "timeout_s"];

    /// <summary>Loads and checks the recipe's own structure (not stage kinds: see <see cref="RunPlanner"/>).</summary>
    /// <param name="overrides">`--set key=value` pairs; keys are parameter names (optionally prefixed `params.`).</param>
    public static Recipe Load(string path, IEnumerable<string>? overrides = null, Paths.ReadPolicy? reads = null)
    {
        var errors = new List<RecipeError>();
        var recipe = Load(path, overrides, errors, reads);
        if (errors.Count > 0) throw new RecipeException(errors);
        return recipe!;
    }

    /// <summary>Loads what can be loaded, adding every problem to <paramref name="errors"/>; null when the file cannot be read as a recipe at all.</summary>
    public static Recipe? Load(string path, IEnumerable<string>? overrides, List<RecipeError> errors, Paths.ReadPolicy? reads = null)
    {
        var file = Path.GetFullPath(path);
        reads ??= Paths.ReadPolicy.Default;
        YMap root;
        try
        {
            root = LoadMerged(file, new HashSet<string>(), reads, Path.GetDirectoryName(file)!);
        }
        catch (RecipeException e)
        {
            errors.AddRange(e.Errors);
            return null;
        }
        ApplyOverrides(root, overrides ?? [], errors);
        return Convert(file, root, errors) is { } recipe ? recipe.WithReads(reads) : null;
    }

    private static YMap ReadMap(string file)
    {
        if (!System.IO.File.Exists(file))
            throw new RecipeException(new RecipeError(new SourceMark(file, 0, 0), "recipe file not found"));
        var node = YamlReader.Read(file, System.IO.File.ReadAllText(file));
        return node as YMap ?? throw new RecipeException(new RecipeError(node.Mark, "a recipe must be a map of keys (name, params, stages, ...)"));
    }

    private static YMap LoadMerged(string file, HashSet<string> seen, Paths.ReadPolicy reads, string recipeDirectory)
    {
        if (!seen.Add(file))
            throw new RecipeException(new RecipeError(new SourceMark(file, 1, 1), "`extends:` forms a cycle through this file"));
        var map = ReadMap(file);
        if (map["extends"] is not { } ext) return map;
        if (ext is not YScalar s || s.Text.Length == 0)
            throw new RecipeException(new RecipeError(ext.Mark, "`extends:` takes the path of another recipe"));
        var baseFile = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, s.Text));
        if (!reads.Allows(recipeDirectory, baseFile))
            throw new RecipeException(new RecipeError(ext.Mark, Paths.ReadPolicy.Refusal("`extends:`", s.Text)));
        if (!System.IO.File.Exists(baseFile))
            throw new RecipeException(new RecipeError(ext.Mark, $"`extends:` names '{s.Text}', which does not exist ({baseFile})"));
        var merged = LoadMerged(baseFile, seen, reads, recipeDirectory);
        foreach (var (key, keyMark, value) in map.Entries)
        {
            if (key == "extends") continue;
            merged.Set(key, keyMark, key switch
            {
                "params" or "retry" or "regression" when merged[key] is YMap b && value is YMap c => MergeMaps(b, c),
                "stages" when merged[key] is YSeq b && value is YSeq c => MergeStages(b, c),
                _ => value,
            });
        }
        return merged;
    }

    /// <summary>Deep merge: the child's keys win, nested maps merge.</summary>
    private static YMap MergeMaps(YMap baseMap, YMap child)
    {
        var result = new YMap(child.Mark);
        foreach (var (k, km, v) in baseMap.Entries) result.Set(k, km, v);
        foreach (var (k, km, v) in child.Entries)
            result.Set(k, km, result[k] is YMap b && v is YMap c ? MergeMaps(b, c) : v);
        return result;
    }

    /// <summary>Stages merge by id: a child stage with a base stage's id changes that stage; new ids are appended.</summary>
    private static YSeq MergeStages(YSeq baseSeq, YSeq child)
    {
        var result = new YSeq(child.Mark);
        result.Items.AddRange(baseSeq.Items);
        foreach (var item in child.Items)
        {
            var id = (item as YMap)?["id"] is YScalar s ? s.Text : null;
            var i = id is null ? -1 : result.Items.FindIndex(x => x is YMap m && m["id"] is YScalar xs && xs.Text == id);
            if (i >= 0 && result.Items[i] is YMap b && item is YMap c) result.Items[i] = MergeMaps(b, c);
            else result.Items.Add(item);
        }
        return result;
    }

    private static void ApplyOverrides(YMap root, IEnumerable<string> overrides, List<RecipeError> errors)
    {
        var n = 0;
        foreach (var o in overrides)
        {
            n++;
            var mark = new SourceMark("--set", 1, n);
            var eq = o.IndexOf('=');
            if (eq <= 0) { errors.Add(new RecipeError(mark, $"'{o}' is not of the form key=value")); continue; }
            var key = o[..eq].Trim();
            if (key.StartsWith("params.", StringComparison.Ordinal)) key = key["params.".Length..];
            if (root["params"] is not YMap ps || !ps.Contains(key))
            {
                var known = root["params"] is YMap p ? string.Join(", ", p.Entries.Select(e => e.Key)) : "none";
                errors.Add(new RecipeError(mark, $"--set {key}: the recipe has no parameter '{key}' (parameters: {known})"));
                continue;
            }
            YNode value;
            try { value = YamlReader.Read("--set", o[(eq + 1)..]); }
            catch (RecipeException) { value = new YScalar(mark, o[(eq + 1)..], false); }
            ps.Set(key, mark, Remark(value, mark));
        }
    }

    private static YNode Remark(YNode node, SourceMark mark) => node switch
    {
        YScalar s => new YScalar(mark, s.Text, s.Quoted),
        _ => node,
    };

    private static Recipe? Convert(string file, YMap root, List<RecipeError> errors)
    {
        CheckKeys(root, TopLevelKeys, "recipe", errors);
        var name = Scalar(root, "name", errors) ?? Path.GetFileNameWithoutExtension(file);
        if (Paths.SafeName.Problem(name) is { } badName)
            errors.Add(new RecipeError(root["name"]?.Mark ?? root.Mark, $"name '{name}' {badName} (it names the folder runs/<name>/)"));

        var seed = 1;
        if (root["seed"] is { } seedNode)
        {
            if (seedNode.ToPlain() is long l && l is >= int.MinValue and <= int.MaxValue) seed = (int)l;
            else errors.Add(new RecipeError(seedNode.Mark, "`seed:` must be an integer"));
        }

        var pars = new OrderedMap();
        var parMarks = new Dictionary<string, SourceMark>();
        if (root["params"] is { } pn)
        {
            if (pn is YMap pm)
                foreach (var (k, km, v) in pm.Entries)
                {
                    if (!IsIdentifier(k, allowDash: false)) errors.Add(new RecipeError(km, $"parameter name '{k}' must be an identifier"));
                    pars[k] = v.ToPlain();
                    parMarks[k] = v.Mark;
                }
            else errors.Add(new RecipeError(pn.Mark, "`params:` must be a map of name: default value"));
        }

        var stages = new List<StageSpec>();
        if (root["stages"] is YSeq seq)
        {
            foreach (var item in seq.Items)
                if (ConvertStage(item, errors) is { } st)
                {
                    if (stages.Any(s => s.Id == st.Id)) errors.Add(new RecipeError(st.Mark, $"duplicate stage id '{st.Id}'"));
                    stages.Add(st);
                }
        }
        else errors.Add(new RecipeError(root["stages"]?.Mark ?? root.Mark, "a recipe needs a `stages:` list"));

        var retry = root["retry"] is { } rn ? ConvertRetry(rn, RetrySpec.Default, errors) : RetrySpec.Default;

        return new Recipe
        {
            Name = name,
            File = file,
            Description = Text(root, "description", errors),
            Tech = Scalar(root, "tech", errors),
            TechMark = root["tech"]?.Mark,
            Seed = seed,
            Params = pars,
            ParamMarks = parMarks,
            Stages = stages,
            Sweep = MapOrNull(root, "sweep", errors),
            Schedule = MapOrNull(root, "schedule", errors),
            Regression = MapOrNull(root, "regression", errors),
            Retry = retry,
            Executor = Scalar(root, "executor", errors),
            Root = root,
        };
    }

    private static StageSpec? ConvertStage(YNode node, List<RecipeError> errors)
    {
        if (node is not YMap m) { errors.Add(new RecipeError(node.Mark, "each stage is a map with at least `id:` and `kind:`")); return null; }
        CheckKeys(m, StageKeys, "stage", errors);
        var id = Scalar(m, "id", errors);
        var kind = Scalar(m, "kind", errors);
        Text(m, "description", errors);
        if (id is null) { errors.Add(new RecipeError(m.Mark, "stage has no `id:`")); return null; }
        if (Paths.SafeName.Problem(id) is { } badId) errors.Add(new RecipeError(m["id"]!.Mark, $"stage id '{id}' {badId} (it names the stage folder)"));
        if (kind is null) { errors.Add(new RecipeError(m.Mark, $"stage '{id}' has no `kind:`")); return null; }
        var needs = new List<(string, SourceMark)>();
        switch (m["needs"])
        {
            case null: break;
            case YSeq ns:
                foreach (var n in ns.Items)
                    if (n is YScalar s) needs.Add((s.Text, s.Mark));
                    else errors.Add(new RecipeError(n.Mark, "`needs:` lists stage ids"));
                break;
            case YScalar one: needs.Add((one.Text, one.Mark)); break;
            case var other: errors.Add(new RecipeError(other.Mark, "`needs:` lists stage ids")); break;
        }
        YMap? with = null;
        if (m["with"] is { } w)
        {
            if (w is YMap wm) with = wm;
            else if (!(w is YScalar ws && ws.ToPlain() is null)) errors.Add(new RecipeError(w.Mark, "`with:` must be a map of option: value"));
        }
        return new StageSpec
        {
            Id = id,
            Kind = kind,
            Tool = Scalar(m, "tool", errors) ?? "auto",
            Needs = needs,
            With = with,
            Retry = m["retry"] is { } r ? ConvertRetry(r, null, errors) : null,
            Mark = m.Mark,
            KindMark = m["kind"]!.Mark,
            ToolMark = m["tool"]?.Mark ?? m.Mark,
        };
    }

    /// <summary>Reads a `retry:` block; missing keys come from <paramref name="fallback"/> (filled in later for stages).</summary>
    private static RetrySpec ConvertRetry(YNode node, RetrySpec? fallback, List<RecipeError> errors)
    {
        var f = fallback ?? new RetrySpec(-1, -1, -1);
        if (node is not YMap m) { errors.Add(new RecipeError(node.Mark, "`retry:` must be a map (attempts, backoff_s, timeout_s)")); return f; }
        CheckKeys(m, RetryKeys, "retry", errors);
        double Num(string key, double dflt, double min)
        {
            if (m[key] is not { } n) return dflt;
            var v = n.ToPlain() switch { long l => l, double d => d, _ => double.NaN };
            if (double.IsNaN(v) || v < min) { errors.Add(new RecipeError(n.Mark, $"`{key}` must be a number >= {min}")); return dflt; }
            return v;
        }
        return new RetrySpec((int)Num("attempts", f.Attempts, 1), Num("backoff_s", f.BackoffSeconds, 0), Num("timeout_s", f.TimeoutSeconds, 0.001));
    }

    /// <summary>Fills the unset fields of a stage's retry block from the recipe's.</summary>
    public static RetrySpec Effective(RetrySpec recipe, RetrySpec? stage) => stage is null ? recipe : new RetrySpec(
        stage.Attempts < 0 ? recipe.Attempts : stage.Attempts,
        stage.BackoffSeconds < 0 ? recipe.BackoffSeconds : stage.BackoffSeconds,
        stage.TimeoutSeconds < 0 ? recipe.TimeoutSeconds : stage.TimeoutSeconds);

    private static void CheckKeys(YMap map, IReadOnlyList<string> allowed, string what, List<RecipeError> errors)
    {
        foreach (var (k, km, _) in map.Entries)
            if (!allowed.Contains(k))
                errors.Add(new RecipeError(km, $"unknown {what} key '{k}'{Suggest(k, allowed)} (allowed: {string.Join(", ", allowed)})"));
    }

    /// <summary>" (did you mean 'x'?)" when a close name exists.</summary>
    public static string Suggest(string word, IEnumerable<string> candidates)
    {
        var best = candidates.Select(c => (c, d: Distance(word, c))).OrderBy(x => x.d).FirstOrDefault();
        return best.c is not null && best.d <= Math.Max(1, word.Length / 3) ? $" (did you mean '{best.c}'?)" : "";
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }

    /// <summary>A key holding free text, kept as written (`yes` stays yes).</summary>
    private static string? Text(YMap m, string key, List<RecipeError> errors)
    {
        switch (m[key])
        {
            case null: return null;
            case YScalar s: return s.Text;
            case var n: errors.Add(new RecipeError(n.Mark, $"`{key}:` must be text")); return null;
        }
    }

    private static string? Scalar(YMap m, string key, List<RecipeError> errors)
    {
        switch (m[key])
        {
            case null: return null;
            case YScalar s: return System.Convert.ToString(s.ToPlain(), CultureInfo.InvariantCulture) ?? s.Text;
            case var n: errors.Add(new RecipeError(n.Mark, $"`{key}:` must be a single value")); return null;
        }
    }

    private static YMap? MapOrNull(YMap m, string key, List<RecipeError> errors)
    {
        switch (m[key])
        {
            case null: return null;
            case YMap map: return map;
            case var n: errors.Add(new RecipeError(n.Mark, $"`{key}:` must be a map")); return null;
        }
    }

    private static bool IsIdentifier(string s, bool allowDash) =>
        s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || c == '_' || (allowDash && c is '-' or '.'));
}
