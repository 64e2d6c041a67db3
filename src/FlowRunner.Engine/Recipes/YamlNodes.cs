using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FlowRunner.Engine.Recipes;

/// <summary>A place in a source file (1-based line and column), carried by every recipe value so errors can point at it.</summary>
public readonly record struct SourceMark(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>A YAML value with its place in the file: a map, a sequence or a scalar.</summary>
public abstract class YNode(SourceMark mark)
{
    public SourceMark Mark { get; } = mark;

    /// <summary>Converts to plain values: ordered dictionaries, lists, string, long, double, bool or null.</summary>
    public abstract object? ToPlain();
}

/// <summary>A YAML mapping; keys keep their order and their own places. Lookups go through an index, so large maps (a `params:` block of
/// 80,000 keys) load in linear time.</summary>
public sealed class YMap(SourceMark mark) : YNode(mark)
{
    private readonly List<(string Key, SourceMark KeyMark, YNode Value)> _entries = new();
    private readonly Dictionary<string, int> _index = new();

    public IReadOnlyList<(string Key, SourceMark KeyMark, YNode Value)> Entries => _entries;

    public YNode? this[string key] => _index.TryGetValue(key, out var i) ? _entries[i].Value : null;

    public bool Contains(string key) => _index.ContainsKey(key);

    /// <summary>Adds a key, or replaces its value (and place) where it was.</summary>
    public void Set(string key, SourceMark keyMark, YNode value)
    {
        if (_index.TryGetValue(key, out var i)) _entries[i] = (key, keyMark, value);
        else
        {
            _index[key] = _entries.Count;
            _entries.Add((key, keyMark, value));
        }
    }

    public override object? ToPlain()
    {
        var d = new OrderedMap();
        foreach (var (k, _, v) in _entries) d[k] = v.ToPlain();
        return d;
    }
}

/// <summary>A YAML sequence.</summary>
public sealed class YSeq(SourceMark mark) : YNode(mark)
{
    public List<YNode> Items { get; } = new();

    public override object? ToPlain() => Items.Select(i => i.ToPlain()).ToList();
}

/// <summary>A YAML scalar; an unquoted scalar is typed (null, bool, integer, number), a quoted one stays a string.</summary>
public sealed class YScalar(SourceMark mark, string text, bool quoted) : YNode(mark)
{
    public string Text { get; } = text;
    public bool Quoted { get; } = quoted;

    public override object? ToPlain() => Quoted ? Text : Infer(Text);

    public static object? Infer(string t)
    {
        if (t is "" or "~" or "null" or "Null" or "NULL") return null;
        if (t is "true" or "True" or "TRUE") return true;
        if (t is "false" or "False" or "FALSE") return false;
        if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && !t.EndsWith('.')) return d;
        return t;
    }
}

/// <summary>An insertion-ordered string-keyed map used for plain recipe values (so resolved recipes print in file order).</summary>
public sealed class OrderedMap : IDictionary<string, object?>, IReadOnlyDictionary<string, object?>
{
    private readonly Dictionary<string, object?> _values = new();
    private readonly List<string> _order = new();

    public OrderedMap() { }

    public OrderedMap(IEnumerable<KeyValuePair<string, object?>> items)
    {
        foreach (var (k, v) in items) this[k] = v;
    }

    public object? this[string key]
    {
        get => _values[key];
        set { if (!_values.ContainsKey(key)) _order.Add(key); _values[key] = value; }
    }

    public ICollection<string> Keys => _order.ToList();
    public ICollection<object?> Values => _order.Select(k => _values[k]).ToList();
    IEnumerable<string> IReadOnlyDictionary<string, object?>.Keys => _order;
    IEnumerable<object?> IReadOnlyDictionary<string, object?>.Values => _order.Select(k => _values[k]);
    public int Count => _order.Count;
    public bool IsReadOnly => false;

    public void Add(string key, object? value)
    {
        if (_values.ContainsKey(key)) throw new ArgumentException($"duplicate key '{key}'");
        this[key] = value;
    }

    public void Add(KeyValuePair<string, object?> item) => Add(item.Key, item.Value);
    public void Clear() { _values.Clear(); _order.Clear(); }
    public bool Contains(KeyValuePair<string, object?> item) => _values.Contains(item);
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    public void CopyTo(KeyValuePair<string, object?>[] array, int arrayIndex)
    {
        foreach (var kv in this) array[arrayIndex++] = kv;
    }

    public bool Remove(string key) => _values.Remove(key) && _order.Remove(key);
    public bool Remove(KeyValuePair<string, object?> item) => Remove(item.Key);
    public bool TryGetValue(string key, out object? value) => _values.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() =>
        _order.Select(k => new KeyValuePair<string, object?>(k, _values[k])).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Reads a YAML file into <see cref="YNode"/>s with places; syntax errors become <see cref="RecipeException"/>s naming file, line and column.</summary>
public static class YamlReader
{
    public static YNode Read(string file, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var message = Clean(e);
            var mark = new SourceMark(file, (int)e.Start.Line, (int)e.Start.Column);
            if (message.Contains("tab", StringComparison.OrdinalIgnoreCase)) mark = FirstIndentingTab(file, text, mark);
            throw new RecipeException(new RecipeError(mark, $"YAML syntax: {message}"));
        }
        if (stream.Documents.Count == 0) throw new RecipeException(new RecipeError(new SourceMark(file, 1, 1), "the file is empty"));
        return Convert(file, stream.Documents[0].RootNode);
    }

    /// <summary>YamlDotNet places an indentation-tab error at the start of the enclosing map (often line 1, column 1); the place to fix
    /// is the first tab in a line's indentation at or after it.</summary>
    private static SourceMark FirstIndentingTab(string file, string text, SourceMark from)
    {
        var lines = text.Split('\n');
        for (var i = Math.Max(0, from.Line - 1); i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', 0, indent);
            if (tab >= 0) return new SourceMark(file, i + 1, tab + 1);
        }
        return from;
    }

    private static string Clean(YamlException e) => (e.InnerException?.Message ?? e.Message).Trim();

    private static YNode Convert(string file, YamlNode node)
    {
        var mark = new SourceMark(file, (int)node.Start.Line, (int)node.Start.Column);
        switch (node)
        {
            case YamlMappingNode m:
                var map = new YMap(mark);
                foreach (var (k, v) in m.Children)
                {
                    var keyMark = new SourceMark(file, (int)k.Start.Line, (int)k.Start.Column);
                    if (k is not YamlScalarNode ks)
                        throw new RecipeException(new RecipeError(keyMark, "map keys must be plain names"));
                    var key = ks.Value ?? "";
                    if (map.Contains(key))
                        throw new RecipeException(new RecipeError(keyMark, $"duplicate key '{key}'"));
                    map.Set(key, keyMark, Convert(file, v));
                }
                return map;
            case YamlSequenceNode s:
                var seq = new YSeq(mark);
                foreach (var c in s.Children) seq.Items.Add(Convert(file, c));
                return seq;
            case YamlScalarNode sc:
                return new YScalar(mark, sc.Value ?? "", sc.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded);
            default:
                throw new RecipeException(new RecipeError(mark, "aliases and tags are not supported in recipes"));
        }
    }
}
