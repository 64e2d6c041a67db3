using System.Globalization;
using System.Text.RegularExpressions;

namespace FlowRunner.Engine.Recipes;

/// <summary>Replaces `${params.x}` in recipe values: a value that is exactly one reference takes the parameter's type, otherwise it is text.</summary>
public static partial class Interpolator
{
    [GeneratedRegex(@"\$\{\s*params\.([A-Za-z_][A-Za-z0-9_]*)\s*\}")]
    private static partial Regex Reference();

    [GeneratedRegex(@"\$\{([^}]*)\}")]
    private static partial Regex AnyReference();

    public static object? Resolve(YNode node, IReadOnlyDictionary<string, object?> parameters, List<RecipeError> errors) => node switch
    {
        YMap m => new OrderedMap(m.Entries.Select(e => new KeyValuePair<string, object?>(e.Key, Resolve(e.Value, parameters, errors)))),
        YSeq s => s.Items.Select(i => Resolve(i, parameters, errors)).ToList(),
        YScalar sc => ResolveScalar(sc, parameters, errors),
        _ => null,
    };

    private static object? ResolveScalar(YScalar s, IReadOnlyDictionary<string, object?> parameters, List<RecipeError> errors)
    {
        if (!s.Text.Contains("${")) return s.ToPlain();
        foreach (Match bad in AnyReference().Matches(s.Text))
            if (!Reference().IsMatch(bad.Value))
                errors.Add(new RecipeError(s.Mark, $"'{bad.Value}' is not a reference this recipe can resolve; write ${{params.NAME}}"));
        var whole = Reference().Match(s.Text.Trim());
        if (whole.Success && whole.Length == s.Text.Trim().Length)
            return Lookup(whole.Groups[1].Value, s, parameters, errors);
        return Reference().Replace(s.Text, m => Format(Lookup(m.Groups[1].Value, s, parameters, errors)));
    }

    private static object? Lookup(string name, YScalar s, IReadOnlyDictionary<string, object?> parameters, List<RecipeError> errors)
    {
        if (parameters.TryGetValue(name, out var v)) return v;
        errors.Add(new RecipeError(s.Mark, $"unknown parameter '{name}'{RecipeLoader.Suggest(name, parameters.Keys)}"));
        return null;
    }

    public static string Format(object? v) => v switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        string s => s,
        // Lists and maps print as YAML flow values ([4, 8], {a: 1}), never as a .NET type name.
        IEnumerable<KeyValuePair<string, object?>> m => "{" + string.Join(", ", m.Select(kv => $"{kv.Key}: {Format(kv.Value)}")) + "}",
        System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Format)) + "]",
        _ => v.ToString() ?? "",
    };
}
