using System.Globalization;
using System.Text.RegularExpressions;
using FlowRunner.Tech.CellLibrary;
using FlowRunner.Tech.Liberty;
using FlowRunner.Tech.Tests.Support;

namespace FlowRunner.Tech.Tests.CellLibrary;

/// <summary>The generated generic45 library: its derivation, and that Yosys, abc and OpenSTA accept it and land on Horowitz's figures.</summary>
public sealed class GenericLibertyTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly TechDescription _tech = TestPaths.Tech("generic45");

    public void Dispose() => _dir.Dispose();

    private string Lib() => StandardCells.LibertyPath(_tech, _dir.Path);

    [Fact]
    public void Derives_area_capacitance_leakage_and_delay_from_the_cell_table()
    {
        var lib = LibertyReader.ReadFile(Lib());
        var u = _tech.Cells!.Unit;
        Assert.Equal(_tech.Cells.List.Count, lib.Cells.Count);
        var fa = lib.Cell("FA")!;
        var spec = _tech.Cells.List.Single(c => c.Name == "FA");
        Assert.Equal(spec.Ge * u.AreaUm2, fa.Area, 6);
        Assert.Equal(spec.Ge * u.LeakageNw, fa.LeakagePower!.Value, 6);
        Assert.Equal(spec.Effort * u.InputCapPf, fa.Pin("A")!.Capacitance, 9);
        // Delay at no input slew extrapolates to tau x p plus the output resistance tau / C_unit times the load.
        var rise = fa.Pin("S")!.Timings.First(t => t.RelatedPin == "A").CellRise!;
        var load = 0.01;
        Assert.Equal(u.TauNs * spec.Parasitic + u.TauNs / u.InputCapPf * load, rise.Lookup(0, load), 6);
        Assert.Equal("non_unate", fa.Pin("S")!.Timings[0].TimingSense);
        Assert.Equal("negative_unate", lib.Cell("NAND2")!.Pin("Y")!.Timings[0].TimingSense);
        Assert.True(lib.Cell("DFF")!.IsSequential);
        Assert.True(lib.Cell("DFFR")!.IsSequential);
        Assert.Equal(0.9, lib.NominalVoltage);
    }

    [Fact]
    public void An_eight_bit_ripple_adder_of_full_adders_is_near_horowitz()
    {
        var lib = LibertyReader.ReadFile(Lib());
        var area = 8 * lib.Cell("FA")!.Area;
        Assert.InRange(area, 36 * 0.8, 36 * 1.2);
    }

    [Fact]
    public void OpenSta_reads_the_generated_library_without_warnings()
    {
        var lib = Lib();
        File.WriteAllText(_dir.File("read.tcl"), $"read_liberty {lib}\nputs \"cells [llength [get_lib_cells */*]]\"\nexit\n");
        var r = Tool.Run("sta", ["-no_init", "-exit", "read.tcl"], _dir.Path);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.DoesNotContain("Error", r.Output);
        Assert.DoesNotContain("Warning", r.Output);
        Assert.Contains($"cells {_tech.Cells!.List.Count}", r.Output);
    }

    [Fact]
    public void Yosys_reads_the_generated_library()
    {
        var r = Tool.Run("yosys", ["-p", $"read_liberty -lib {Lib()}"], _dir.Path);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.DoesNotContain("ERROR", r.Output);
    }

    [Theory]
    [InlineData("add8", "module add8(input [7:0] a, input [7:0] b, output [7:0] y); assign y = a + b; endmodule", 36, 0.03)]
    [InlineData("mul8", "module mul8(input [7:0] a, input [7:0] b, output [15:0] y); assign y = a * b; endmodule", 282, 0.2)]
    public void Yosys_and_abc_map_onto_it_near_horowitz_area_and_opensta_energy(string top, string verilog, double horowitzArea, double horowitzPj)
    {
        var lib = Lib();
        File.WriteAllText(_dir.File($"{top}.v"), verilog);
        var (area, cells) = Synthesize(top, lib);
        Assert.InRange(area, horowitzArea * 0.85, horowitzArea * 1.15);
        Assert.True(cells.Keys.All(c => LibertyReader.ReadFile(lib).Cell(c) is not null), string.Join(",", cells.Keys));

        // Dynamic energy per operation as REFERENCE.md measures it: 100 MHz, input activity 0.5, no wire parasitics.
        File.WriteAllText(_dir.File("power.tcl"), $"""
            read_liberty {lib}
            read_verilog {top}.net.v
            link_design {top}
            create_clock -name clk -period 10
            set_input_delay 0 -clock clk [all_inputs]
            set_output_delay 0 -clock clk [all_outputs]
            set_power_activity -input -activity 0.5 -duty 0.5
            report_power
            exit
            """);
        var r = Tool.Run("sta", ["-no_init", "-exit", "power.tcl"], _dir.Path);
        Assert.True(r.ExitCode == 0, r.ToString());
        var total = Regex.Match(r.Output, @"^Total\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", RegexOptions.Multiline);
        Assert.True(total.Success, r.Output);
        double W(int g) => double.Parse(total.Groups[g].Value, CultureInfo.InvariantCulture);
        var dynamicPj = (W(1) + W(2)) * 10e-9 * 1e12;
        Assert.InRange(dynamicPj, horowitzPj * 0.8, horowitzPj * 1.2);
    }

    [Fact]
    public void Dfflibmap_maps_registers_onto_the_generated_flip_flops()
    {
        File.WriteAllText(_dir.File("acc.v"), """
            module acc(input clk, input rst_n, input [7:0] a, output reg [7:0] q);
              always @(posedge clk or negedge rst_n)
                if (!rst_n) q <= 8'd0; else q <= q + a;
            endmodule
            """);
        var (_, cells) = Synthesize("acc", Lib());
        Assert.Equal(8, cells.GetValueOrDefault("DFFR"));
    }

    /// <summary>The script of REFERENCE.md; returns the chip area and the cell counts from `stat -liberty`.</summary>
    private (double Area, Dictionary<string, int> Cells) Synthesize(string top, string lib)
    {
        var script = $"read_verilog {top}.v; synth -top {top}; dfflibmap -liberty {lib}; abc -liberty {lib}; opt_clean; " +
                     $"tee -o {top}.stat stat -liberty {lib}; write_verilog -noattr -simple-lhs {top}.net.v";
        var r = Tool.Run("yosys", ["-q", "-p", script], _dir.Path);
        Assert.True(r.ExitCode == 0, r.ToString());
        var stat = File.ReadAllText(_dir.File($"{top}.stat"));
        var area = Regex.Match(stat, @"Chip area for module '\\?\w+': ([0-9.]+)");
        Assert.True(area.Success, stat);
        var cells = Regex.Matches(stat, @"^\s+([A-Z][A-Z0-9]*)\s+(\d+)\s*$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        return (double.Parse(area.Groups[1].Value, CultureInfo.InvariantCulture), cells);
    }
}
