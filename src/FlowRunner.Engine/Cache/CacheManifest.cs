using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowRunner.Engine.Cache;

/// <summary>manifest.json of a cache entry: the size and SHA-256 of every file, recorded when the entry is committed and checked when it is served.</summary>
public sealed record CacheManifest(IReadOnlyList<CacheManifest.Entry> Files)
{
    /// <summary>One file: its path relative to the entry (with '/'), size in bytes and SHA-256.</summary>
    public sealed record Entry(string Path, long Size, string Sha256);

    public static CacheManifest Of(string dir, string manifestName) => new(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
        .Select(f => (Full: f, Rel: System.IO.Path.GetRelativePath(dir, f).Replace('\\', '/')))
        .Where(x => x.Rel != manifestName)
        .OrderBy(x => x.Rel, StringComparer.Ordinal)
        .Select(x => new Entry(x.Rel, new FileInfo(x.Full).Length, ContentHash.OfFile(x.Full)))
        .ToList());

    public static void Write(string dir, string manifestName) =>
        File.WriteAllText(System.IO.Path.Combine(dir, manifestName), JsonSerializer.Serialize(Of(dir, manifestName), CacheJson.Default.CacheManifest));

    /// <summary>Why the folder's files differ from its manifest (the first difference found), or null when they match. Sizes are compared before
    /// any file is hashed, so a truncated or deleted file costs nothing to detect.</summary>
    public static string? Check(string dir, string manifestName)
    {
        var file = System.IO.Path.Combine(dir, manifestName);
        CacheManifest? m;
        try
        {
            if (!File.Exists(file)) return $"it has no {manifestName} (committed by an older FlowRunner or damaged)";
            m = JsonSerializer.Deserialize(File.ReadAllText(file), CacheJson.Default.CacheManifest);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return $"its {manifestName} is unreadable ({e.Message})";
        }
        if (m?.Files is null) return $"its {manifestName} is empty";
        var recorded = m.Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var f in m.Files)
        {
            var path = System.IO.Path.Combine(dir, f.Path);
            if (!File.Exists(path)) return $"{f.Path} is missing";
            if (new FileInfo(path).Length != f.Size) return $"{f.Path} changed size ({new FileInfo(path).Length} bytes, {f.Size} when committed)";
        }
        foreach (var f in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
        {
            var rel = System.IO.Path.GetRelativePath(dir, f).Replace('\\', '/');
            if (rel != manifestName && !recorded.Contains(rel)) return $"{rel} was added after the entry was committed";
        }
        foreach (var f in m.Files)
            if (ContentHash.OfFile(System.IO.Path.Combine(dir, f.Path)) != f.Sha256) return $"{f.Path} was modified after it was committed (its hash differs)";
        return null;
    }
}

/// <summary>Source-generated JSON metadata for <see cref="CacheManifest"/>.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(CacheManifest))]
public partial class CacheJson : JsonSerializerContext;
