using System.Security.Cryptography;
using System.Text;
using FlowRunner.Hls.Tests.Support;
using FlowRunner.Tech.Tests.Support;

namespace FlowRunner.Hls.Tests;

/// <summary>The reference network's emitted files (RTL, ROM images, test bench, C++, schedule) stay byte for byte what they were before the
/// layer kinds grew (kernels, strides, padding, conv1d, pools, batch-norm, activations): the main job's metrics depend on them. A change to
/// them must be deliberate (the digests changed once, when schedule.json became the typed ScheduleRecord; the RTL and C++ did not).</summary>
public class ReferenceOutputTests
{
    [Theory]
    [InlineData("ac_fixed<8,4,true,AC_RND,AC_SAT>", 2, 32, "REF_8_2")]
    [InlineData("ac_fixed<6,3,true,AC_TRN,AC_WRAP>", 5, 32, "REF_6_5")]
    [InlineData("ac_fixed<16,8,true,AC_RND,AC_SAT>", 1, 16, "REF_16_1")]
    public void Reference_network_files_are_unchanged(string format, int lanes, int bus, string expected)
    {
        using var dir = new TempDir();
        var (_, files) = HlsRig.Emit(dir.Path, HlsRig.Network(), format, lanes, 2, bus: bus);
        var digest = Digest(dir.Path, System.Text.Json.JsonSerializer.Serialize(files.Schedule));
        Assert.True(Expected[expected] == digest, $"{expected}: the emitted files changed, digest {digest}");
    }

    /// <summary>SHA-256 over every emitted file's relative path and content, in path order, and the schedule record.</summary>
    private static string Digest(string root, string schedule)
    {
        using var sha = SHA256.Create();
        var sb = new StringBuilder();
        foreach (var f in Directory.GetFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var rel = Path.GetRelativePath(root, f).Replace('\\', '/');
            if (rel.EndsWith(".vvp", StringComparison.Ordinal)) continue;
            sb.Append(rel).Append(' ').Append(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))).Append('\n');
        }
        sb.Append("schedule ").Append(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(schedule)))).Append('\n');
        return Convert.ToHexString(sha.ComputeHash(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    private static readonly Dictionary<string, string> Expected = new()
    {
        ["REF_8_2"] = "02977AF9E23B98DC7ED67C5B2948E9C64684CF323FD5272DE456295B48BFA229",
        ["REF_6_5"] = "4709F67F59CD2501CA735D053B20794442A4C438EF910D19A8349126C8A93EBD",
        ["REF_16_1"] = "091C1F454CFE07F6947A593FA19C3464DAE7107766646CEE34517E8064030C5E",
    };
}
