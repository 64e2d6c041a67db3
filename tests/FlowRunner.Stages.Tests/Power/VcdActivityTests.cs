using FlowRunner.Hls.Rtl;
using FlowRunner.Stages.Power;

namespace FlowRunner.Stages.Tests.Power;

public class VcdActivityTests
{
    private static string Data(string file) => Path.Combine(AppContext.BaseDirectory, "Power", "Data", file);

    [Fact]
    public void A_saved_icarus_vcd_gives_toggles_per_cycle_and_duty_per_register_bit()
    {
        // icarus-counter.v (saved beside it): a 3-bit counter and a flag that is high the cycle after the counter reads 7, dumped for 16 cycles.
        var a = VcdActivity.Read(Data("icarus-counter.vcd"));
        Assert.Equal(16, a.Cycles);
        Assert.Equal(1.0, a.ByNet["count[0]"].Rate, 6);
        Assert.Equal(0.5, a.ByNet["count[1]"].Rate, 6);
        Assert.Equal(0.25, a.ByNet["count[2]"].Rate, 6);
        Assert.Equal(0.5, a.ByNet["count[0]"].Duty, 2);
        // The flag rises at the 8th and 16th edges and falls at the 9th; the dump ends 5 ns after the 16th (t = 160 ns).
        Assert.Equal(3 / 16.0, a.ByNet["flag"].Rate, 6);
        Assert.Equal(15 / 160.0, a.ByNet["flag"].Duty, 3);
        Assert.False(a.ByNet.ContainsKey("clk"));
    }

    [Fact]
    public void A_broken_vcd_is_an_error_naming_file_and_line()
    {
        var dir = Directory.CreateTempSubdirectory("fr-vcd-").FullName;
        var file = Path.Combine(dir, "bad.vcd");
        File.WriteAllText(file, "$var reg 1 ! clk $end\n$enddefinitions $end\n#0\n0!\n#5\n1!\n#x7\n");
        var e = Assert.Throws<FormatException>(() => VcdActivity.Read(file));
        Assert.Contains("bad.vcd:7", e.Message);
        File.WriteAllText(file, "$var reg 1 ! clk $end\n$enddefinitions $end\n#0\n0?\n#5\n");
        Assert.Contains("unknown signal id '?'", Assert.Throws<FormatException>(() => VcdActivity.Read(file)).Message);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void The_dump_module_lists_the_accelerators_registers_only()
    {
        var rtl = new RtlModule("accel");
        rtl.Declare(RegisterRoles.Output, 8, ["rd_data"], port: true);
        rtl.Declare(RegisterRoles.Control, 4, ["state"]);
        rtl.Declare(RegisterRoles.Accumulator, 8, ["acc0", "acc1"], signed: true);
        rtl.Declare(RegisterRoles.Control, 1, ["rv"], scalar: true);
        Assert.Equal(["state", "acc0", "acc1", "rv"], ActivityDumpVerilog.Registers(rtl));
        var v = ActivityDumpVerilog.Emit(rtl, "activity.vcd");
        Assert.Contains("$dumpvars(0, tb_accel.clk, tb_accel.dut.state, tb_accel.dut.acc0, tb_accel.dut.acc1, tb_accel.dut.rv);", v);
        Assert.Contains("$dumpoff", v);
    }
}
