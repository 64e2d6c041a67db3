using System.Text.RegularExpressions;
using FlowRunner.Hls.Rtl;
using FlowRunner.Hls.Tests.Support;
using FlowRunner.Tech.Tests.Support;

namespace FlowRunner.Hls.Tests;

/// <summary>The accelerator's module model: every `reg` of accel.v is declared through it (so the register map lists exactly the Verilog's
/// registers), with the width the Verilog gives it and the role of what it holds.</summary>
public class RegisterMapTests
{
    [Theory]
    [InlineData("ac_fixed<8,4,true,AC_RND,AC_SAT>", 2)]
    [InlineData("ac_fixed<6,3,true,AC_TRN,AC_WRAP>", 5)]
    public void The_module_model_lists_every_register_of_the_verilog(string format, int lanes)
    {
        using var dir = new TempDir();
        var (a, files) = HlsRig.Emit(dir.Path, HlsRig.Network(), format, lanes, 2);
        var verilog = File.ReadAllText(Path.Combine(dir.Path, "rtl", "accel.v"));
        var regs = files.Top.Registers;
        Assert.Equal("accel", files.Top.Name);
        // The module-scope `reg` lines of the printed file, in order, are the model's registers (the port rd_data is declared as a port).
        var declared = Regex.Matches(verilog, @"^\s*reg\s+(?:signed\s+)?(?:\[[^\]]+\]\s*)?(?<names>[A-Za-z_][A-Za-z0-9_,\s]*);", RegexOptions.Multiline)
            .SelectMany(m => m.Groups["names"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(declared, ActivityDumpVerilog.Registers(files.Top));
        Assert.Equal(declared, regs.Where(r => r.Name != "rd_data").Select(r => r.Name));
        Assert.Contains("  output reg [31:0] rd_data\n", verilog);
        foreach (var d in files.Top.Declarations.Where(d => !d.Port))
            Assert.Contains(RtlPrinter.Declaration(d) + "\n", verilog);

        RtlRegister R(string name) => regs.Single(r => r.Name == name);
        for (var i = 0; i < lanes; i++)
        {
            Assert.Equal((RegisterRoles.Accumulator, a.AccumulatorRegisterBits, true, true), (R($"acc{i}").Role, R($"acc{i}").Width, R($"acc{i}").Signed, R($"acc{i}").Clocked));
            Assert.Equal(RegisterRoles.Weight, R($"w{i}_0").Role);
            Assert.False(R($"w{i}_0").Clocked);
        }
        Assert.Equal((RegisterRoles.Control, 3), (R("state").Role, R("state").Width));
        Assert.Equal(RegisterRoles.Counter, R("px").Role);
        Assert.Equal(RegisterRoles.Address, R("raddr").Role);
        Assert.Equal(RegisterRoles.Window, R("rb0").Role);
        Assert.Equal(RegisterRoles.Activation, R("pk").Role);
        Assert.Equal(RegisterRoles.Output, R("logit0").Role);
        Assert.Equal(RegisterRoles.Constant, R("c_groups").Role);
        Assert.Equal(regs.Count, regs.Select(r => r.Name).Distinct().Count());
    }

    [Fact]
    public void The_printer_writes_ranges_signedness_scalars_and_ports()
    {
        var m = new RtlModule("m");
        Assert.Equal("  reg [7:0] a, b;", RtlPrinter.Declaration(m.Declare(RegisterRoles.Counter, 8, ["a", "b"])));
        Assert.Equal("  reg signed [19:0] acc0;", RtlPrinter.Declaration(m.Declare(RegisterRoles.Accumulator, 20, ["acc0"], signed: true)));
        Assert.Equal("  reg [0:0] layer;", RtlPrinter.Declaration(m.Declare(RegisterRoles.Control, 1, ["layer"])));
        Assert.Equal("  reg mv;", RtlPrinter.Declaration(m.Declare(RegisterRoles.Control, 1, ["mv"], scalar: true)));
        Assert.Equal("  output reg [31:0] rd_data", RtlPrinter.Declaration(m.Declare(RegisterRoles.Output, 32, ["rd_data"], port: true)));
        Assert.Equal(["a", "b", "acc0", "layer", "mv", "rd_data"], m.Registers.Select(r => r.Name));
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Declare(RegisterRoles.Counter, 0, ["z"]));
    }
}
