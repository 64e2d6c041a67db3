using System.Runtime.InteropServices;

namespace FlowRunner.Engine.Cache;

/// <summary>Mirrors a folder by hard links (no copy, no extra space) and falls back to copying where links are not possible.</summary>
public static partial class FileLinker
{
    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string oldPath, string newPath);

    private static bool _linksWork = !OperatingSystem.IsWindows();

    public static void MirrorDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var dir in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, dir)));
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            LinkOrCopy(file, Path.Combine(target, Path.GetRelativePath(source, file)));
    }

    /// <summary>Moves a folder; where a rename is not possible (another file system: "Invalid cross-device link"), copies it and deletes the
    /// source, so the target appears complete or, on failure, is removed again.</summary>
    public static void MoveDirectory(string source, string target)
    {
        try
        {
            Directory.Move(source, target);
            return;
        }
        catch (IOException) when (Directory.Exists(source) && !Directory.Exists(target) && Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(target))))
        {
            // A rename across file systems fails; anything else (a full disk) fails again below and is reported by the copy.
        }
        var partial = target + ".partial-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            CopyDirectory(source, partial);
            Directory.Move(partial, target);
        }
        catch
        {
            try { if (Directory.Exists(partial)) Directory.Delete(partial, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
        Directory.Delete(source, true);
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var dir in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, dir)));
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)));
    }

    public static void LinkOrCopy(string source, string target)
    {
        if (File.Exists(target)) File.Delete(target);
        if (_linksWork)
        {
            try
            {
                if (Link(source, target) == 0) return;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                _linksWork = false;
            }
        }
        File.Copy(source, target);
    }
}
