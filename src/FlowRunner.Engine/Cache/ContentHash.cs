using System.Security.Cryptography;
using System.Text;

namespace FlowRunner.Engine.Cache;

/// <summary>SHA-256 hashes of text, files and whole folders (paths and contents), as lowercase hex.</summary>
public static class ContentHash
{
    public static string OfText(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public static string OfFile(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }

    /// <summary>Hash of every file below a folder (relative path and bytes), in a fixed order, leaving out the named top-level files.</summary>
    public static string OfDirectory(string dir, IReadOnlySet<string> excludeTopLevel)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var files = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(dir, f).Replace('\\', '/'))
            .Where(r => !excludeTopLevel.Contains(r))
            .OrderBy(r => r, StringComparer.Ordinal);
        var buffer = new byte[81920];
        foreach (var rel in files)
        {
            h.AppendData(Encoding.UTF8.GetBytes(rel + "\0"));
            using var s = File.OpenRead(Path.Combine(dir, rel));
            int n;
            while ((n = s.Read(buffer, 0, buffer.Length)) > 0) h.AppendData(buffer, 0, n);
            h.AppendData("\0"u8);
        }
        return Convert.ToHexStringLower(h.GetHashAndReset());
    }
}
