using System.Globalization;
using FlowRunner.Tech.Lef;
using FlowRunner.Tech.Liberty;
using FlowRunner.Tech.Memories;
using FlowRunner.Tech.Tests.Support;

namespace FlowRunner.Tech.Tests.Memories;

/// <summary>The macro views written to disk: read by FlowRunner's own readers, by OpenSTA and by Yosys.</summary>
public sealed class MacroViewsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (TechDescription Tech, List<MemoryPlan> Plans, MemoryOutputs Outputs) Generate(string techName)
    {
        var tech = TestPaths.Tech(techName);
        var compiler = new MemoryCompiler(tech);
        var options = new SplitOptions(SplitLimits.FromKbits(16));
        var plans = new List<MemoryPlan>
        {
            compiler.Plan(new LogicalMemory("fmap", "fmap_mem", 5408, 8, MemoryKind.Sram), options),
            compiler.Plan(new LogicalMemory("weights", "weights_rom", 216, 8, MemoryKind.Rom), options),
            compiler.Plan(new LogicalMemory("wide", "wide_mem", 32, 40, MemoryKind.Sram), new SplitOptions(new SplitLimits(MaxWidth: 16))),
        };
        return (tech, plans, MemoryOutputWriter.Write(plans, tech, _dir.Path));
    }

    [Theory]
    [InlineData("generic45")]
    [InlineData("osu018")]
    public void Liberty_views_carry_area_leakage_pins_access_time_and_energy(string techName)
    {
        var (tech, plans, outputs) = Generate(techName);
        Assert.Equal(plans.Sum(p => p.Macros.Count), outputs.Macros.Count);
        foreach (var f in outputs.Macros)
        {
            var lib = LibertyReader.ReadFile(Path.Combine(_dir.Path, f.Liberty));
            var cell = Assert.Single(lib.Cells);
            var s = f.Macro.Shape;
            Assert.Equal(f.Macro.Name, cell.Name);
            Assert.Equal(s.AreaUm2, cell.Area, 3);
            Assert.Equal(s.LeakageUw * 1000, cell.LeakagePower!.Value, 4);
            Assert.True(cell.DontUse);
            Assert.True(cell.Pin("clk")!.IsClock);
            Assert.Equal(Math.Round(s.CycleNs, 4), cell.Pin("clk")!.Group.Number("min_period"));
            var dout = cell.Pin("dout")!;
            Assert.Equal(f.Macro.Width, dout.BusWidth);
            Assert.Equal(PinDirection.Output, dout.Direction);
            var arc = dout.Timings.Single();
            Assert.Equal(("clk", "rising_edge"), (arc.RelatedPin, arc.TimingType));
            Assert.Equal(s.AccessNs, arc.CellRise!.Lookup(0, 0), 3);
            Assert.Equal(LogicalMemory.AddressWidth(f.Macro.Words), cell.Pin("addr")!.BusWidth);
            Assert.Equal(tech.Memory.Views.PinCapacitancePf, cell.Pin("addr")!.Capacitance);
            var energies = cell.Pin("clk")!.InternalPower.ToDictionary(p => p.When!, p => p.RisePower!.Lookup(0));
            if (s.Kind == MemoryKind.Sram)
            {
                Assert.Equal(s.ReadEnergyPj, energies["ce & !we"], 1e-5);
                Assert.Equal(s.WriteEnergyPj, energies["ce & we"], 1e-5);
                Assert.Equal(f.Macro.Width, cell.Pin("din")!.BusWidth);
            }
            else
            {
                Assert.Equal(s.ReadEnergyPj, energies["ce"], 1e-5);
                Assert.Null(cell.Pin("we"));
            }
        }
    }

    [Theory]
    [InlineData("generic45")]
    [InlineData("osu018")]
    public void OpenSta_and_yosys_read_every_macro_liberty(string techName)
    {
        var (_, _, outputs) = Generate(techName);
        var script = string.Join("\n", outputs.Macros.Select(f => $"read_liberty {f.Liberty}")) +
                     "\nputs \"macros [llength [get_lib_cells */*]]\"\nexit\n";
        File.WriteAllText(_dir.File("read.tcl"), script);
        var sta = Tool.Run("sta", ["-no_init", "-exit", "read.tcl"], _dir.Path);
        Assert.True(sta.ExitCode == 0, sta.ToString());
        Assert.DoesNotContain("Error", sta.Output);
        Assert.DoesNotContain("Warning", sta.Output);
        Assert.Contains($"macros {outputs.Macros.Count}", sta.Output);

        var yosys = Tool.Run("yosys", ["-q", "-p", string.Join("; ", outputs.Macros.Select(f => $"read_liberty -lib {f.Liberty}"))], _dir.Path);
        Assert.True(yosys.ExitCode == 0, yosys.ToString());
    }

    [Fact]
    public void OpenSta_times_a_netlist_through_a_macro()
    {
        var (_, plans, outputs) = Generate("generic45");
        var macro = outputs.Macros.First(f => f.Macro.Shape.Kind == MemoryKind.Sram);
        var m = macro.Macro;
        var aw = LogicalMemory.AddressWidth(m.Words);
        File.WriteAllText(_dir.File("top.v"), $$"""
            module top (clk, ce, we, addr, din, dout);
              input clk;
              input ce;
              input we;
              input [{{aw - 1}}:0] addr;
              input [{{m.Width - 1}}:0] din;
              output [{{m.Width - 1}}:0] dout;
              {{m.Name}} u0 (.clk(clk), .ce(ce), .we(we), .addr(addr), .din(din), .dout(dout));
            endmodule
            """);
        File.WriteAllText(_dir.File("time.tcl"), $"""
            read_liberty {macro.Liberty}
            read_verilog top.v
            link_design top
            create_clock -name clk -period 10 [get_ports clk]
            set_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports clk]]
            set_output_delay 0 -clock clk [all_outputs]
            report_checks -path_delay max -digits 4
            exit
            """);
        var r = Tool.Run("sta", ["-no_init", "-exit", "time.tcl"], _dir.Path);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("u0/dout", r.Output.Replace("u0/dout[", "u0/dout"));
        Assert.Contains(m.Shape.AccessNs.ToString("0.0000", CultureInfo.InvariantCulture), r.Output);
        Assert.NotEmpty(plans);
    }

    [Fact]
    public void A_wrapper_synthesizes_around_black_box_macros_and_opensta_times_it()
    {
        var (tech, plans, outputs) = Generate("generic45");
        var plan = plans.Single(p => p.Memory.Name == "fmap");
        Assert.True(plan.Banks > 1);
        var cells = StandardCells.LibertyPath(tech, _dir.Path);
        var macros = outputs.Macros.Where(f => f.Macro.Name.StartsWith("fmap_", StringComparison.Ordinal)).Select(f => f.Liberty).ToList();
        var reads = string.Join(" ", macros.Select(l => $"read_liberty -lib {l};"));
        var statLibs = string.Join(" ", macros.Prepend(cells).Select(l => $"-liberty {l}"));
        var script = $"{reads} read_verilog {outputs.Wrappers["fmap"]}; synth -top fmap_mem; dfflibmap -liberty {cells}; abc -liberty {cells}; " +
                     $"opt_clean; tee -o fmap.stat stat {statLibs}; write_verilog -noattr -simple-lhs fmap.net.v";
        var y = Tool.Run("yosys", ["-q", "-p", script], _dir.Path);
        Assert.True(y.ExitCode == 0, y.ToString());
        var stat = File.ReadAllText(_dir.File("fmap.stat"));
        Assert.DoesNotContain("unknown", stat);
        Assert.All(plan.Macros, m => Assert.Contains(m.Name, stat));

        File.WriteAllText(_dir.File("time.tcl"), $"read_liberty {cells}\n" + string.Join("\n", macros.Select(l => $"read_liberty {l}")) + """

            read_verilog fmap.net.v
            link_design fmap_mem
            create_clock -name clk -period 2 [get_ports clk]
            set_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports clk]]
            set_output_delay 0 -clock clk [all_outputs]
            report_checks -path_delay max -digits 4
            exit
            """);
        var sta = Tool.Run("sta", ["-no_init", "-exit", "time.tcl"], _dir.Path);
        Assert.True(sta.ExitCode == 0, sta.ToString());
        Assert.Contains("slack (MET)", sta.Output);
        // The worst path starts at a macro clock pin: clock-to-Q is the access time, then the output multiplexer.
        Assert.Matches(@"\^ u_b\d+_s\d+/clk \(fmap_b\d+_s\d+\)", sta.Output);
        Assert.Contains(plan.Macros[0].Shape.AccessNs.ToString("0.0000", CultureInfo.InvariantCulture), sta.Output);
    }

    [Theory]
    [InlineData("generic45")]
    [InlineData("osu018")]
    public void Lef_views_have_the_macro_size_pins_on_the_bottom_edge_and_obstructions(string techName)
    {
        var (tech, _, outputs) = Generate(techName);
        var v = tech.Memory.Views;
        foreach (var f in outputs.Macros)
        {
            var lef = LefReader.ReadFile(Path.Combine(_dir.Path, f.Lef));
            var m = Assert.Single(lef.Macros);
            var s = f.Macro.Shape;
            Assert.Equal((f.Macro.Name, "BLOCK"), (m.Name, m.Class));
            Assert.Equal(s.WidthUm, m.WidthUm, 3);
            Assert.Equal(s.HeightUm, m.HeightUm, 3);
            var signals = m.Pins.Where(p => p.Use is "SIGNAL" or "CLOCK").ToList();
            Assert.Equal(MacroCharacterizer.PinCount(s.Kind, f.Macro.Words, f.Macro.Width), signals.Count);
            Assert.All(signals, p =>
            {
                var r = Assert.Single(p.Ports).Rect;
                Assert.Equal(0, r.Y1);
                Assert.InRange(r.X2, 0, m.WidthUm);
                Assert.Equal(v.PinLayer, p.Ports[0].Layer);
            });
            // Pins do not overlap: strictly increasing x.
            var xs = signals.Select(p => p.Ports[0].Rect.X1).ToList();
            Assert.Equal(xs.Order(), xs);
            Assert.Equal(xs.Count, xs.Distinct().Count());
            Assert.Equal(["POWER", "GROUND"], m.Pins.Where(p => p.Use is "POWER" or "GROUND").Select(p => p.Use));
            Assert.Equal(v.ObstructionLayers, m.Obstructions.Select(o => o.Layer));
            var pinLayerObs = m.Obstructions.Single(o => o.Layer == v.PinLayer).Rect;
            Assert.True(pinLayerObs.Y1 > v.PinLengthUm, "the obstruction on the pin layer must leave the pins free");
        }
    }

    [Fact]
    public void The_report_has_a_row_per_memory()
    {
        var (_, plans, outputs) = Generate("generic45");
        var lines = File.ReadAllLines(Path.Combine(_dir.Path, outputs.Report));
        Assert.Equal(plans.Count + 1, lines.Length);
        Assert.StartsWith("name,module,kind,depth,width,split", lines[0]);
        Assert.StartsWith("fmap,fmap_mem,sram,5408,8,depth,", lines[1]);
        Assert.All(plans, p => Assert.True(File.Exists(Path.Combine(_dir.Path, outputs.Wrappers[p.Memory.Name]))));
    }
}
