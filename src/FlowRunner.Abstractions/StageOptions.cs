using System.Globalization;

namespace FlowRunner.Abstractions;

/// <summary>The resolved `with:` values of a stage, with typed accessors that name the stage and key in their errors.</summary>
public sealed class StageOptions(string stageId, IReadOnlyDictionary<string, object?> values)
{
    public string StageId { get; } = stageId;
    public IReadOnlyDictionary<string, object?> Values { get; } = values;

    public bool Has(string key) => Values.TryGetValue(key, out var v) && v is not null;

    public object? Raw(string key) => Values.TryGetValue(key, out var v) ? v : null;

    /// <summary>A string option is one line: a newline or another control character in it is refused here, naming the option, so that no
    /// stage writes it into a script or quotes it across the lines of an error.</summary>
    public string String(string key, string fallback = "") => Raw(key) switch
    {
        null => fallback,
        string s when s.FirstOrDefault(char.IsControl) is var c && c != '\0' =>
            throw new StageFailedException($"stage '{StageId}': `with.{key}` holds the control character U+{(int)c:X4}{(c == '\n' ? " (a newline)" : "")}; a string option is one line"),
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var o => o.ToString() ?? fallback,
    };

    public string? StringOrNull(string key) => Raw(key) is null ? null : String(key);

    public int Int(string key, int fallback = 0) => Raw(key) is null ? fallback : checked((int)Long(key));

    public long Long(string key, long fallback = 0) => Raw(key) switch
    {
        null => fallback,
        long l => l,
        int i => i,
        double d when d == Math.Floor(d) => (long)d,
        string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
        var o => throw Bad(key, o, "an integer"),
    };

    public double Double(string key, double fallback = 0) => Raw(key) switch
    {
        null => fallback,
        double d => d,
        long l => l,
        int i => i,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        var o => throw Bad(key, o, "a number"),
    };

    public bool Bool(string key, bool fallback = false) => Raw(key) switch
    {
        null => fallback,
        bool b => b,
        string s when bool.TryParse(s, out var b) => b,
        var o => throw Bad(key, o, "true or false"),
    };

    public IReadOnlyList<object?> List(string key) => Raw(key) switch
    {
        null => Array.Empty<object?>(),
        IReadOnlyList<object?> l => l,
        var o => [o],
    };

    public IReadOnlyDictionary<string, object?> Map(string key) => Raw(key) switch
    {
        null => new Dictionary<string, object?>(),
        IReadOnlyDictionary<string, object?> m => m,
        var o => throw Bad(key, o, "a map"),
    };

    /// <summary>A nested map as options of its own, e.g. `qat: { word: 4, int: 2 }`.</summary>
    public StageOptions Section(string key) => new($"{StageId}.{key}", Map(key));

    private StageFailedException Bad(string key, object o, string what) =>
        new($"stage '{StageId}': `with.{key}` must be {what}, got '{o}'");
}
