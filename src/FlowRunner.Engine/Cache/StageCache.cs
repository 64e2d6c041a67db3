using System.Text.Json;
using FlowRunner.Engine.Execution;

namespace FlowRunner.Engine.Cache;

/// <summary>The content-addressed store of finished stage outputs (.flowrunner/cache/&lt;key&gt;/): a folder there is complete by construction,
/// because stages run in a temporary folder that is renamed into place only after they succeed.</summary>
public sealed class StageCache
{
    public StageCache(string root)
    {
        Root = root;
        Directory.CreateDirectory(TempRoot);
    }

    public string Root { get; }
    private string TempRoot => Path.Combine(Root, "tmp");

    public string PathOf(string key) => Path.Combine(Root, key[..2], key);

    /// <summary>The record of a finished stage with this key, or null.</summary>
    public StageRecord? TryGet(string key)
    {
        var file = Path.Combine(PathOf(key), StageRecord.FileName);
        if (!File.Exists(file)) return null;
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(file), EngineJson.Default.StageRecord);
        }
        catch (JsonException)
        {
            return null; // unreadable means not usable: the stage runs again
        }
    }

    public string NewTempDirectory(string key)
    {
        var dir = Path.Combine(TempRoot, $"{key[..12]}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Moves a finished temporary folder into place; when another process got there first, keeps theirs.</summary>
    public string Commit(string tempDir, string key)
    {
        var final = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        try
        {
            Directory.Move(tempDir, final);
        }
        catch (IOException) when (Directory.Exists(final))
        {
            Directory.Delete(tempDir, true);
        }
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
