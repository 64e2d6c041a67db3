using System.Text;
using FlowRunner.Tech.CellLibrary;
using FlowRunner.Tech.Liberty;
using FlowRunner.Tech.Tests.Support;

namespace FlowRunner.Tech.Tests.CellLibrary;

/// <summary>The cell models written from the Liberty functions against the Verilog models Debian's qflow-tech-osu018 ships, every cell side by
/// side in Icarus on the same inputs: all input combinations for the combinational cells, a seeded sequence for the flip-flops and latch.</summary>
public sealed class VerilogCellModelTests : IDisposable
{
    private static readonly string ShippedModels = Path.ChangeExtension(TestPaths.InstalledOsu018Lib, ".v");
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>One bench for every cell: inputs change, then after a pause the clocks, and the outputs print once settled. The active-low
    /// clear or set of osu018's DFFSR (R, S) is active one step in ten each, never both (releasing both at once is a race in any model).</summary>
    private static string Bench(LibertyLibrary lib, int skipSequential)
    {
        var sb = new StringBuilder("module bench;\n");
        var rng = new Random(11);
        foreach (var cell in lib.Cells)
        {
            var ins = cell.Inputs.ToList();
            var outs = cell.Outputs.ToList();
            var id = cell.Name.ToLowerInvariant();
            foreach (var p in ins) sb.Append($"  reg {id}_{p.Name} = 1'b0;\n");
            foreach (var p in outs) sb.Append($"  wire {id}_{p.Name};\n");
            sb.Append($"  {cell.Name} u_{id} ({string.Join(", ", cell.Pins.Select(p => $".{p.Name}({id}_{p.Name})"))});\n");
        }
        sb.Append("  initial begin\n");
        foreach (var cell in lib.Cells)
        {
            var id = cell.Name.ToLowerInvariant();
            var ins = cell.Inputs.ToList();
            var clocks = ins.Where(p => p.IsClock).ToList();
            var data = ins.Where(p => !p.IsClock).ToList();
            static string Bits(IEnumerable<string> wires) => wires.Any() ? "{" + string.Join(", ", wires) + "}" : "1'b0"; // tie cells have no inputs
            var show = $"$display(\"{cell.Name} %b -> %b\", {Bits(ins.Select(p => $"{id}_{p.Name}"))}, {Bits(cell.Outputs.Select(p => $"{id}_{p.Name}"))});";
            if (!cell.IsSequential)
                for (var m = 0; m < 1 << ins.Count; m++)
                    sb.Append("    ").Append(string.Concat(ins.Select((p, i) => $"{id}_{p.Name} = 1'b{(m >> i) & 1}; "))).Append("#10 ").Append(show).Append('\n');
            else
                for (var step = 0; step < 200; step++)
                {
                    var active = rng.Next(10) switch { 0 => "R", 1 => "S", _ => "" };
                    sb.Append("    ").Append(string.Concat(data.Select(p => $"{id}_{p.Name} = 1'b{(p.Name is "R" or "S" ? (p.Name == active ? 0 : 1) : rng.Next(2))}; "))).Append("#10 ");
                    sb.Append(string.Concat(clocks.Select(p => $"{id}_{p.Name} = 1'b{rng.Next(2)}; "))).Append("#10 ");
                    if (step >= skipSequential) sb.Append(show);
                    sb.Append('\n');
                }
        }
        sb.Append("    $finish;\n  end\nendmodule\n");
        return sb.ToString();
    }

    private string Simulate(string name, string models, string bench)
    {
        var build = Tool.Run("iverilog", ["-g2005", "-o", name + ".vvp", "-s", "bench", bench, models], _dir.Path);
        Assert.True(build.ExitCode == 0, build.ToString());
        var run = Tool.Run("vvp", ["-n", name + ".vvp"], _dir.Path);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.Output;
    }

    [Fact]
    public void Every_osu018_cell_model_written_from_its_Liberty_simulates_as_the_shipped_model()
    {
        var lib = LibertyReader.ReadFile(TestPaths.InstalledOsu018Lib);
        File.WriteAllText(_dir.File("generated.v"), VerilogCellModels.Write(lib));
        // The shipped flip-flops start unknown: compare from the 8th step, once every one has been clocked.
        File.WriteAllText(_dir.File("bench.v"), Bench(lib, skipSequential: 8));
        var generated = Simulate("generated", "generated.v", "bench.v").Split('\n').Where(l => l.Contains(" -> ")).ToList();
        var shipped = Simulate("shipped", ShippedModels, "bench.v").Split('\n').Where(l => l.Contains(" -> ")).ToList();

        Assert.Equal(32, lib.Cells.Count);
        Assert.True(shipped.Count > 800, $"{shipped.Count} lines compared");
        Assert.DoesNotContain(shipped, l => l.Split(" -> ")[1].Contains('x'));
        Assert.Equal(shipped, generated);
        Assert.Contains(generated, l => l.StartsWith("TBUFX1 ", StringComparison.Ordinal) && l.EndsWith('z'));
    }

    [Fact]
    public void Flip_flops_start_at_zero_and_names_that_are_not_identifiers_are_escaped()
    {
        var lib = LibertyReader.ReadFile(TestPaths.InstalledOsu018Lib);
        var text = VerilogCellModels.Write(lib);
        Assert.Contains("initial DS0000 = 1'b0;", text);
        Assert.Equal("\\a[0] ", VerilogCellModels.Name("a[0]"));
        Assert.Equal("\\wire ", VerilogCellModels.Name("wire"));
        Assert.Equal("CLK", VerilogCellModels.Name("CLK"));
        Assert.Throws<FormatException>(() => VerilogCellModels.Name("a b"));
    }

    [Fact]
    public void Generic45s_generated_library_gets_models_that_Icarus_compiles()
    {
        var tech = TestPaths.Tech("generic45");
        var lib = LibertyReader.ReadFile(StandardCells.LibertyPath(tech, _dir.Path));
        File.WriteAllText(_dir.File("g45.v"), VerilogCellModels.Write(lib));
        File.WriteAllText(_dir.File("bench.v"), Bench(lib, skipSequential: 0));
        var out45 = Simulate("g45", "g45.v", "bench.v");
        Assert.Contains(lib.Cells, c => c.IsSequential);
        Assert.DoesNotContain("x", string.Concat(out45.Split('\n').Where(l => l.Contains(" -> ")).Select(l => l.Split(" -> ")[1])));
    }
}
