using System.Text;
using System.Text.RegularExpressions;
using FlowRunner.Tech.Memories;
using FlowRunner.Tech.Tests.Support;

namespace FlowRunner.Tech.Tests.Memories;

/// <summary>The wrappers against the unsplit behavioral models, cycle by cycle in Icarus Verilog on seeded random traffic, and lint-clean in Verilator.</summary>
public sealed class WrapperSimulationTests : IDisposable
{
    private readonly TempDir _dir = new();
    private static readonly Lazy<TechDescription> Generic45 = new(() => TestPaths.Tech("generic45"));

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, int, int, bool, int, int, SplitKind> Cases => new()
    {
        // name, depth, width, rom, max_depth, max_width, expected split
        { "by_depth", 1024, 8, false, 256, 0, SplitKind.Depth },
        { "by_width", 64, 32, false, 0, 8, SplitKind.Width },
        { "odd_depth", 1728, 10, false, 512, 0, SplitKind.Depth },
        { "both_ways", 600, 24, false, 256, 12, SplitKind.Both },
        { "rom_split", 300, 12, true, 128, 8, SplitKind.Both },
        { "rom_depth", 784, 8, true, 256, 0, SplitKind.Depth },
        { "unsplit", 100, 7, false, 0, 0, SplitKind.None },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Split_wrapper_simulates_identically_to_the_behavioral_model(string name, int depth, int width, bool rom, int maxDepth, int maxWidth, SplitKind split)
    {
        var memory = new LogicalMemory(name, name + "_mem", depth, width, rom ? MemoryKind.Rom : MemoryKind.Sram);
        var plan = new MemoryCompiler(Generic45.Value).Plan(memory, new SplitOptions(new SplitLimits(0, maxDepth, maxWidth)));
        Assert.Equal(split, plan.Split);

        var files = WriteDesign(plan, seed: depth * 31 + width);
        var build = Tool.Run("iverilog", ["-g2005", "-Wall", "-o", "sim.vvp", .. files], _dir.Path);
        Assert.True(build.ExitCode == 0, build.ToString());
        var run = Tool.Run("vvp", ["-n", "sim.vvp"], _dir.Path);
        Assert.True(run.ExitCode == 0, run.ToString());
        var done = Regex.Match(run.Output, @"DONE errors=(\d+) reads=(\d+) defined=(\d+)");
        Assert.True(done.Success, run.Output);
        Assert.Equal("0", done.Groups[1].Value);
        // The comparison has teeth: many reads, and most of them of defined data (written first, or from the ROM image).
        Assert.True(int.Parse(done.Groups[2].Value) > 500, run.Output);
        Assert.True(int.Parse(done.Groups[3].Value) > 500, run.Output);
    }

    [Fact]
    public void A_broken_wrapper_is_caught_by_the_same_bench()
    {
        var memory = new LogicalMemory("broken", "broken_mem", 1024, 8, MemoryKind.Sram);
        var plan = new MemoryCompiler(Generic45.Value).Plan(memory, new SplitOptions(new SplitLimits(0, 256, 0)));
        var files = WriteDesign(plan, seed: 7);
        // Sabotage: registering the bank on writes too makes a read after a write to another bank return the wrong bank.
        var wrapper = _dir.File("broken_mem.v");
        File.WriteAllText(wrapper, File.ReadAllText(wrapper).Replace("if (ce && !we) bank_q <= bank;", "if (ce) bank_q <= bank;"));
        Assert.True(Tool.Run("iverilog", ["-g2005", "-o", "sim.vvp", .. files], _dir.Path).ExitCode == 0);
        var run = Tool.Run("vvp", ["-n", "sim.vvp"], _dir.Path);
        var done = Regex.Match(run.Output, @"DONE errors=(\d+)");
        Assert.True(done.Success, run.Output);
        Assert.NotEqual("0", done.Groups[1].Value);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Wrapper_and_macros_are_clean_for_verilator_lint(string name, int depth, int width, bool rom, int maxDepth, int maxWidth, SplitKind split)
    {
        _ = split;
        var memory = new LogicalMemory(name, name + "_mem", depth, width, rom ? MemoryKind.Rom : MemoryKind.Sram);
        var plan = new MemoryCompiler(Generic45.Value).Plan(memory, new SplitOptions(new SplitLimits(0, maxDepth, maxWidth)));
        var files = new List<string> { Write(memory.Module + ".v", MemoryVerilog.Wrapper(plan)) };
        files.AddRange(plan.Macros.Select(m => Write(m.Name + ".v", MemoryVerilog.Macro(m, memory, "generic45"))));
        var lint = Tool.Run("verilator", ["--lint-only", "-Wall", "--top-module", memory.Module, .. files], _dir.Path);
        Assert.True(lint.ExitCode == 0, lint.ToString());
        Assert.DoesNotContain("%Warning", lint.Output);

        Directory.CreateDirectory(_dir.File("behavioral"));
        var behavioral = Write(Path.Combine("behavioral", memory.Module + ".v"), MemoryVerilog.Behavioral(memory));
        var lintRef = Tool.Run("verilator", ["--lint-only", "-Wall", behavioral], _dir.Path);
        Assert.True(lintRef.ExitCode == 0, lintRef.ToString());
    }

    private string Write(string name, string text)
    {
        File.WriteAllText(_dir.File(name), text);
        return name;
    }

    /// <summary>Writes the reference model (renamed), the wrapper, its macros, a ROM image and the testbench; returns the Verilog files.</summary>
    private List<string> WriteDesign(MemoryPlan plan, int seed)
    {
        var m = plan.Memory;
        var files = new List<string>
        {
            Write("reference.v", MemoryVerilog.Behavioral(m, "reference_" + m.Module)),
            Write(m.Module + ".v", MemoryVerilog.Wrapper(plan)),
        };
        files.AddRange(plan.Macros.Select(x => Write(x.Name + ".v", MemoryVerilog.Macro(x, m, "generic45"))));
        if (m.Kind == MemoryKind.Rom)
        {
            var random = new Random(seed);
            var hex = new StringBuilder();
            for (var i = 0; i < m.Depth; i++)
                hex.Append(((long)random.NextInt64(1L << m.Width)).ToString($"x{(m.Width + 3) / 4}")).Append('\n');
            File.WriteAllText(_dir.File("image.hex"), hex.ToString());
        }
        files.Add(Write("tb.v", Testbench(m, seed)));
        return files;
    }

    private static string Testbench(LogicalMemory m, int seed)
    {
        var rom = m.Kind == MemoryKind.Rom;
        var aw = m.AddressBits;
        var w = m.Width;
        var ports = rom ? ".clk(clk), .ce(ce), .addr(addr)" : ".clk(clk), .ce(ce), .we(we), .addr(addr), .din(din)";
        var param = rom ? " #(.INIT_FILE(\"image.hex\"))" : "";
        // SRAMs are first written at every address so most later reads compare defined data; then 3000 random cycles.
        var fill = rom ? 0 : m.Depth;
        return $$"""
            `timescale 1ns/1ps
            module tb;
              reg clk = 0;
              reg ce = 0;
              reg we = 0;
              reg [{{aw - 1}}:0] addr = 0;
              reg [{{w - 1}}:0] din = 0;
              wire [{{w - 1}}:0] dout_ref;
              wire [{{w - 1}}:0] dout_dut;
              integer seed = {{seed}};
              integer i;
              integer errors = 0;
              integer reads = 0;
              integer defined = 0;
              reg was_read;

              reference_{{m.Module}}{{param}} ref_model ({{ports}}, .dout(dout_ref));
              {{m.Module}}{{param}} dut ({{ports}}, .dout(dout_dut));

              always #5 clk = ~clk;

              initial begin
                for (i = 0; i < {{fill + 3000}}; i = i + 1) begin
                  @(negedge clk);
                  if (i < {{fill}}) begin
                    ce = 1; we = 1; addr = i;
                  end else begin
                    ce = ($random(seed) & 3) != 0;
                    we = {{(rom ? "0" : "$random(seed) & 1")}};
                    addr = $unsigned($random(seed)) % {{m.Depth}};
                  end
                  din = {$random(seed), $random(seed)};
                  was_read = ce && !we;
                  @(posedge clk);
                  #1;
                  if (was_read) begin
                    reads = reads + 1;
                    if (^dout_ref !== 1'bx) defined = defined + 1;
                  end
                  if (dout_ref !== dout_dut) begin
                    errors = errors + 1;
                    if (errors < 5) $display("MISMATCH cycle %0d addr %0d ref %h dut %h", i, addr, dout_ref, dout_dut);
                  end
                end
                $display("DONE errors=%0d reads=%0d defined=%0d", errors, reads, defined);
                $finish;
              end
            endmodule

            """;
    }
}
