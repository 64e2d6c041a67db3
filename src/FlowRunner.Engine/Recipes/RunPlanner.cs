using System.Globalization;
using FlowRunner.Abstractions;
using FlowRunner.Engine.Registry;
using FlowRunner.Engine.Sweeps;

namespace FlowRunner.Engine.Recipes;

/// <summary>Checks a loaded recipe against the known stage kinds and builds its <see cref="RunPlan"/>; every error is collected with its place.</summary>
public static class RunPlanner
{
    /// <summary>Loads and plans a recipe file, reporting the loader's and the planner's errors together.</summary>
    public static RunPlan PlanFile(string file, IEnumerable<string> overrides, StageRegistry registry, Paths.ReadPolicy? reads = null)
    {
        var errors = new List<RecipeError>();
        var recipe = RecipeLoader.Load(file, overrides, errors, reads);
        var plan = recipe is null ? null : Plan(recipe, registry, errors);
        if (errors.Count > 0 || plan is null) throw new RecipeException(errors.Distinct().ToList());
        return plan;
    }

    public static RunPlan Plan(Recipe recipe, StageRegistry registry)
    {
        var errors = new List<RecipeError>();
        var plan = Plan(recipe, registry, errors);
        if (errors.Count > 0) throw new RecipeException(errors.Distinct().ToList());
        return plan!;
    }

    public static RunPlan? Plan(Recipe recipe, StageRegistry registry, List<RecipeError> errors)
    {
        string? techFile = null;
        if (recipe.Tech is { } named && Paths.SafeName.Problem(named) is { } badTech)
            errors.Add(new RecipeError(recipe.TechMark ?? new SourceMark(recipe.File, 1, 1), $"tech '{named}' {badTech} (it names a folder under tech/)"));
        else if (recipe.Tech is { } tech)
        {
            techFile = TechLocator.Find(tech, recipe.Directory);
            if (techFile is null)
                errors.Add(new RecipeError(recipe.TechMark ?? new SourceMark(recipe.File, 1, 1),
                    $"tech '{tech}' not found (looked for tech/{tech}/tech.yaml beside the recipe and above it, and in FLOWRUNNER_TECH_PATH; known: {string.Join(", ", TechLocator.Known(recipe.Directory))})"));
        }

        foreach (var s in recipe.Stages)
        {
            var kind = registry.Stage(s.Kind);
            if (kind is null)
            {
                errors.Add(new RecipeError(s.KindMark, $"stage '{s.Id}': unknown stage kind '{s.Kind}'{RecipeLoader.Suggest(s.Kind, registry.Stages.Select(k => k.Kind))} (see `flowrunner stages`)"));
                continue;
            }
            if (s.Tool != "auto" && registry.Adapters(s.Kind).All(a => a.Id != s.Tool))
                errors.Add(new RecipeError(s.ToolMark, $"stage '{s.Id}': kind '{s.Kind}' has no adapter '{s.Tool}' (adapters: auto, {string.Join(", ", registry.Adapters(s.Kind).Select(a => a.Id))})"));
            foreach (var (need, mark) in s.Needs)
                if (recipe.Stage(need) is null)
                    errors.Add(new RecipeError(mark, $"stage '{s.Id}' needs '{need}', which is not a stage of this recipe{RecipeLoader.Suggest(need, recipe.Stages.Select(x => x.Id))}"));
        }

        var order = TopologicalOrder(recipe, errors);
        var upstream = order is null ? null : Ancestors(recipe, order);

        if (techFile is not null)
            foreach (var s in recipe.Stages)
                if (registry.Stage(s.Kind)?.TechProblem(techFile) is { } problem)
                    errors.Add(new RecipeError(s.Mark, $"stage '{s.Id}' ({s.Kind}): {problem}"));

        Regression.MetricLimit.From(recipe.Regression, errors);
        Schedules.ScheduleSpec.From(recipe.Schedule, errors);
        var points = SweepExpander.Expand(recipe, errors);
        if (order is null || upstream is null || points.Count == 0) return null;

        var stages = new Dictionary<string, IReadOnlyList<ResolvedStage>>();
        foreach (var p in points)
        {
            var list = new List<ResolvedStage>();
            foreach (var id in order)
            {
                var spec = recipe.Stage(id)!;
                if (registry.Stage(spec.Kind) is not { } kind) continue;
                var options = ResolveOptions(spec, kind, p, recipe, errors);
                var seed = options.TryGetValue("seed", out var sv) && sv is long l ? (int)l : recipe.Seed;
                list.Add(new ResolvedStage
                {
                    Spec = spec, Kind = kind, Options = options, Seed = seed,
                    Retry = RecipeLoader.Effective(recipe.Retry, spec.Retry),
                    Upstream = upstream[id],
                });
            }
            if (p == points[0]) CheckViews(recipe, registry, list, errors);
            stages[p.Id] = list;
            if (errors.Count > 0) break; // one point's errors say it all; the others would repeat them
        }
        return errors.Count > 0 ? null : new RunPlan { Recipe = recipe, Points = points, Stages = stages, TechFile = techFile };
    }

    /// <summary>Every view a stage needs with its options has a producer upstream that writes it with its own options (a stage's options
    /// may turn an optional read into a needed one, or rule out an optional write: model.import with `dataset: none`).</summary>
    private static void CheckViews(Recipe recipe, StageRegistry registry, IReadOnlyList<ResolvedStage> stages, List<RecipeError> errors)
    {
        var byId = stages.ToDictionary(s => s.Id);
        foreach (var s in stages)
            foreach (var read in s.Kind.ReadsWith(s.Options).Where(r => !r.IsOptional))
                if (MissingView(registry, s.Upstream.Where(byId.ContainsKey).Select(u => byId[u]).ToList(), s, read) is { } problem)
                    errors.Add(new RecipeError(s.Spec.Mark, problem));
    }

    /// <summary>Why a stage's needed view has no producer among its upstream stages, or null when one always writes it.</summary>
    private static string? MissingView(StageRegistry registry, IReadOnlyList<ResolvedStage> upstream, ResolvedStage stage, ViewUse read)
    {
        var view = read.View;
        if (upstream.Any(u => u.Kind.WritesWith(u.Options).Any(w => w.Name == view.Name && !w.IsOptional))) return null;
        var needs = $"stage '{stage.Id}' ({stage.Spec.Kind}) needs view '{view.Name}'" + (read.When.Length > 0 ? $" ({read.When})" : "");
        var sometimes = upstream.Where(u => u.Kind.Writes.Any(w => w.Name == view.Name)).ToList();
        if (sometimes.Count > 0)
            return $"{needs}, which its upstream {string.Join(", ", sometimes.Select(u => u.Spec.Kind).Distinct())} writes only "
                + string.Join("; ", sometimes.SelectMany(u => u.Kind.Writes).Where(w => w.Name == view.Name).Select(w => w.When).Distinct());
        var writers = registry.Stages.Where(k => k.Writes.Any(w => w.Name == view.Name && !w.IsOptional)).Select(k => k.Kind).ToList();
        return $"{needs}, which no stage upstream writes; "
            + (writers.Count > 0 ? $"add a {string.Join(" or ", writers)} stage to its `needs:`" : "no known stage kind writes it");
    }

    public static bool Matches(string kind, string wanted) =>
        kind == wanted || kind.StartsWith(wanted + ".", StringComparison.Ordinal);

    private static List<string>? TopologicalOrder(Recipe recipe, List<RecipeError> errors)
    {
        var state = new Dictionary<string, int>();
        var order = new List<string>();
        var stack = new List<string>();
        var ok = true;

        void Visit(StageSpec s)
        {
            if (!ok) return;
            state.TryGetValue(s.Id, out var st);
            if (st == 2) return;
            if (st == 1)
            {
                var cycle = stack.Skip(stack.IndexOf(s.Id)).Append(s.Id);
                errors.Add(new RecipeError(s.Mark, $"`needs:` form a cycle: {string.Join(" -> ", cycle)}"));
                ok = false;
                return;
            }
            state[s.Id] = 1;
            stack.Add(s.Id);
            foreach (var (n, _) in s.Needs)
                if (recipe.Stage(n) is { } dep) Visit(dep);
            stack.RemoveAt(stack.Count - 1);
            state[s.Id] = 2;
            order.Add(s.Id);
        }

        foreach (var s in recipe.Stages) Visit(s);
        return ok ? order : null;
    }

    private static Dictionary<string, IReadOnlyList<string>> Ancestors(Recipe recipe, List<string> order)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var id in order)
        {
            var list = new List<string>();
            var direct = recipe.Stage(id)!.Needs.Select(n => n.Id).Where(n => recipe.Stage(n) is not null).Distinct().ToList();
            list.AddRange(direct);
            foreach (var d in direct)
                foreach (var a in result[d])
                    if (!list.Contains(a)) list.Add(a);
            result[id] = list;
        }
        return result;
    }

    private static OrderedMap ResolveOptions(StageSpec spec, IStage kind, DesignPoint point, Recipe recipe, List<RecipeError> errors)
    {
        var result = new OrderedMap();
        var refused = new HashSet<string>(); // given but refused: one error each, not a second "needs option"
        var given = spec.With;
        if (given is not null)
            foreach (var (key, keyMark, node) in given.Entries)
            {
                var opt = kind.Options.FirstOrDefault(o => o.Key == key);
                if (opt is null)
                {
                    errors.Add(new RecipeError(keyMark, $"stage '{spec.Id}' ({spec.Kind}) has no option '{key}'{RecipeLoader.Suggest(key, kind.Options.Select(o => o.Key))} (options: {string.Join(", ", kind.Options.Select(o => o.Key))})"));
                    continue;
                }
                // A string option keeps the text as written: `format: 8.10` must not become the number 8.1.
                object? value = opt.Type == OptionType.String && node is YScalar { Quoted: false } sc && !sc.Text.Contains("${")
                    ? sc.Text
                    : Interpolator.Resolve(node, point.Params, errors);
                if (value is string path && Paths.ReadPolicy.MayEscape(path))
                {
                    var full = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(recipe.Directory, path));
                    if ((File.Exists(full) || Directory.Exists(full)) && !recipe.Reads.Allows(recipe.Directory, full))
                    {
                        errors.Add(new RecipeError(node.Mark, $"stage '{spec.Id}': " + Paths.ReadPolicy.Refusal($"option '{key}' reads", path)));
                        refused.Add(key);
                        continue;
                    }
                }
                if (Check(opt, value) is { } problem)
                {
                    var where = point.Swept.Count > 0 ? $" at design point {point.Label}" : "";
                    errors.Add(new RecipeError(node.Mark, $"stage '{spec.Id}': option '{key}' {problem}{where}"));
                    refused.Add(key);
                    continue;
                }
                result[key] = Coerce(opt, value);
            }
        foreach (var opt in kind.Options)
        {
            if (result.ContainsKey(opt.Key) || refused.Contains(opt.Key)) continue;
            if (opt.Key == "seed") result["seed"] = (long)recipe.Seed;
            else if (opt.Required) errors.Add(new RecipeError(spec.Mark, $"stage '{spec.Id}' ({spec.Kind}) needs option '{opt.Key}': {opt.Description}"));
            else if (opt.Default is not null) result[opt.Key] = Coerce(opt, opt.Default is int i ? (long)i : opt.Default);
        }
        return result;
    }

    /// <summary>Why a value does not fit an option's type, or null when it does.</summary>
    public static string? Check(StageOption opt, object? value)
    {
        if (value is null) return opt.Required ? "must have a value" : null;
        var ok = opt.Type switch
        {
            OptionType.String => value is string or long or double or bool,
            OptionType.Int => value is long || value is double d && d == Math.Floor(d),
            OptionType.Double => value is long or double,
            OptionType.Bool => value is bool,
            OptionType.List => value is IList<object?> || value is string or long or double or bool,
            OptionType.Map => value is IDictionary<string, object?>,
            _ => true,
        };
        if (!ok) return $"must be {Describe(opt.Type)}, got {Show(value)}";
        if (opt.Choices is { } choices && !choices.Contains(Interpolator.Format(value)))
            return $"must be one of {string.Join(", ", choices)}, got '{Interpolator.Format(value)}'{RecipeLoader.Suggest(Interpolator.Format(value), choices)}";
        if (opt.PlainName && !Tools.Scripting.Verilog.IsIdentifier(Interpolator.Format(value)))
            return "must be a cell or port name (a letter or _, then letters, digits, _)";
        if (opt.Form?.Invoke(Interpolator.Format(value)) is { } wrong) return wrong;
        return null;
    }

    private static object? Coerce(StageOption opt, object? v) => opt.Type switch
    {
        OptionType.String when v is not null and not string => Interpolator.Format(v),
        OptionType.Int when v is double d => (long)d,
        OptionType.Int when v is int i => (long)i,
        OptionType.Double when v is long l => (double)l,
        OptionType.Double when v is int i => (double)i,
        OptionType.List when v is not null and not IList<object?> => new List<object?> { v },
        _ => v,
    };

    private static string Describe(OptionType t) => t switch
    {
        OptionType.Int => "an integer",
        OptionType.Double => "a number",
        OptionType.Bool => "true or false",
        OptionType.List => "a list",
        OptionType.Map => "a map",
        _ => "text",
    };

    private static string Show(object v) => v switch
    {
        string s => $"'{s}'",
        IList<object?> => "a list",
        IDictionary<string, object?> => "a map",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };
}
