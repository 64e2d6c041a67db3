using FlowRunner.Hls.Tests.Support;
using FlowRunner.Tech.Tests.Support;

namespace FlowRunner.Hls.Tests;

/// <summary>The emitted HLS C++ compiles with g++ in its float form (no Algorithmic C headers) and its test bench agrees with the float model.</summary>
public class HlsCppTests
{
    [Fact]
    public void Float_form_compiles_runs_and_matches_the_float_model()
    {
        using var dir = new TempDir();
        var (a, files) = HlsRig.Emit(dir.Path, HlsRig.Network(), "ac_fixed<8,4,true,AC_RND,AC_SAT>", 2, 6);
        var source = File.ReadAllText(dir.File(files.Cpp));
        Assert.Contains("#pragma hls_unroll yes", source);
        Assert.Contains("#pragma hls_pipeline_init_interval 1", source);
        Assert.Contains("typedef ac_fixed<8, 4, true, AC_RND, AC_SAT> conv2d1_in_t;", source);
        var compile = Tool.Run("g++", ["-O2", "-std=c++17", "-Wall", "-Wno-unknown-pragmas", "-DFLOWRUNNER_FLOAT", "-o", "accel_float", files.Cpp], dir.Path, 300);
        Assert.True(compile.ExitCode == 0, compile.ToString());
        var run = Tool.Run(dir.File("accel_float"), [files.Vectors], dir.Path);
        Assert.True(run.ExitCode == 0 && run.Output.Contains("PASS 6 images"), run.ToString());
        Assert.Equal(6, run.Output.Split('\n').Count(l => l.StartsWith("image ")));
        Assert.Equal(a.Classes + 5, run.Output.Split('\n')[0].Split(' ').Length);
    }

    [Fact]
    public void Float_form_fails_on_wrong_expected_logits()
    {
        using var dir = new TempDir();
        var (_, files) = HlsRig.Emit(dir.Path, HlsRig.Network(), "ac_fixed<8,4,true,AC_RND,AC_SAT>", 2, 1);
        var vectors = dir.File(files.Vectors);
        var lines = File.ReadAllLines(vectors);
        var i = Array.FindIndex(lines, l => l.StartsWith("float_logits "));
        lines[i] = "float_logits " + string.Join(' ', Enumerable.Repeat("123.5", 10));
        File.WriteAllLines(vectors, lines);
        Assert.Equal(0, Tool.Run("g++", ["-O1", "-DFLOWRUNNER_FLOAT", "-o", "accel_float", files.Cpp], dir.Path, 300).ExitCode);
        var run = Tool.Run(dir.File("accel_float"), [files.Vectors], dir.Path);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAIL", run.Output);
    }
}
