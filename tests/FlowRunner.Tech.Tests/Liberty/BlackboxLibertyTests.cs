using FlowRunner.Tech.Liberty;

namespace FlowRunner.Tech.Tests.Liberty;

/// <summary>The one black-box Liberty writer: a timing-only cell (synth's memory black boxes) and a cell with area, leakage and energy tables
/// (the memory compiler's views) come out of the same code and read back as written.</summary>
public class BlackboxLibertyTests
{
    private static readonly BlackboxPin[] Pins =
        [new("clk", "input"), new("ce", "input"), new("addr", "input", 3, 0, true), new("dout", "output", 15, 0, true)];

    [Fact]
    public void Timing_only_and_energy_cells_share_the_writer_and_read_back()
    {
        var timing = new BlackboxCell("mem_in", Pins, "clk", new BlackboxTiming(0.1, null, 0.5, 0.05));
        var macro = new BlackboxCell("rom_w", Pins, "clk", new BlackboxTiming(0.1, 0.02, 1.25, 0.125))
        {
            AreaUm2 = 1234.5, LeakageNw = 800, InputCapacitancePf = 0.004, OutputMaxCapacitancePf = 0.2, MinPeriodNs = 2, ClockEnergies = [("ce", 3.5)],
        };
        var lib = LibertyReader.Read(LibertyWriter.Write(BlackboxLiberty.Library("bb", 1.1, [timing, macro])), "bb.lib");
        Assert.Equal(["mem_in", "rom_w"], lib.Cells.Select(c => c.Name));

        var t = lib.Cell("mem_in")!;
        Assert.Equal(0, t.Area);
        Assert.Null(t.LeakagePower);
        Assert.Empty(t.Pin("clk")!.InternalPower);
        Assert.Equal("setup_rising", Assert.Single(t.Pin("ce")!.Timings).TimingType);
        Assert.Equal(0.5, Assert.Single(t.Pin("dout")!.Timings).CellRise!.Lookup(0, 0));
        Assert.True(t.DontUse);

        var m = lib.Cell("rom_w")!;
        Assert.Equal(1234.5, m.Area);
        Assert.Equal(800, m.LeakagePower);
        Assert.Equal(2, m.Pin("clk")!.Group.Number("min_period"));
        Assert.Equal(3.5, Assert.Single(m.Pin("clk")!.InternalPower).RisePower!.Lookup(0), 9);
        Assert.Equal(["setup_rising", "hold_rising"], m.Pin("addr")!.Timings.Select(x => x.TimingType));
        Assert.Equal(4, m.Pin("addr")!.BusWidth);
        Assert.Equal(16, m.Pin("dout")!.BusWidth);
        Assert.Equal(0.004, m.Pin("ce")!.Capacitance);
    }
}
