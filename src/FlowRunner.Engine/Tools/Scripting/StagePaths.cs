namespace FlowRunner.Engine.Tools.Scripting;

/// <summary>How a tool script names a file: a file inside the stage folder by its path relative to that folder (the folder a stage runs in
/// is renamed into the cache when it succeeds, so its absolute path is gone by then; replay.sh runs from the committed folder), any other
/// file (upstream stages' committed folders, the tech) by its full path.</summary>
public static class StagePaths
{
    /// <param name="baseDirectory">The folder the tool runs in (the stage folder or a folder inside it).</param>
    public static string For(string baseDirectory, string path, string? stageDirectory = null)
    {
        var full = Path.GetFullPath(path);
        var stage = Path.GetFullPath(stageDirectory ?? baseDirectory);
        var inside = full == stage || full.StartsWith(stage.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        return inside ? Path.GetRelativePath(Path.GetFullPath(baseDirectory), full) : full;
    }
}
