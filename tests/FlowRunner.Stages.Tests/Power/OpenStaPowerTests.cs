using System.Text.Json;
using FlowRunner.Abstractions;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Tools;
using FlowRunner.Hls.Rtl;
using FlowRunner.Stages.Hls;
using FlowRunner.Stages.Power;
using FlowRunner.Tech;

namespace FlowRunner.Stages.Tests.Power;

public sealed class OpenStaPowerTests(PowerFixture fx) : IClassFixture<PowerFixture>
{
    private static string Data(string file) => Path.Combine(AppContext.BaseDirectory, "Power", "Data", file);

    [Fact]
    public void The_parser_reads_saved_real_report_power_output()
    {
        // sta-report-power.log: OpenSTA 2.0.17 on Data/accel.v synthesized by Yosys 0.23 to generic45 cells, with the fixture's memories.
        var report = OpenStaPowerReport.Parse(File.ReadAllText(Data("sta-report-power.log")));
        Assert.Equal(["Sequential", "Combinational", "Macro", "Pad"], report.GroupsW.Keys);
        Assert.True(report.TotalW > 0);
        Assert.Equal(report.GroupsW.Values.Sum(), report.TotalW, report.TotalW * 0.02); // rows are printed to 3 digits
        Assert.Equal(report.InternalW + report.SwitchingW + report.LeakageW, report.TotalW, report.TotalW * 0.02);
        // report_power -instances of the two memories: OpenSTA 2.0.17 counts them under Combinational, not Macro.
        Assert.Equal(["u_mem", "u_rom"], report.InstancesW.Keys);
        Assert.True(report.InstancesW["u_mem"] > 0 && report.InstancesW["u_rom"] > 0, "the memories' Liberty charges their access energy");
        Assert.True(report.InstancesW.Values.Sum() < report.GroupsW["Combinational"]);
    }

    [Fact]
    public void A_log_without_a_power_table_is_an_error_quoting_its_tail()
    {
        var e = Assert.Throws<FormatException>(() => OpenStaPowerReport.Parse("Error: power.tcl, 3 cannot open 'x.v'.\n", "sta.log"));
        Assert.Contains("sta.log", e.Message);
        Assert.Contains("cannot open", e.Message);
    }

    [Fact]
    public async Task Without_a_netlist_the_opensta_adapter_reports_the_analytical_model()
    {
        var dir = fx.Folder("power-nosynth");
        var c = fx.Context("power", PowerStage.KindName, "opensta", dir, new() { ["images"] = 5L }, [fx.Hls, fx.Memory, fx.Model]);
        var result = await new OpenStaPowerAdapter().RunAsync(c, CancellationToken.None);
        Assert.Contains(result.Metrics, m => m.Name == "power_mw" && m.Value > 0);
        Assert.DoesNotContain(result.Metrics, m => m.Name == "opensta_power_mw");
        Assert.Contains(fx.Log.Lines, l => l.Contains("no OpenSTA run"));
    }

    [Fact]
    public void Flip_flops_are_annotated_by_the_net_they_drive()
    {
        var netlist = """
              DFF _1_ (
                .CLK(clk),
                .D(_0_),
                .Q(acc[3])
              );
              DFF _2_ (.CLK(clk), .D(_5_), .Q(w_q[0]));
              DFF _3_ (.CLK(clk), .D(_6_), .Q(x_q[1]));
              DFF _4_ (.CLK(clk), .D(_7_), .Q(state[0]));
              NAND2 _9_ (.A(a), .B(b), .Y(c));
              mem_in u_mem (.clk(clk), .ce(1'b1), .we(wr_en), .addr(addr), .din(wr_data), .dout(mem_dout));
            """;
        var instances = NetlistScan.Read(netlist);
        Assert.Equal(["_1_", "_2_", "_3_", "_4_", "_9_", "u_mem"], instances.Select(i => i.Name));
        var activity = new Models.Activity.ActivityReport(1, 1, 9, [new Models.Activity.LayerActivity("c", "conv2d", 100, 900, 900,
            new("weight", 8, 9, 1800, 0), new("activation", 8, 9, 3600, 0), new("accumulator", 20, 1, 500, 0), new("adder_tree", 20, 1, 400, 0))]);
        var map = new RegisterMapFile("registers.json", new RegisterMap(RegisterMap.FormatTag, "accel",
        [
            new RtlRegister("acc", 20, true, RegisterRoles.Accumulator, true), new RtlRegister("w_q", 8, true, RegisterRoles.Weight, false),
            new RtlRegister("x_q", 8, false, RegisterRoles.Window, true), new RtlRegister("state", 3, false, RegisterRoles.Control, true),
        ]));
        var a = ActivityAnnotation.Build(instances, new HashSet<string> { "DFF" }, new HashSet<string> { "mem_in" }, activity, 200, 0.05, map);
        Assert.Equal(["_1_/Q"], a.PinsByRole["accumulator"]);
        Assert.Equal(["_2_/Q"], a.PinsByRole["weight"]);
        Assert.Equal(["_3_/Q"], a.PinsByRole["activation"]);
        Assert.Equal(["_4_/Q"], a.PinsByRole["control"]);
        Assert.Equal(["u_mem/dout[*]"], a.PinsByRole["memory"]);
        Assert.Equal(500.0 / (20 * 200), a.AccumulatorRate, 12);   // toggles per bit per cycle of the whole inference
        Assert.Equal(1800.0 / (72 * 200), a.WeightRate, 12);
        Assert.Contains("sta::set_power_pin_activity $p 0.125 0.5", a.ToTcl());

        // Nets map to their register by base name, escaped or not; without a map the roles are unknown (at the control activity).
        Assert.Equal("activation", ActivityAnnotation.RoleOf(@"\x_q [12]", map));
        Assert.Equal("accumulator", ActivityAnnotation.RoleOf("acc[3]", map));
        Assert.Equal("control", ActivityAnnotation.RoleOf("_123_", map));
        var unknown = ActivityAnnotation.Build(instances, new HashSet<string> { "DFF" }, new HashSet<string> { "mem_in" }, activity, 200, 0.05, null);
        Assert.Equal(["_1_/Q", "_2_/Q", "_3_/Q", "_4_/Q"], unknown.PinsByRole[ActivityAnnotation.Unknown]);
        Assert.Equal(0.05, unknown.RateOf(ActivityAnnotation.Unknown));
    }

    [Fact]
    public async Task OpenSta_reports_power_on_a_real_yosys_netlist_with_the_memories_as_macros()
    {
        var synthDir = fx.Folder("synth");
        var synth = await fx.SynthesizedNetlistAsync(synthDir);

        var dir = fx.Folder("power-sta");
        var c = fx.Context("power", PowerStage.KindName, "opensta", dir, new() { ["images"] = 20L, ["clock"] = "tech" }, [fx.Hls, fx.Memory, synth, fx.Model],
            tools: new ToolRunner(dir, fx.Log, new RetrySpec(1, 0, 120), new ToolLocator()));
        var result = await new OpenStaPowerAdapter().RunAsync(c, CancellationToken.None);
        double M(string name) => result.Metrics.Single(m => m.Name == name).Value;

        var log = File.ReadAllText(Path.Combine(dir, "sta.log"));
        if (Environment.GetEnvironmentVariable("FLOWRUNNER_SAVE_STA") is { Length: > 0 } save) {
            File.Copy(Path.Combine(dir, "sta.log"), save, true);
            foreach (var f in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Concat(Directory.EnumerateFiles(synthDir, "*.*")))
            {
                var to = Path.Combine(save + ".d", Path.GetRelativePath(f.StartsWith(dir) ? dir : synthDir, f));
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(f, to, true);
            }
        }
        Assert.DoesNotContain("Error", log);
        Assert.True(M("opensta_power_mw") > 0);
        // The totals and the breakdown are OpenSTA's: its total is the power, its parts (logic, memory instances, leakage) add up to it, and the
        // adapter runs no analytical model (no analytical figures, no clock part: OpenSTA counts the clock pins in its Sequential group).
        Assert.Equal(M("opensta_power_mw"), M("power_mw"), 9);
        Assert.Equal(M("opensta_leakage_mw"), M("leakage_mw"));
        Assert.Equal(M("power_mw"), M("logic_power_mw") + M("memory_power_mw") + M("leakage_mw"), 9);
        Assert.Equal(M("energy_per_inference_uj"), M("logic_energy_uj") + M("memory_energy_uj") + M("leakage_energy_uj"), 12);
        Assert.Equal(M("opensta_power_mw"), M("opensta_sequential_power_mw") + M("opensta_combinational_power_mw"), 0.02 * M("opensta_power_mw"));
        Assert.DoesNotContain(result.Metrics, m => m.Name.StartsWith("analytical_") || m.Name is "power_ratio_analytical_to_opensta" or "clock_energy_uj" or "clock_power_mw");
        Assert.Equal(synth.Metric("logic_area_um2"), M("logic_area_um2"));
        Assert.True(M("flip_flops") > 0, "the netlist's flip-flop cells, as the synth stage reports none");
        Assert.True(M("software_energy_per_inference_uj") > 0);
        Assert.Equal(M("software_energy_per_inference_uj") / M("energy_per_inference_uj"), M("energy_ratio_vs_software"), 9);
        Assert.True(M("opensta_memory_power_mw") > 0, "the memory black boxes got their Liberty cells: " + log);
        Assert.True(M("opensta_memory_power_mw") < M("opensta_power_mw"));
        // The macros' Liberty charges the schedule's measured traffic a cycle, so OpenSTA's memory power is the analytical model's
        // (access energy over the inference, plus the macros' leakage).
        // The saved netlist instantiates two of the schedule's memories (mem_in, rom_conv1).
        using var power = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "power.json")));
        var ns = power.RootElement.GetProperty("cycles_per_inference").GetDouble() * power.RootElement.GetProperty("clock_ns").GetDouble();
        var expected = power.RootElement.GetProperty("memories").EnumerateArray().Where(m => m.GetProperty("name").GetString() is "mem_in" or "rom_conv1")
            .Sum(m => m.GetProperty("energy_pj").GetDouble() / ns + m.GetProperty("leakage_uw").GetDouble() / 1000);
        Assert.Equal(expected, M("opensta_memory_power_mw"), 0.02 * expected);
        Assert.True(M("annotated_pins") > 20);
        Assert.Equal("opensta", power.RootElement.GetProperty("adapter").GetString());
        Assert.Equal(JsonValueKind.Null, power.RootElement.GetProperty("analytical").ValueKind);
        Assert.True(File.Exists(Path.Combine(dir, "memlib", "rom_conv1.lib")));
        var tcl = File.ReadAllText(Path.Combine(dir, "power.tcl"));
        Assert.Contains("create_clock -name clk -period 2 ", tcl);
        Assert.Contains("sta::set_power_pin_activity", tcl);
    }
}
