using FlowRunner.Hls.Architecture;
using FlowRunner.Hls.Schedule;
using FlowRunner.Hls.Tests.Support;
using FlowRunner.Models.Inference;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Hls.Tests;

/// <summary>Planning: lanes from the bus, the schedule's counts, and clear errors for what the RTL cannot implement.</summary>
public class AcceleratorPlanTests
{
    private static Accelerator Plan(string format, int lanes = 0, int bus = 32, string? description = null, string? accum = null) =>
        Accelerator.Plan(new BitAccurateNetwork(HlsRig.Network(description: description), FixedFormat.Parse(format), accum is null ? null : FixedFormat.Parse(accum)),
            new Directives(bus, lanes));

    [Theory]
    [InlineData("ac_fixed<32,16,true,AC_RND,AC_SAT>", 1)]
    [InlineData("ac_fixed<16,8,true,AC_RND,AC_SAT>", 2)]
    [InlineData("ac_fixed<10,5,true,AC_RND,AC_SAT>", 3)]
    [InlineData("ac_fixed<8,4,true,AC_RND,AC_SAT>", 4)]
    [InlineData("ac_fixed<4,2,true,AC_RND,AC_SAT>", 8)]
    public void Default_lanes_are_as_many_values_as_fit_the_bus(string format, int lanes)
    {
        var a = Plan(format);
        Assert.Equal(lanes, a.Lanes);
        Assert.Equal(9 * lanes, a.Multipliers);
    }

    [Fact]
    public void More_lanes_take_fewer_cycles()
    {
        var cycles = new[] { 1, 2, 4, 8 }.Select(l => Plan("ac_fixed<4,2,true,AC_RND,AC_SAT>", l).CyclesPerInference).ToList();
        for (var i = 1; i < cycles.Count; i++) Assert.True(cycles[i] < cycles[i - 1], string.Join(", ", cycles));
    }

    [Fact]
    public void Schedule_lists_layers_operators_and_memories()
    {
        var a = Plan("ac_fixed<8,4,true,AC_RND,AC_SAT>", 2);
        var r = ScheduleReport.Of(a, ["rtl/accel.v"]);
        Assert.Equal("flowrunner-schedule-2", r.Format);
        Assert.Equal(a.CyclesPerInference, r.CyclesPerInference);
        Assert.Equal("ac_fixed<8,4,true,AC_RND,AC_SAT>", r.Formats.Format);
        Assert.Null(r.Formats.Accumulator);
        Assert.Equal(3, r.Layers.Count);
        Assert.Equal(190_368, r.Layers.Sum(l => l.Macs));
        Assert.Equal(r.Layers[1].InputMemory, r.Layers[0].OutputMemory);
        Assert.Null(r.Layers[^1].OutputMemory);
        var mul = r.Operators.Single(o => o.Kind == "mul");
        Assert.Equal(18, mul.Count);
        Assert.Equal(Math.Max(mul.AWidth, mul.BWidth), mul.Width);
        Assert.All(r.Operators.Where(o => o.Kind != "mul"), o => Assert.Equal((o.Width, o.Width), (o.AWidth, o.BWidth)));
        Assert.Equal(6, r.Memories.Count);
        Assert.Equal(r.Memories.Select(m => m.Module), r.MemoryModules);
        var image = r.Memories.Single(m => m.Name == "mem_conv2d1_in");
        Assert.Equal((392, 16, 392.0, "sram"), (image.Depth, image.Width, image.WritesPerInference, image.Kind));
        Assert.Null(image.InitFile);
        var rom = r.Memories.Single(m => m.Name == "rom_dense1");
        Assert.Equal("rom", rom.Kind);
        Assert.Equal(5 * 192, rom.Depth);
        Assert.Equal("rtl/rom_dense1.hex", rom.InitFile);
    }

    [Fact]
    public void Too_many_lanes_for_the_bus_is_an_error_naming_the_limit()
    {
        var e = Assert.Throws<HlsException>(() => Plan("ac_fixed<8,4,true,AC_RND,AC_SAT>", 8));
        Assert.Contains("at most 4 lanes", e.Message);
    }

    [Fact]
    public void A_conv_layer_giving_the_logits_is_an_error_naming_it()
    {
        var description = "name: t\ninput: [8, 8, 1]\nlayers:\n  - { type: conv2d, kernel: 3, filters: 4 }\n  - { type: relu }\n  - { type: conv2d, kernel: 3, filters: 2, name: head }\n";
        var e = Assert.Throws<HlsException>(() => Plan("ac_fixed<8,4,true,AC_RND,AC_SAT>", 2, description: description));
        Assert.Contains("layer 'head'", e.Message);
        Assert.Contains("must be dense", e.Message);
    }

    [Fact]
    public void A_rounding_accumulator_is_an_error_naming_the_layer()
    {
        var e = Assert.Throws<HlsException>(() => Plan("ac_fixed<8,4,true,AC_RND,AC_SAT>", 2, accum: "ac_fixed<10,6,true,AC_RND,AC_SAT>"));
        Assert.Contains("layer 'conv2d1'", e.Message);
        Assert.Contains("accumulator", e.Message);
    }

    [Theory]
    [InlineData("{ type: conv2d, kernel: 9, filters: 4 }", "kernel 9x9")]
    [InlineData("{ type: conv2d, kernel: [3, 8], filters: 4 }", "kernel 3x8")]
    [InlineData("{ type: conv2d, kernel: 3, filters: 4 }\n  - { type: avgpool2d }", "avgpool2d")]
    public void Layers_the_rtl_cannot_build_are_errors_naming_the_layer(string first, string message)
    {
        var description = $"name: t\ninput: [12, 12, 1]\nclasses: 10\nlayers:\n  - {first}\n  - {{ type: flatten }}\n  - {{ type: dense, units: 10 }}\n";
        var e = Assert.Throws<HlsException>(() => Plan("ac_fixed<8,4,true,AC_RND,AC_SAT>", 2, description: description));
        Assert.Contains(message, e.Message);
        Assert.Contains("layer '", e.Message);
    }
}
