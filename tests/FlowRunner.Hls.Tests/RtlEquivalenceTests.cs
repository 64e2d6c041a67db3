using FlowRunner.Hls.Tests.Support;
using FlowRunner.Tech.Tests.Support;

namespace FlowRunner.Hls.Tests;

/// <summary>The generated RTL, simulated by Icarus, computes the C# bit-accurate model's logits bit for bit, in the cycles the schedule says;
/// it is clean under Verilator's lint and synthesizes in Yosys without latches or inferred memories.</summary>
public class RtlEquivalenceTests
{
    [Theory]
    [InlineData("ac_fixed<32,16,true,AC_RND,AC_SAT>", 1, 1)]
    [InlineData("ac_fixed<16,8,true,AC_RND,AC_SAT>", 2, 3)]
    [InlineData("ac_fixed<8,4,true,AC_RND,AC_SAT>", 3, 20)]
    [InlineData("ac_fixed<4,2,true,AC_RND,AC_SAT>", 8, 5)]
    [InlineData("ac_fixed<6,3,true,AC_TRN,AC_WRAP>", 5, 3)]
    [InlineData("ac_fixed<5,2,true,AC_RND_CONV,AC_SAT_SYM>", 6, 3)]
    public void Rtl_logits_equal_the_model_and_cycles_equal_the_schedule(string format, int lanes, int images)
    {
        using var dir = new TempDir();
        var (a, files) = HlsRig.Emit(dir.Path, HlsRig.Network(), format, lanes, images);
        var run = HlsRig.Simulate(dir.Path, files);
        Assert.True(run.Output.Contains($"PASS {images} images"), run.ToString());
        Assert.Equal(a.CyclesPerInference, HlsRig.MeasuredCycles(run));
    }

    [Fact]
    public void A_wrong_weight_in_rom_is_caught_by_the_bench()
    {
        using var dir = new TempDir();
        var (_, files) = HlsRig.Emit(dir.Path, HlsRig.Network(), "ac_fixed<8,4,true,AC_RND,AC_SAT>", 2, 2);
        var rom = Path.Combine(dir.Path, "rtl", "rom_conv2d1.hex");
        var lines = File.ReadAllLines(rom);
        lines[0] = new string('7', lines[0].Length);
        File.WriteAllLines(rom, lines);
        var run = HlsRig.Simulate(dir.Path, files);
        Assert.Contains("FAIL", run.Output);
    }

    [Fact]
    public void Each_image_is_judged_on_its_own_logits()
    {
        using var dir = new TempDir();
        var (_, files) = HlsRig.Emit(dir.Path, HlsRig.Network(), "ac_fixed<8,4,true,AC_RND,AC_SAT>", 2, 3);
        var path = Path.Combine(dir.Path, files.Vectors);
        var lines = File.ReadAllLines(path);
        // One wrong expected logit in the first image only.
        var first = Array.FindIndex(lines, l => l.StartsWith("logits ", StringComparison.Ordinal));
        var logits = lines[first].Split(' ');
        logits[1] = (long.Parse(logits[1]) + 1).ToString();
        lines[first] = string.Join(' ', logits);
        File.WriteAllLines(path, lines);
        var run = HlsRig.Simulate(dir.Path, files);
        var verdicts = run.Output.Split('\n').Where(l => l.StartsWith("image ", StringComparison.Ordinal) && l.Contains(" cycles ")).Select(l => l.Split(' ')[^1]).ToList();
        Assert.Equal(["MISMATCH", "ok", "ok"], verdicts);
        Assert.Contains("FAIL 1 mismatches", run.Output);
    }

    [Theory]
    [InlineData("ac_fixed<8,4,true,AC_RND,AC_SAT>", 1)]
    [InlineData("ac_fixed<4,2,true,AC_RND,AC_SAT>", 8)]
    [InlineData("ac_fixed<10,5,true,AC_RND,AC_SAT>", 3)]
    public void Rtl_is_clean_under_verilator_lint_all(string format, int lanes)
    {
        using var dir = new TempDir();
        var (_, files) = HlsRig.Emit(dir.Path, HlsRig.Network(), format, lanes, 1);
        var run = Tool.Run("verilator", new[] { "--lint-only", "-Wall", "--top-module", "accel" }.Concat(files.Rtl), dir.Path);
        Assert.True(run.ExitCode == 0 && !run.Output.Contains("%Warning"), run.ToString());
    }

    [Fact]
    public void Rtl_synthesizes_in_yosys_without_latches_or_inferred_memories()
    {
        using var dir = new TempDir();
        var (_, files) = HlsRig.Emit(dir.Path, HlsRig.Network(), "ac_fixed<8,4,true,AC_RND,AC_SAT>", 2, 1);
        var memories = files.Rtl.Where(f => Path.GetFileName(f).StartsWith("mem_") || Path.GetFileName(f).StartsWith("rom_"));
        var logic = files.Rtl.Except(memories);
        var script = $"read_verilog -lib {string.Join(' ', memories)}\nread_verilog {string.Join(' ', logic)}\nhierarchy -check -top accel\nsynth -top accel\n" +
                     "select -assert-none t:$dlatch t:$_DLATCH_*\nselect -assert-none t:$mem t:$mem_v2\nstat\n";
        File.WriteAllText(dir.File("synth.ys"), script);
        var run = Tool.Run("yosys", ["-s", "synth.ys"], dir.Path, timeoutSeconds: 300);
        Assert.True(run.ExitCode == 0, run.ToString()[^Math.Min(3000, run.Output.Length)..]);
        Assert.Contains("$_DFF", run.Output);
        Assert.Contains("rom_conv2d1", run.Output);
    }
}
