using FlowRunner.Abstractions;
using FlowRunner.Stages.Synthesis;

namespace FlowRunner.Stages.Tests.Synthesis;

/// <summary>The Yosys `stat` and OpenSTA `report_checks` parsers, on output saved from real runs of Yosys 0.23 and OpenSTA 2.0.17 on the fixture accelerator (osu018).</summary>
public sealed class SynthParserTests
{
    private static string Saved(string file) => File.ReadAllText(SynthFixture.Data(file));

    [Fact]
    public void Stat_reads_the_liberty_section_not_the_one_synth_prints_first()
    {
        var stat = YosysStat.Parse(Saved("yosys_fixture_osu018.log"));
        Assert.Equal("accel", stat.Module);
        Assert.Equal(50546.0, stat.ChipArea);
        Assert.Equal(1358, stat.CellCount);
        Assert.Equal(46, stat.CellsByType["DFFPOSX1"]);
        Assert.Equal(263, stat.CellsByType["NAND2X1"]);
        Assert.Equal(1, stat.CellsByType["mem_in"]);
        Assert.Equal(16, stat.CellsByType.Count);
        Assert.Equal(stat.CellCount, stat.CellsByType.Values.Sum());
        Assert.Equal(["mem_in", "rom_w"], stat.UnknownAreaTypes);
        // The first stat (inside synth) counts generic $_..._ cells: none of them may leak into the result.
        Assert.DoesNotContain(stat.CellsByType.Keys, k => k.StartsWith('$'));
    }

    [Fact]
    public void Stat_without_a_chip_area_names_the_log()
    {
        var log = Saved("yosys_fixture_osu018.log");
        var cut = log[..log.IndexOf("Chip area", StringComparison.Ordinal)];
        var e = Assert.Throws<StageFailedException>(() => YosysStat.Parse(cut, "run/yosys.log"));
        Assert.Contains("run/yosys.log", e.Message);
        Assert.Contains("stat -liberty", e.Message);
    }

    [Fact]
    public void Sta_met_gives_slack_critical_path_and_fmax()
    {
        var r = StaTiming.Parse(Saved("sta_fixture_osu018_met.log"), 10)!;
        Assert.Equal(5.1303, r.SlackNs, 6);
        Assert.Equal(4.7006, r.ArrivalNs, 6);
        Assert.Equal(9.8309, r.RequiredNs, 6);
        Assert.Equal(10 - 5.1303, r.CriticalPathNs, 6);
        Assert.Equal(1000 / (10 - 5.1303), r.FmaxMhz, 6);
        Assert.Equal(0, r.WnsNs);
        Assert.StartsWith("u_in", r.Startpoint);
        Assert.StartsWith("_2613_", r.Endpoint);
    }

    [Fact]
    public void Sta_violated_gives_a_negative_wns_and_the_same_critical_path()
    {
        var r = StaTiming.Parse(Saved("sta_fixture_osu018_violated.log"), 3)!;
        Assert.Equal(-1.8697, r.SlackNs, 6);
        Assert.Equal(-1.8697, r.WnsNs, 6);
        Assert.Equal(4.8697, r.CriticalPathNs, 6);
    }

    [Fact]
    public void Sta_that_made_black_boxes_of_unknown_cells_is_an_error_even_though_it_exited_0()
    {
        var e = Assert.Throws<StageFailedException>(() => StaTiming.Parse(Saved("sta_missing_cells.log"), 10, "x/sta.log"));
        Assert.Contains("x/sta.log:1", e.Message);
        Assert.Contains("mem_in not found", e.Message);
        Assert.Contains("1 more", e.Message);
    }

    [Fact]
    public void Sta_without_paths_gives_null_and_without_a_slack_line_an_error()
    {
        Assert.Null(StaTiming.Parse("No paths found.\n", 10));
        Assert.Throws<StageFailedException>(() => StaTiming.Parse("Startpoint: a\n", 10));
    }

    [Fact]
    public void Instance_parameters_are_removed_for_sta_and_nothing_else()
    {
        const string netlist = "module accel(clk);\n  input clk;\n  rom_w #(\n    .INIT_FILE(\"rom_w.hex\"),\n    .DEPTH(8)\n  ) u_w (\n    .clk(clk)\n  );\n  mem_in u_in (\n    .clk(clk)\n  );\nendmodule\n";
        var stripped = StaTiming.WithoutInstanceParameters(netlist);
        Assert.Equal("module accel(clk);\n  input clk;\n  rom_w u_w (\n    .clk(clk)\n  );\n  mem_in u_in (\n    .clk(clk)\n  );\nendmodule\n", stripped);
    }

    [Fact]
    public void Sta_script_reads_every_liberty_links_the_top_and_constrains_all_ports()
    {
        var s = StaTiming.Script(["/t/osu.lib", "/a b/bb.lib"], "/r/netlist.v", "accel", 7.5);
        var lines = s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith('#')).ToList();
        Assert.Equal("read_liberty /t/osu.lib", lines[0]);
        Assert.Equal("read_liberty /a\\ b/bb.lib", lines[1]); // Tcl: the blank is backslash-escaped
        Assert.Equal("read_verilog /r/netlist.v", lines[2]);
        Assert.Equal("link_design accel", lines[3]);
        Assert.Equal("create_clock -name clk -period 7.5 [get_ports clk]", lines[4]);
        Assert.Contains("set_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports clk]]", lines);
        Assert.Contains("set_output_delay 0 -clock clk [all_outputs]", lines);
        Assert.Contains("report_checks -path_delay max -digits 4", lines);
    }
}
