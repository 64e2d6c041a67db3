using System.Globalization;
using System.Text;
using FlowRunner.Abstractions;
using FlowRunner.Engine.Cache;
using FlowRunner.Engine.Recipes;

namespace FlowRunner.Engine.Execution;

/// <summary>The cache key of a stage: hash of its kind, adapter, the adapter's code, tool versions, resolved options (and the contents of
/// files they name), seed, tech file and the output hashes of every upstream stage.</summary>
public static class CacheKey
{
    private const string Version = "flowrunner-cache-v2";
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<System.Reflection.Assembly, string> CodeIds = new();

    /// <summary>The identity of the code an adapter runs: the module version ids of its assembly and of every non-framework assembly it
    /// references, directly or not. Builds are deterministic, so the id changes exactly when that code changes: a new FlowRunner (or plugin)
    /// that emits different RTL never gets the old RTL from the cache.</summary>
    public static string CodeId(System.Reflection.Assembly assembly) => CodeIds.GetOrAdd(assembly, a =>
    {
        var seen = new SortedDictionary<string, Guid>(StringComparer.Ordinal);
        var pending = new Stack<System.Reflection.Assembly>([a]);
        while (pending.TryPop(out var next))
        {
            var name = next.GetName().Name ?? "";
            if (seen.ContainsKey(name) || IsFramework(name)) continue;
            seen[name] = next.ManifestModule.ModuleVersionId;
            foreach (var reference in next.GetReferencedAssemblies())
            {
                if (IsFramework(reference.Name ?? "") || seen.ContainsKey(reference.Name ?? "")) continue;
                try { pending.Push(System.Reflection.Assembly.Load(reference)); }
                catch (IOException) { } // an optional reference that is not deployed cannot have run
                catch (BadImageFormatException) { }
            }
        }
        return ContentHash.OfText(string.Join('\n', seen.Select(kv => $"{kv.Key} {kv.Value}")));
    });

    private static bool IsFramework(string name) =>
        name.StartsWith("System", StringComparison.Ordinal) || name.StartsWith("Microsoft", StringComparison.Ordinal) || name is "mscorlib" or "netstandard";

    public static string Compute(ResolvedStage stage, IToolAdapter adapter, IReadOnlyList<ToolInfo> tools,
        string techHash, string recipeDirectory, IReadOnlyList<StageRecord> upstream)
    {
        var sb = new StringBuilder(512);
        sb.Append(Version).Append('\n').Append(stage.Spec.Kind).Append('\n').Append(adapter.Id).Append('\n');
        sb.Append("code ").Append(CodeId(adapter.GetType().Assembly)).Append('\n');
        foreach (var t in tools) sb.Append("tool ").Append(t.Name).Append('=').Append(t.Version).Append('\n');
        sb.Append("options ");
        Canonical(sb, stage.Options);
        sb.Append('\n');
        foreach (var (key, value) in stage.Options.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            if (value is string s && s.Length is > 0 and < 1024 && FileOf(s, recipeDirectory) is { } file)
                sb.Append("file ").Append(key).Append('=').Append(ContentHash.OfFile(file)).Append('\n');
        sb.Append("seed ").Append(stage.Seed).Append('\n');
        sb.Append("tech ").Append(techHash).Append('\n');
        foreach (var u in upstream) sb.Append("in ").Append(u.Kind).Append('=').Append(u.OutputHash).Append('\n');
        return ContentHash.OfText(sb.ToString());
    }

    private static string? FileOf(string value, string recipeDirectory)
    {
        if (value.IndexOfAny(Path.GetInvalidPathChars()) >= 0 || value.Contains('\n')) return null;
        try
        {
            var path = Path.IsPathRooted(value) ? value : Path.Combine(recipeDirectory, value);
            return File.Exists(path) ? path : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Writes a value as JSON with map keys sorted, so equal options always give equal text.</summary>
    public static void Canonical(StringBuilder sb, object? v)
    {
        switch (v)
        {
            case null: sb.Append("null"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case string s: sb.Append('"').Append(s.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append('"'); break;
            case double d: sb.Append(d.ToString("R", CultureInfo.InvariantCulture)); break;
            case IFormattable f when v is long or int: sb.Append(f.ToString(null, CultureInfo.InvariantCulture)); break;
            case IEnumerable<KeyValuePair<string, object?>> map:
                sb.Append('{');
                var first = true;
                foreach (var (k, x) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    if (!first) sb.Append(',');
                    first = false;
                    Canonical(sb, k);
                    sb.Append(':');
                    Canonical(sb, x);
                }
                sb.Append('}');
                break;
            case System.Collections.IEnumerable list:
                sb.Append('[');
                var f2 = true;
                foreach (var x in list)
                {
                    if (!f2) sb.Append(',');
                    f2 = false;
                    Canonical(sb, x);
                }
                sb.Append(']');
                break;
            default: Canonical(sb, v.ToString()); break;
        }
    }
}
