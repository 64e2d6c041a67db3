using System.Security.Cryptography;
using System.Text;
using FlowRunner.Hls.Tests.Support;
using FlowRunner.Tech.Tests.Support;

namespace FlowRunner.Hls.Tests;

/// <summary>The reference network's emitted files (RTL, ROM images, test bench, C++, schedule) stay byte for byte what they were before the
/// layer kinds grew (kernels, strides, padding, conv1d): the main job's metrics depend on them. A change to them must be deliberate.</summary>
public class ReferenceOutputTests
{
    [Theory]
    [InlineData("ac_fixed<8,4,true,AC_RND,AC_SAT>", 2, 32, "REF_8_2")]
    [InlineData("ac_fixed<6,3,true,AC_TRN,AC_WRAP>", 5, 32, "REF_6_5")]
    [InlineData("ac_fixed<16,8,true,AC_RND,AC_SAT>", 1, 16, "REF_16_1")]
    public void Reference_network_files_are_unchanged(string format, int lanes, int bus, string expected)
    {
        using var dir = new TempDir();
        HlsRig.Emit(dir.Path, HlsRig.Network(), format, lanes, 2, bus: bus);
        var digest = Digest(dir.Path);
        Assert.True(Expected[expected] == digest, $"{expected}: the emitted files changed, digest {digest}");
    }

    /// <summary>SHA-256 over every emitted file's relative path and content, in path order.</summary>
    private static string Digest(string root)
    {
        using var sha = SHA256.Create();
        var sb = new StringBuilder();
        foreach (var f in Directory.GetFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var rel = Path.GetRelativePath(root, f).Replace('\\', '/');
            if (rel.EndsWith(".vvp", StringComparison.Ordinal)) continue;
            sb.Append(rel).Append(' ').Append(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))).Append('\n');
        }
        return Convert.ToHexString(sha.ComputeHash(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    private static readonly Dictionary<string, string> Expected = new()
    {
        ["REF_8_2"] = "F34C42FEA13B177DDE6C47558D0D724F4DBF5DCD50F70942FF5EC792EBFB5B40",
        ["REF_6_5"] = "20B5B3D28781FB6A2F1F0FA0B5CDCC65CBA2D86422DA4F8064C2D59698EE6A4D",
        ["REF_16_1"] = "B59E811E4F0B1FD701D534F3023B4858841599FFCFDBF6C736AE7CA50ECE2B17",
    };
}
