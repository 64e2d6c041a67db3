using FlowRunner.Abstractions;
using System.Globalization;

namespace FlowRunner.Tech.Liberty;

/// <summary>A Liberty group, `type (arguments) { attributes and groups }`, as read from or written to a .lib file.</summary>
public sealed class LibertyGroup(string type, params string[] arguments)
{
    public string Type { get; } = type;
    public List<string> Arguments { get; } = [.. arguments];
    private readonly List<LibertyAttribute> _attributes = [];
    private readonly List<LibertyGroup> _groups = [];
    private readonly List<object> _statements = [];

    public IReadOnlyList<LibertyAttribute> Attributes => _attributes;
    public IReadOnlyList<LibertyGroup> Groups => _groups;

    /// <summary>Attributes and groups in file order (Liberty readers care: e.g. operating_conditions before default_operating_conditions).</summary>
    public IReadOnlyList<object> Statements => _statements;

    /// <summary>Line of the group's header in the source file (0 for groups built in code).</summary>
    public int Line { get; init; }

    /// <summary>The first argument, which names most groups (`cell (INVX1)`, `pin (A)`).</summary>
    public string Name => Arguments.Count > 0 ? Arguments[0] : "";

    public LibertyAttribute? Attribute(string name) => Attributes.FirstOrDefault(a => a.Name == name);

    /// <summary>The text of a simple attribute, or null when the group has none of that name.</summary>
    public string? Text(string name) => Attribute(name) is { } a && a.Values.Count > 0 ? a.Values[0].Text : null;

    /// <summary>A simple attribute parsed as a number; null when absent or not numeric.</summary>
    public double? Number(string name) =>
        Text(name) is { } t && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>A numeric attribute that must be a number when present: `area : abc;` is an error naming the file and its line, not a missing value.</summary>
    public double? Number(string name, string file)
    {
        if (Attribute(name) is not { } a || a.Values.Count == 0) return null;
        var t = a.Values[0].Text;
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw new LibertyFormatException(file, a.Line, $"{Type} '{Name}': {name} '{FileExcerpt.Token(t)}' is not a number");
    }

    public IEnumerable<LibertyGroup> GroupsOf(string type) => Groups.Where(g => g.Type == type);

    public LibertyGroup? Group(string type, string? name = null) =>
        Groups.FirstOrDefault(g => g.Type == type && (name is null || g.Name == name));

    /// <summary>Adds a simple attribute with a bare value (`direction : input ;`).</summary>
    public LibertyGroup Set(string name, string value) => Add(new LibertyAttribute(name, [new LibertyValue(value, false)], false));

    public LibertyGroup Set(string name, double value) => Set(name, LibertyValue.Format(value));

    /// <summary>Adds a simple attribute with a quoted value (`function : "!A" ;`).</summary>
    public LibertyGroup SetQuoted(string name, string value) => Add(new LibertyAttribute(name, [new LibertyValue(value, true)], false));

    /// <summary>Adds a complex attribute (`capacitive_load_unit (1, pf) ;`).</summary>
    public LibertyGroup SetComplex(string name, params LibertyValue[] values) => Add(new LibertyAttribute(name, values, true));

    public LibertyGroup Add(LibertyAttribute attribute)
    {
        _attributes.Add(attribute);
        _statements.Add(attribute);
        return this;
    }

    public LibertyGroup Add(LibertyGroup child)
    {
        _groups.Add(child);
        _statements.Add(child);
        return this;
    }

    /// <summary>Removes the child groups of a type (and, when given, a name); returns how many.</summary>
    public int RemoveGroups(string type, string? name = null)
    {
        var gone = _groups.Where(g => g.Type == type && (name is null || g.Name == name)).ToList();
        foreach (var g in gone)
        {
            _groups.Remove(g);
            _statements.Remove(g);
        }
        return gone.Count;
    }

    /// <summary>Adds a child group and returns it, for building files in code.</summary>
    public LibertyGroup AddGroup(string type, params string[] arguments)
    {
        var g = new LibertyGroup(type, arguments);
        Add(g);
        return g;
    }

    public override string ToString() => $"{Type} ({string.Join(", ", Arguments)})";
}

/// <summary>A Liberty attribute: simple (`name : value ;`) or complex (`name (v1, v2, ...) ;`).</summary>
public sealed record LibertyAttribute(string Name, IReadOnlyList<LibertyValue> Values, bool IsComplex)
{
    /// <summary>Line in the source file (0 for attributes built in code).</summary>
    public int Line { get; init; }

    public string Text => Values.Count > 0 ? Values[0].Text : "";
}

/// <summary>One value of an attribute: its text and whether it was written in double quotes.</summary>
public readonly record struct LibertyValue(string Text, bool Quoted)
{
    public static LibertyValue Bare(string text) => new(text, false);
    public static LibertyValue Quote(string text) => new(text, true);

    /// <summary>Formats a number the way Liberty readers (Yosys, OpenSTA) accept it: invariant, no exponent, at most 9 decimals.</summary>
    public static string Format(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(nameof(value), value, "Liberty numbers must be finite");
        var s = value.ToString("0.#########", CultureInfo.InvariantCulture);
        return s == "-0" ? "0" : s;
    }

    /// <summary>A comma-separated list of numbers in one quoted string, as in `index_1 ("0.1, 0.2")`.</summary>
    public static LibertyValue List(IEnumerable<double> values) => Quote(string.Join(", ", values.Select(Format)));
}
