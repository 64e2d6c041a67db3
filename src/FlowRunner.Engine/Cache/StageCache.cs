using System.Collections.Concurrent;
using System.Text.Json;
using FlowRunner.Engine.Execution;

namespace FlowRunner.Engine.Cache;

/// <summary>The content-addressed store of finished stage outputs (.flowrunner/cache/&lt;key&gt;/). Stages run in a temporary folder that is
/// renamed into place only after they succeed, with a manifest (size and SHA-256 of every file) written first; an entry is served only when
/// its files still match the manifest, so an edited, truncated or deleted output is a miss and the stage runs again. Committed files are made
/// read-only, and run folders hold hard links to them, so editing a run folder cannot silently change the cache.</summary>
public sealed class StageCache
{
    public const string ManifestName = "manifest.json";

    private readonly ConcurrentDictionary<string, string?> _verified = new();

    public StageCache(string root)
    {
        Root = root;
        Directory.CreateDirectory(TempRoot);
    }

    public string Root { get; }
    private string TempRoot => Path.Combine(Root, "tmp");

    public string PathOf(string key) => Path.Combine(Root, key[..2], key);

    /// <summary>The record of a finished stage with this key, or null; <paramref name="why"/> says why an existing entry was not usable
    /// (null when there was none).</summary>
    public StageRecord? TryGet(string key, out string? why)
    {
        why = null;
        var dir = PathOf(key);
        var file = Path.Combine(dir, StageRecord.FileName);
        if (!Directory.Exists(dir)) return null;
        why = Verify(key);
        if (why is not null) return null;
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(file), EngineJson.Default.StageRecord);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            why = $"{StageRecord.FileName} is unreadable ({e.Message})";
            return null;
        }
    }

    /// <summary>Why the entry's files no longer match its manifest, or null when they do. Checked once per entry and process.</summary>
    private string? Verify(string key) => _verified.GetOrAdd(key, k => CacheManifest.Check(PathOf(k), ManifestName));

    public string NewTempDirectory(string key)
    {
        var dir = Path.Combine(TempRoot, $"{key[..12]}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Records the manifest of a finished temporary folder, makes its files read-only and moves it into place. An existing entry is
    /// kept when it is still valid (another process got there first) unless <paramref name="replace"/> (--force, --from): then, as when it is
    /// damaged, the new output replaces it.</summary>
    public string Commit(string tempDir, string key, bool replace)
    {
        CacheManifest.Write(tempDir, ManifestName);
        foreach (var f in Directory.EnumerateFiles(tempDir, "*", SearchOption.AllDirectories))
            File.SetAttributes(f, File.GetAttributes(f) | FileAttributes.ReadOnly);
        var final = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        if (Directory.Exists(final))
        {
            _verified.TryRemove(key, out _);
            if (!replace && Verify(key) is null)
            {
                Directory.Delete(tempDir, true);
                return final;
            }
            // Move the old entry aside first so the new one appears in a single rename; the old one is deleted afterwards.
            var aside = Path.Combine(TempRoot, $"old-{key[..12]}-{Guid.NewGuid():N}");
            Directory.Move(final, aside);
            Directory.Delete(aside, true);
        }
        try
        {
            FileLinker.MoveDirectory(tempDir, final);
        }
        catch (IOException) when (Directory.Exists(final))
        {
            Directory.Delete(tempDir, true); // another process committed the same key in between: theirs is as good
        }
        _verified[key] = null;
        return final;
    }

    /// <summary>Removes temporary folders left by runs that were killed (older than an hour, so a live run's are kept).</summary>
    public void SweepAbandoned()
    {
        foreach (var d in Directory.EnumerateDirectories(TempRoot))
            if (Directory.GetLastWriteTimeUtc(d) < DateTime.UtcNow.AddHours(-1))
                try { Directory.Delete(d, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
