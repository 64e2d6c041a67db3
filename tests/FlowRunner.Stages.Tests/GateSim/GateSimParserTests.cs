using FlowRunner.Stages.GateSim;
using FlowRunner.Tech.Netlist;

namespace FlowRunner.Stages.Tests.GateSim;

/// <summary>The gate-level netlist reader and the toggle-counts parser on saved real output: an excerpt of Yosys 0.23's netlist and of
/// qflow's blif2Verilog of the 1-lane MNIST accelerator on osu018, and the counts Icarus 11 wrote for the small test design.</summary>
public class GateSimParserTests
{
    private static string Data(string file) => Path.Combine(AppContext.BaseDirectory, "GateSim", "Data", file);

    [Fact]
    public void Yosys_netlist_instances_concatenations_parameters_and_aliases()
    {
        var n = GateNetlistReader.ReadFile(Data("yosys-osu018-excerpt.v"));
        Assert.Equal("accel", n.Module);
        Assert.Equal(["clk", "rst", "wr_en", "wr_data", "start", "done", "rd_en", "rd_data"], n.PortOrder);
        Assert.Equal("input", n.Wires["clk"].Direction);
        Assert.Equal(32, n.Wires["rd_data"].Width);
        Assert.Equal("output", n.Wires["rd_data"].Direction);
        Assert.Equal(18, n.Wires["acc0"].Width);
        Assert.Equal(34, n.Cells.Count);
        var mem = n.Cells.Single(c => c.Name == "u_mem_conv2d1_in");
        Assert.Equal("mem_conv2d1_in", mem.Cell);
        // { _0024_, ..., _0015_ }: most significant first.
        Assert.Equal(10, mem.Pins["addr"].Count);
        Assert.Equal(new NetBit("_0024_", 0), mem.Pins["addr"][0]);
        Assert.Equal(new NetBit("_0015_", 0), mem.Pins["addr"][^1]);
        Assert.Equal([new NetBit("wr_data", 3), new NetBit("wr_data", 2), new NetBit("wr_data", 1), new NetBit("wr_data", 0)], mem.Pins["din"]);
        Assert.Equal("\"rom_conv2d1.hex\"", n.Cells.Single(c => c.Name == "u_rom_conv2d1").Parameters["INIT_FILE"]);
        var dff = n.Cells.First(c => c.Cell == "DFFPOSX1");
        Assert.Equal(["CLK", "D", "Q"], dff.Pins.Keys.Order());

        var nets = n.Nets();
        // assign \u_dense1_out0.q = acc0: the escaped wire's bits are acc0's net.
        Assert.Equal(new NetBit("acc0", 5), nets[new NetBit("u_dense1_out0.q", 5)]);
        // { acc0[17], acc0 }: the sign extension's top two bits are both acc0[17].
        Assert.Equal(new NetBit("acc0", 17), nets[new NetBit("u_dense1_out0.qx", 18)]);
        Assert.Equal(new NetBit("acc0", 17), nets[new NetBit("u_dense1_out0.qx", 17)]);
        // assign c_nlast = 2'h1: bit 0 tied to 1, bit 1 to 0.
        Assert.Equal(NetBit.Const('1'), nets[new NetBit("c_nlast", 0)]);
        Assert.Equal(NetBit.Const('0'), nets[new NetBit("c_nlast", 1)]);
        Assert.Equal(new NetBit("state", 4), nets[new NetBit("win_rd", 0)]);
    }

    [Fact]
    public void Blif2verilog_netlist_with_implicit_nets_and_tie_wires()
    {
        var n = GateNetlistReader.ReadFile(Data("blif2verilog-osu018-excerpt.v"));
        Assert.Equal("accel", n.Module);
        Assert.Contains("u_mem_conv2d1_in__dout", n.PortOrder);
        Assert.Equal(4, n.Wires["u_mem_conv2d1_in__dout"].Width);
        Assert.Equal(26, n.Cells.Count);
        var dff = n.Cells.Single(c => c.Name == "DFFPOSX1_1");
        Assert.Equal([new NetBit("clk_bF_buf19", 0)], dff.Pins["CLK"]);
        Assert.False(n.Wires["clk_bF_buf19"].Ranged);
        Assert.Equal(NetBit.Const('1'), n.Nets()[new NetBit("vdd", 0)]);
    }

    [Fact]
    public void Bad_netlists_name_the_file_and_line()
    {
        var e = Assert.Throws<FormatException>(() => GateNetlistReader.Read("module m (a);\n  input a;\n  INVX1 u ( .A(a), .Y(b[3]) );\nendmodule\n", "m.v"));
        Assert.StartsWith("m.v:3:", e.Message);
        e = Assert.Throws<FormatException>(() => GateNetlistReader.Read("module m (a);\n  input a;\n  INVX1 u ( .A(a) );\n", "cut.v"));
        Assert.Contains("cut.v: module m has no endmodule", e.Message);
        e = Assert.Throws<FormatException>(() => GateNetlistReader.Read("not verilog at all", "x.v"));
        Assert.StartsWith("x.v:1: expected 'module'", e.Message);
    }

    [Fact]
    public void Icarus_toggle_counts_and_a_cut_file()
    {
        var text = File.ReadAllText(Data("icarus-toggles-mlp.txt"));
        var c = ToggleCounts.Parse(text, "t.txt", 2303, 4);
        Assert.Equal(1184, c.Cycles);
        Assert.Equal(30, c.Toggles[0]);
        Assert.Equal((648, 48), c.Memories[0]);
        Assert.Equal((30, 0), c.Memories[3]);
        var cut = string.Join('\n', text.Split('\n').Take(1000));
        var e = Assert.Throws<FormatException>(() => ToggleCounts.Parse(cut, "t.txt", 2303, 4));
        Assert.Contains("cut short", e.Message);
        e = Assert.Throws<FormatException>(() => ToggleCounts.Parse(text, "t.txt", 2000, 4));
        Assert.Contains("t.txt:1:", e.Message);
    }
}
