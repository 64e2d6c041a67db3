using FlowRunner.Abstractions;
using FlowRunner.Hls.Schedule;
using FlowRunner.Stages.Synthesis;
using FlowRunner.Tech.Liberty;

using FlowRunner.Stages.Hls;

namespace FlowRunner.Stages.Tests.Synthesis;

/// <summary>The generated Yosys script, the schedule reader, the module scanner and the black-box Liberty.</summary>
public sealed class SynthScriptTests
{
    [Fact]
    public void Script_reads_memories_as_libraries_and_maps_onto_the_liberty_in_order()
    {
        var modules = new Dictionary<string, IReadOnlyList<string>>
        {
            ["/h/rtl/accel.v"] = ["accel", "helper"],
            ["/h/rtl/mem_a.v"] = ["mem_a"],
            ["/h/rtl/both.v"] = ["mem_b", "glue"],
        };
        var script = YosysScript.Generate("accel", ["/h/rtl/accel.v", "/h/rtl/mem_a.v", "/h/rtl/both.v"], ["mem_a", "mem_b"], f => modules[f], "/lib dir/cells.lib");
        var lines = script.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToList();
        Assert.Equal(
        [
            "read_verilog -lib /h/rtl/mem_a.v",
            "read_verilog /h/rtl/accel.v",
            "read_verilog /h/rtl/both.v",
            "blackbox mem_b",
            "hierarchy -check -top accel",
            "synth -flatten -top accel",
            "dfflibmap -liberty \"/lib dir/cells.lib\"",
            "abc -liberty \"/lib dir/cells.lib\" -script " + YosysScript.AbcScript,
            "opt_clean",
            "stat -liberty \"/lib dir/cells.lib\"",
            "write_verilog -noattr -simple-lhs netlist.v",
        ], lines);
    }

    [Fact]
    public void Schedule_reader_resolves_rtl_paths_and_reads_the_operator_inventory()
    {
        var s = ScheduleFile.Read(SynthFixture.Data("fixture/schedule.json"), "/hls");
        Assert.Equal("accel", s.Record.Top);
        Assert.Equal(["/hls/rtl/accel.v", "/hls/rtl/mem_in.v", "/hls/rtl/rom_w.v"], s.RtlPaths);
        Assert.Equal("/hls/rtl/rom_w.hex", s.InitPath(s.Record.Memories[1]));
        Assert.Null(s.InitPath(s.Record.Memories[0]));
        Assert.Equal(["mem_in", "rom_w"], s.Record.MemoryModules);
        Assert.Equal(7, s.Record.Operators.Count);
        Assert.Equal(ScheduledOperator.Mul(8, 8, 2), s.Record.Operators[0]);
        Assert.Equal(ScheduledOperator.Of("reg", 1, 6), s.Record.Operators[4]);
    }

    [Fact]
    public void Missing_schedule_and_bad_operators_name_the_file_and_entry()
    {
        var dir = Path.Combine(Path.GetTempPath(), "flowrunner-synth-sched-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var missing = Assert.Throws<StageFailedException>(() => ScheduleFile.Read(Path.Combine(dir, "schedule.json"), dir));
            Assert.Contains("schedule.json", missing.Message);
            Assert.Contains("does not exist", missing.Message);

            var path = Path.Combine(dir, "schedule.json");
            var good = File.ReadAllText(SynthFixture.Data("fixture/schedule.json"));
            string Error(string json)
            {
                File.WriteAllText(path, json);
                return Assert.Throws<StageFailedException>(() => ScheduleFile.Read(path, dir)).Message;
            }
            var bad = Error(good.Replace("\"kind\": \"cmp\"", "\"kind\": \"div\""));
            Assert.Contains("operators[6].kind", bad);
            Assert.Contains("'div'", bad);
            Assert.Contains("operators[1].width", Error(good.Replace("{ \"kind\": \"add\", \"width\": 20,", "{ \"kind\": \"add\", \"width\": 0,")));
            Assert.Contains("operators[1]: a add has one width", Error(good.Replace("\"width\": 20, \"a_width\": 20, \"b_width\": 20, \"count\": 2", "\"width\": 20, \"a_width\": 19, \"b_width\": 20, \"count\": 2")));
            Assert.Contains("rtl_files[0]", Error(good.Replace("\"rtl/accel.v\"", "1")));
            Assert.Contains("rtl_files[0]", Error(good.Replace("\"rtl/accel.v\"", "\" \"")));
            Assert.Contains("memories[0].kind", Error(good.Replace("\"kind\": \"sram\"", "\"kind\": \"flash\"")));
            // Every field is required: a missing one is named, never read as 0.
            var lanes = Error(good.Replace("\"lanes\": 2, ", ""));
            Assert.Contains(path, lanes);
            Assert.Contains("lanes", lanes);
            Assert.Contains("init_file", Error(good.Replace("\"init_file\": null, ", "")));
            // Another format, or none, says to rerun hls.emit's writer.
            Assert.Contains("flowrunner-schedule-2", Error(good.Replace("flowrunner-schedule-2", "flowrunner-schedule-1")));
            Assert.Contains("no \"format\"", Error("{ \"top\": \"accel\" }"));
            Assert.Contains($"{path}:", Error("{ \"format\": \"flowrunner-schedule-2\", \"top\": \n"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Module_scanner_reads_the_memory_interface_of_sram_and_rom()
    {
        var sram = Assert.Single(VerilogModules.Read(SynthFixture.Data("fixture/rtl/mem_in.v")));
        Assert.Equal("mem_in", sram.Name);
        Assert.Equal(["clk", "ce", "we", "addr", "din", "dout"], sram.Ports.Select(p => p.Name));
        Assert.Equal(["input", "input", "input", "input", "input", "output"], sram.Ports.Select(p => p.Direction));
        Assert.Equal(4, sram.Ports.Single(p => p.Name == "addr").Width);
        Assert.Equal(16, sram.Ports.Single(p => p.Name == "dout").Width);
        Assert.False(sram.Ports[0].IsBus);

        var rom = Assert.Single(VerilogModules.Read(SynthFixture.Data("fixture/rtl/rom_w.v")));
        Assert.Equal(["clk", "ce", "addr", "dout"], rom.Ports.Select(p => p.Name));
        Assert.Equal((2, 0), (rom.Ports[2].Msb, rom.Ports[2].Lsb));

        var top = VerilogModules.Read(SynthFixture.Data("fixture/rtl/accel.v"));
        Assert.Equal("accel", Assert.Single(top).Name);
    }

    [Fact]
    public void Blackbox_liberty_has_a_cell_per_memory_with_its_bus_pins_and_clock_arcs()
    {
        var modules = new[] { "mem_in.v", "rom_w.v" }.SelectMany(f => VerilogModules.Read(SynthFixture.Data("fixture/rtl/" + f))).ToList();
        var text = LibertyWriter.Write(BlackboxCells.Generate(modules, 1.8, clockToOutputNs: 0.5));
        var lib = LibertyReader.Read(text, "blackboxes.lib");
        Assert.Equal(["mem_in", "rom_w"], lib.Cells.Select(c => c.Name));
        var mem = lib.Cell("mem_in")!;
        Assert.Equal(16, mem.Pin("dout")!.BusWidth);
        Assert.Equal(4, mem.Pin("addr")!.BusWidth);
        Assert.True(mem.Pin("clk")!.IsClock);
        Assert.Equal("setup_rising", Assert.Single(mem.Pin("din")!.Timings).TimingType);
        var arc = Assert.Single(mem.Pin("dout")!.Timings);
        Assert.Equal(("rising_edge", "clk"), (arc.TimingType, arc.RelatedPin));
        Assert.Equal(0.5, arc.CellRise!.Values[0, 0]);
        Assert.Equal(0, mem.Area);
    }
}
