using FlowRunner.Hls.Architecture;
using FlowRunner.Hls.Tests.Support;
using FlowRunner.Tech.Memories;
using FlowRunner.Tech.Tests.Support;

namespace FlowRunner.Hls.Tests;

/// <summary>The accelerator with its behavioral memories replaced by the memory compiler's split wrappers and macro models still computes
/// the model's logits bit for bit (the RTL-to-model bench of hls.emit, reused for memory.generate).</summary>
public class MacroEquivalenceTests
{
    [Theory]
    [InlineData("generic45", 2.0, 0)]
    [InlineData("osu018", 0, 48)]
    public void Rtl_with_split_macros_equals_the_model(string techName, double maxKbits, int maxWidth)
    {
        using var dir = new TempDir();
        var (a, files) = HlsRig.Emit(dir.Path, HlsRig.Network(), "ac_fixed<8,4,true,AC_RND,AC_SAT>", 3, 2);
        var tech = TestPaths.Tech(techName);
        var compiler = new MemoryCompiler(tech);
        var plans = AcceleratorMemories.Of(a)
            .Select(m => compiler.Plan(m.Memory, new SplitOptions(SplitLimits.FromKbits(maxKbits, 0, maxWidth))))
            .ToList();
        Assert.Contains(plans, p => p.Macros.Count > 1); // the limits really split memories
        Assert.Contains(plans, p => p.Memory.Kind == MemoryKind.Rom && p.Macros.Count > 1);
        var outputs = MemoryOutputWriter.Write(plans, tech, Path.Combine(dir.Path, "memory"));

        var rtl = Path.Combine(dir.Path, "rtl");
        var sources = new List<string> { "-g2005", "-o", "tb.vvp", Path.Combine(dir.Path, files.Testbench) };
        var memoryModules = plans.Select(p => $"rtl/{p.Memory.Module}.v").ToHashSet();
        sources.AddRange(files.Rtl.Where(f => !memoryModules.Contains(f)).Select(f => Path.Combine(dir.Path, f)));
        sources.AddRange(outputs.Wrappers.Values.Concat(outputs.Macros.Select(m => m.Verilog)).Select(f => Path.Combine(dir.Path, "memory", f)));
        var compile = Tool.Run("iverilog", sources, rtl);
        Assert.True(compile.ExitCode == 0, compile.ToString());
        var run = Tool.Run("vvp", ["-n", "tb.vvp", "+vectors=" + Path.Combine(dir.Path, files.Vectors)], rtl, 600);
        Assert.True(run.Output.Contains("PASS 2 images"), run.ToString());
        Assert.Equal(a.CyclesPerInference, HlsRig.MeasuredCycles(run));
    }
}
