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
