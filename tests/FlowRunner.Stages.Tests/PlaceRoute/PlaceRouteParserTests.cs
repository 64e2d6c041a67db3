using FlowRunner.Stages.PlaceRoute;

namespace FlowRunner.Stages.Tests.PlaceRoute;

/// <summary>The qflow adapter's parsers on saved real output: qflow 1.3.17 (Debian) run on a 4x4-bit MAC with a 10-bit accumulator on osu018
/// (`qflow -T osu018 synthesize place route sta mac`): qrouter 1.4.71's log, its RC file (-d) and the routed DEF.</summary>
public sealed class PlaceRouteParserTests
{
    private static string Data(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "PlaceRoute", "Data", file));

    [Fact]
    public void The_qrouter_log_gives_the_first_pass_failures_and_the_final_verdict()
    {
        var log = QrouterLog.Parse(Data("qrouter-mac.log"));
        Assert.Equal(229, log.Nets);
        Assert.Equal(2, log.FailedFirstPass);   // "Failed net routes: 2" after stage 1, fixed by rip-up and reroute
        Assert.Equal(0, log.FinalFailed);       // "Final: No failed routes!"
        Assert.True(log.RoutesCompleted >= 229);
    }

    [Fact]
    public void A_qrouter_log_that_stops_before_its_verdict_is_an_error_with_its_tail()
    {
        var cut = string.Join('\n', Data("qrouter-mac.log").Split('\n').Take(600));
        var e = Assert.Throws<FormatException>(() => QrouterLog.Parse(cut, "qrouter.log"));
        Assert.Contains("qrouter.log", e.Message);
        Assert.Contains("did not finish", e.Message);
        Assert.Contains("  | ", e.Message);
    }

    [Fact]
    public void A_congested_route_gives_its_unrouted_count_and_nets()
    {
        // Excerpt (head, stage 1, verdict) of qrouter 1.4.71 routing a small MAC with memories on osu018 limited to 2 metal layers.
        var log = QrouterLog.Parse(Data("qrouter-2layers-failed.log"));
        Assert.Equal(259, log.FinalFailed);
        Assert.Equal(341, log.FailedFirstPass);
        Assert.Contains("_1_[0]", log.FailedNets);
        Assert.Contains("_0462_", log.FailedNets);
    }

    [Fact]
    public void A_final_failure_count_is_read()
    {
        var log = QrouterLog.Parse("Failed to route net _0042_\nProgress: Stage 1 total routes completed: 10\nFailed net routes: 3\nFinal: Failed net routes: 1\n");
        Assert.Equal(1, log.FinalFailed);
        Assert.Equal(3, log.FailedFirstPass);
        Assert.Equal(["_0042_"], log.FailedNets);
    }

    [Fact]
    public void Every_net_of_the_rc_file_reaches_as_many_pins_as_it_states()
    {
        var nets = RcFile.Parse(Data("mac.rc"), "mac.rc");
        Assert.Equal(229, nets.Count);
        foreach (var n in nets)
            Assert.Equal(n.Sinks, n.Tree.Sum(t => t.Pins.Count + t.Descendants().Sum(d => d.Pins.Count)) + n.UnresolvedPins);
        var clk = nets.Single(n => n.Name == "clk");
        Assert.Equal("PIN/clk", clk.Driver);
        Assert.True(clk.WireCapacitancePf > 0.001 && clk.WireCapacitancePf < 1, $"clock wire {clk.WireCapacitancePf} pF");
    }

    [Fact]
    public void A_malformed_rc_line_names_its_file_and_line()
    {
        var e = Assert.Throws<FormatException>(() => RcFile.Parse("a 1 X/Y 1 ( 1.0 0.1 B/A )\nb 1 X/Y 1 ( 1.0 0.1 ( 2 0.2 B/A )\n", "x.rc"));
        Assert.StartsWith("x.rc:2:", e.Message);
    }

    [Fact]
    public void The_spef_has_a_node_per_tree_node_and_the_driver_as_root()
    {
        var nets = RcFile.Parse("n1 1 INVX1_1/Y 2 ( 1.5 0.002 ( 0.5 0.001 NAND2X1_3/A ) , ( 2.5 0.003 PIN/out[3] ) )\n");
        var spef = SpefWriter.Write("top", nets);
        Assert.Contains("*D_NET n1 0.006", spef);
        Assert.Contains("*I INVX1_1:Y O", spef);
        Assert.Contains("*I NAND2X1_3:A I", spef);
        Assert.Contains("*P out[3] O", spef);
        Assert.Contains("1 INVX1_1:Y n1:1 1.5", spef);
        Assert.Contains("2 n1:1 NAND2X1_3:A 0.5", spef);
        Assert.Contains("3 n1:1 out[3] 2.5", spef);
        Assert.Equal(@"u\.acc[3]", SpefWriter.Name("u.acc[3]"));
        // blif2Verilog names an internal bus bit x_q[3] as x_q_3_; ports keep their brackets.
        var inner = RcFile.Parse("x_q[3] 1 DFFPOSX1_1/Q 1 ( 1 0.001 NAND2X1_3/A )\n")[0];
        Assert.Equal("x_q_3_", SpefWriter.NetlistName(inner));
        Assert.Equal("out[3]", SpefWriter.NetlistName(nets[0] with { Name = "out[3]" }));
    }

    [Fact]
    public void The_routed_def_gives_cells_pins_nets_and_wire_length()
    {
        var def = RoutedDef.Parse(Data("mac-routed.def"), "mac-routed.def");
        Assert.Equal("mac", def.Design);
        Assert.Equal(100, def.DatabaseMicrons);
        Assert.Equal(255, def.Components.Count);
        Assert.Equal(22, def.Pins);
        Assert.Equal(229, def.Nets);
        Assert.Equal(108.8, def.DieWidthUm, 6);
        Assert.Equal(76.0, def.DieHeightUm, 6);
        Assert.InRange(def.RoutedNets, 220, 229);
        Assert.True(def.Vias > def.RoutedNets, "every routed net has vias");
        // osu018's LEF has six metal layers; qrouter used at least the first three for a design this size.
        Assert.True(def.WireLengthUmByLayer.Keys.Count(k => k.StartsWith("metal")) >= 3);
        // Wire length: at least one half-perimeter of the die per ten nets, and less than every net spanning the die twice.
        Assert.InRange(def.WireLengthUm, 229 * (108.8 + 76) / 10, 229 * 2 * (108.8 + 76));
        Assert.Contains(def.Components, c => c.Cell == "DFFPOSX1");
    }

    [Fact]
    public void BlifFanouts_count_of_changed_gates_is_read_from_its_summary()
    {
        // blifFanout 1.3.17's last lines on the 1-lane main job (first and fourth pass).
        const string first = "1842 gates exceed specified minimum load.\n278 buffers were added.\n389 gates were changed.\n\nGate counts by drive strength:\n\n" +
            "\t\"1\" gates\tIn: 5180    \tOut: 4791    \t-389\n\nNumber of gates changed: 667\n";
        Assert.Equal(667, QflowAdapter.GatesChanged(first));
        Assert.Equal(0, QflowAdapter.GatesChanged("0 buffers were added.\nNumber of gates changed: 0\n"));
    }
}
