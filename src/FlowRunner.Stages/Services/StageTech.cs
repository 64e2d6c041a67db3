using System.Collections.Concurrent;
using FlowRunner.Abstractions;
using FlowRunner.Tech;

namespace FlowRunner.Stages.Services;

/// <summary>The recipe's technology as every stage gets it: loaded once per tech file and version of it, with one error handling (a missing
/// `tech:` names the stage and what it needs the tech for; a malformed tech.yaml gives the loader's line).</summary>
public static class StageTech
{
    private static readonly ConcurrentDictionary<(string File, DateTime Written), Lazy<TechDescription>> Loaded = new();

    /// <summary>The stage's tech; <paramref name="neededFor"/> says why, in the error when the recipe sets none.</summary>
    public static TechDescription Tech(this StageContext c, string neededFor = "")
    {
        if (c.TechFile is null)
            throw new StageFailedException($"stage '{c.StageId}' ({c.Kind}) needs a technology{(neededFor.Length > 0 ? $" ({neededFor})" : "")}: set `tech:` in the recipe");
        var file = Path.GetFullPath(c.TechFile);
        var key = (file, File.Exists(file) ? File.GetLastWriteTimeUtc(file) : default);
        try
        {
            return Loaded.GetOrAdd(key, k => new Lazy<TechDescription>(() => TechLoader.LoadFile(k.File))).Value;
        }
        catch (Exception e) when (e is TechFormatException or FileNotFoundException or YamlDotNet.Core.YamlException)
        {
            Loaded.TryRemove(key, out _);
            throw new StageFailedException(e.Message, e);
        }
    }
}
