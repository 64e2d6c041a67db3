namespace FlowRunner.Engine.Paths;

/// <summary>The one check for names that become a single folder or file name (recipe names, stage ids, run ids) and for paths that must
/// stay inside a folder: a name is letters, digits, '-', '_' and '.', not made of dots only, so it can never climb out of its folder.</summary>
public static class SafeName
{
    /// <summary>Why <paramref name="name"/> cannot be a folder name, or null when it can.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0) return "is empty";
        if (name.Length > 200) return "is longer than 200 characters";
        if (name.Any(c => c is '/' or '\\')) return "may not hold a path separator";
        if (name.All(c => c == '.')) return "may not be '.' or '..'";
        if (!name.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.')) return "may hold only letters, digits, '-', '_' and '.'";
        return null;
    }

    /// <summary>True when <paramref name="path"/> (resolved) lies strictly below <paramref name="folder"/>.</summary>
    public static bool IsInside(string folder, string path)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;
        return Path.GetFullPath(path).StartsWith(root, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> itself or below it.</summary>
    public static bool IsWithin(string folder, string path) =>
        IsInside(folder, path) || Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) == Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    /// <summary>The symbolic links below <paramref name="folder"/> that lead out of it (the target, resolved from the link's own folder, is not
    /// within the folder), as (the link's full path, its target): a stage's outputs may not reach outside their folder by a link either, or
    /// the cache, runs/ and the stages after it would read, copy and hard-link what lies there.</summary>
    public static IEnumerable<(string Link, string Target)> LinksOut(string folder)
    {
        var pending = new Stack<DirectoryInfo>([new DirectoryInfo(folder)]);
        while (pending.TryPop(out var dir))
            foreach (var entry in dir.EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0 }))
                if (entry.LinkTarget is { } target)
                {
                    // A link is never followed here, so a link to a folder above it cannot loop.
                    if (!IsWithin(folder, Path.GetFullPath(target, Path.GetDirectoryName(entry.FullName)!))) yield return (entry.FullName, target);
                }
                else if (entry is DirectoryInfo sub) pending.Push(sub);
    }

    /// <summary>Deletes <paramref name="target"/> recursively, refusing (with an <see cref="IOException"/>) anything that is not strictly below
    /// <paramref name="folder"/>: the engine never deletes outside the folder it owns.</summary>
    public static void DeleteBelow(string folder, string target)
    {
        if (!IsInside(folder, target))
            throw new IOException($"refusing to delete '{target}': it is not inside '{folder}'");
        if (Directory.Exists(target)) Directory.Delete(target, true);
    }
}
