using FlowRunner.Stages.Tests.Support;
using FlowRunner.Hls.Schedule;
using FlowRunner.Abstractions;
using FlowRunner.Stages.Synthesis;
using FlowRunner.Tech.Liberty;

namespace FlowRunner.Stages.Tests.Synthesis;

/// <summary>The synth adapters run for real: Yosys and OpenSTA on the fixture accelerator (memories as black boxes) on both techs, errors, and the analytical model against Yosys.</summary>
public sealed class SynthRunTests : IDisposable
{
    private readonly SynthFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static double Metric(StageResult r, string name) =>
        r.Metrics.SingleOrDefault(m => m.Name == name)?.Value ?? throw new Xunit.Sdk.XunitException($"no metric {name}; has {string.Join(", ", r.Metrics.Select(m => m.Name))}");

    [Fact]
    public void The_stage_and_its_adapters_are_declared_and_registered()
    {
        var stage = new SynthStage();
        Assert.Equal("synth", stage.Kind);
        Assert.Equal(["clock_ns", "liberty", "timing"], stage.Options.Select(o => o.Key));
        Assert.Equal(["schedule", "rtl"], stage.Reads.Select(r => r.Name));
        Assert.Equal(["synth_report", "netlist", "liberty"], stage.Writes.Select(w => w.Name));
        Assert.True(stage.Writes.Single(w => w.View == Views.Netlist).IsOptional, "the analytical adapter writes no netlist");
        var y = new YosysSynthAdapter();
        var a = new AnalyticalSynthAdapter();
        Assert.Equal(("synth", "yosys", 20), (y.StageKind, y.Id, y.Priority));
        Assert.Equal(["yosys"], y.RequiredTools);
        Assert.Equal(("synth", "analytical", 10), (a.StageKind, a.Id, a.Priority));
        Assert.Empty(a.RequiredTools);

        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddBuiltInStages();
        Assert.Contains(services, d => d.ImplementationType == typeof(SynthStage));
        Assert.Contains(services, d => d.ImplementationType == typeof(YosysSynthAdapter));
        Assert.Contains(services, d => d.ImplementationType == typeof(AnalyticalSynthAdapter));
    }

    [Theory]
    [InlineData("osu018")]
    [InlineData("generic45")]
    public async Task Yosys_and_sta_synthesize_and_time_the_fixture_accelerator(string tech)
    {
        var hls = _f.CopyFixtureHls();
        var c = _f.Context(hls, tech, "yosys");
        var r = await new YosysSynthAdapter().RunAsync(c, CancellationToken.None);

        Assert.Equal(["netlist", "synth_report", "liberty"], r.Artifacts.Select(a => a.Name));
        Assert.True(File.Exists(c.PathOf(r.Artifacts.Single(a => a.Name == "liberty").RelativePath)), "the liberty view lives in the stage folder");
        Assert.True(Metric(r, "logic_area_um2") > 0);
        Assert.Equal(0, Metric(r, "latches"));
        // 2 x 20-bit accumulators, 4-bit address, busy, done: 46 flip-flops whatever the library.
        Assert.Equal(46, Metric(r, "flip_flops"));
        Assert.True(Metric(r, "cell_count") > 300);
        var cells = r.Metrics.Where(m => m.Name.StartsWith("cells_", StringComparison.Ordinal)).ToList();
        Assert.Equal(Metric(r, "cell_count"), cells.Sum(m => m.Value));
        Assert.DoesNotContain(cells, m => m.Name.Contains("mem_in") || m.Name.Contains('$'));

        // OpenSTA ran (the tech clock, 10 ns osu018, 2 ns generic45): the path runs from a memory through the MAC.
        var period = tech == "osu018" ? 10.0 : 2.0;
        var path = Metric(r, "critical_path_ns");
        Assert.InRange(path, 0.2, 20);
        Assert.Equal(period - path, Metric(r, "slack_ns"), 6);
        Assert.Equal(Math.Min(0, period - path), Metric(r, "wns_ns"), 6);
        Assert.Equal(1000 / path, Metric(r, "fmax_mhz"), 6);

        var netlist = File.ReadAllText(c.PathOf("netlist.v"));
        Assert.Contains("mem_in u_in (", netlist);
        // The artifact keeps the ROM's INIT_FILE for simulation; OpenSTA got a copy without it.
        Assert.Contains("rom_w #(", netlist);
        Assert.Contains(".INIT_FILE(\"rom_w.hex\")", netlist);
        Assert.Contains("rom_w u_w (", File.ReadAllText(c.PathOf("netlist_sta.v")));
        Assert.DoesNotContain("reg [15:0] mem", netlist);
        Assert.DoesNotContain("assign {", netlist);

        var report = SynthReport.FromJson(File.ReadAllText(c.PathOf("synth.json")));
        Assert.Equal(("yosys", "accel", tech, period), (report.Adapter, report.Top, report.Tech, report.ClockNs));
        Assert.True(Path.IsPathRooted(report.Liberty) && File.Exists(report.Liberty), report.Liberty);
        Assert.Equal(Metric(r, "logic_area_um2"), report.Metrics["logic_area_um2"], 3);
        Assert.Equal(["mem_in", "rom_w"], report.Blackboxes);
        Assert.Equal("opensta", report.Timing!.Tool);
        Assert.Equal((int)Metric(r, "cell_count"), report.Cells.Values.Sum());
        var library = LibertyReader.ReadFile(report.Liberty);
        Assert.All(report.Cells.Keys, k => Assert.NotNull(library.Cell(k)));
    }

    [Fact]
    public async Task Clock_option_sets_the_sta_period_and_a_short_one_violates()
    {
        var hls = _f.CopyFixtureHls();
        var r = await new YosysSynthAdapter().RunAsync(_f.Context(hls, "osu018", "yosys", new() { ["clock_ns"] = 1.0 }), CancellationToken.None);
        Assert.True(Metric(r, "wns_ns") < 0);
        Assert.Equal(Metric(r, "slack_ns"), Metric(r, "wns_ns"));
        Assert.Equal(1 - Metric(r, "slack_ns"), Metric(r, "critical_path_ns"), 6);
    }

    [Fact]
    public async Task Invalid_rtl_fails_with_the_tail_of_the_yosys_log()
    {
        var hls = _f.CopyFixtureHls();
        File.AppendAllText(Path.Combine(hls, "rtl", "accel.v"), "\nmodule broken(input a; endmodule\n");
        var c = _f.Context(hls, "osu018", "yosys");
        var e = await Assert.ThrowsAsync<StageFailedException>(() => new YosysSynthAdapter().RunAsync(c, CancellationToken.None));
        Assert.Contains("yosys failed", e.Message);
        Assert.Contains("Last lines of yosys.log", e.Message);
        Assert.Contains("syntax error", e.Message);
        Assert.Contains("accel.v", e.Message);
        // A syntax error is not worth a retry.
        Assert.DoesNotContain(_f.Log.Warnings, w => w.Contains("retrying"));
    }

    /// <summary>A fake yosys that writes a log line and then crashes (SIGSEGV) or hangs.</summary>
    private string FakeYosys(string body)
    {
        var path = Path.Combine(_f.Root, "fake-yosys-" + Guid.NewGuid().ToString("N")[..6]);
        File.WriteAllText(path, "#!/bin/sh\necho \"fake yosys started\" >> yosys.log\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public async Task A_crashing_yosys_is_retried_then_fails_with_the_log_tail()
    {
        var hls = _f.CopyFixtureHls();
        var c = _f.Context(hls, "osu018", "yosys", locator: new SubstituteLocator("yosys", FakeYosys("kill -SEGV $$")), retry: new(2, 0.05, 30));
        var e = await Assert.ThrowsAsync<StageFailedException>(() => new YosysSynthAdapter().RunAsync(c, CancellationToken.None));
        Assert.Contains("yosys failed", e.Message);
        Assert.Contains("after 2 attempts", e.Message);
        Assert.Contains("| fake yosys started", e.Message);
        Assert.Equal(2, File.ReadAllLines(c.PathOf("yosys.log")).Length);
        Assert.Contains(_f.Log.Warnings, w => w.Contains("retrying"));
    }

    [Fact]
    public async Task A_hanging_yosys_is_killed_at_the_timeout_and_fails_the_stage()
    {
        var hls = _f.CopyFixtureHls();
        var c = _f.Context(hls, "osu018", "yosys", locator: new SubstituteLocator("yosys", FakeYosys("exec sleep 60")), retry: new(2, 0.05, 0.5));
        var started = System.Diagnostics.Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<StageFailedException>(() => new YosysSynthAdapter().RunAsync(c, CancellationToken.None));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), $"took {started.Elapsed}");
        Assert.Contains("timed out", e.Message);
        Assert.Contains("| fake yosys started", e.Message);
    }

    [Fact]
    public async Task Missing_schedule_and_missing_memory_module_are_clear_errors()
    {
        var empty = Path.Combine(_f.Root, "empty-hls");
        Directory.CreateDirectory(empty);
        var e = await Assert.ThrowsAsync<StageFailedException>(() => new YosysSynthAdapter().RunAsync(_f.Context(empty, "osu018", "yosys"), CancellationToken.None));
        Assert.Contains("schedule.json", e.Message);
        Assert.Contains("does not exist", e.Message);
        var a = await Assert.ThrowsAsync<StageFailedException>(() => new AnalyticalSynthAdapter().RunAsync(_f.Context(empty, "osu018", "analytical"), CancellationToken.None));
        Assert.Contains("schedule.json", a.Message);

        var hls = _f.CopyFixtureHls("hls2");
        var schedule = Path.Combine(hls, "schedule.json");
        File.WriteAllText(schedule, File.ReadAllText(schedule).Replace("\"memory_modules\": [\"mem_in\", \"rom_w\"]", "\"memory_modules\": [\"mem_in\", \"rom_x\"]"));
        var m = await Assert.ThrowsAsync<StageFailedException>(() => new YosysSynthAdapter().RunAsync(_f.Context(hls, "osu018", "yosys"), CancellationToken.None));
        Assert.Contains("rom_x", m.Message);
    }

    private const string MultiplierRtl = """
        // One registered signed 8x8 multiplier: the MAC array's building block.
        module accel(input clk, input signed [7:0] a, input signed [7:0] b, output reg signed [15:0] p);
          reg signed [7:0] ar, br;
          always @(posedge clk) begin
            ar <= a;
            br <= b;
            p <= ar * br;
          end
        endmodule
        """;

    private static readonly string MultiplierSchedule = TestSchedules.Json(TestSchedules.Record(lanes: 1, multipliersPerLane: 1, rtlFiles: ["rtl/accel.v"],
        operators: [ScheduledOperator.Mul(8, 8, 1), ScheduledOperator.Of("reg", 8, 2), ScheduledOperator.Of("reg", 16, 1)]));

    [Theory]
    [InlineData("osu018")]
    [InlineData("generic45")]
    public async Task Analytical_estimate_is_within_20_percent_of_yosys_on_a_registered_multiplier(string tech)
    {
        var hls = _f.WriteHls(MultiplierSchedule, new Dictionary<string, string> { ["rtl/accel.v"] = MultiplierRtl });
        var y = await new YosysSynthAdapter().RunAsync(_f.Context(hls, tech, "yosys"), CancellationToken.None);
        var a = await new AnalyticalSynthAdapter().RunAsync(_f.Context(hls, tech, "analytical"), CancellationToken.None);

        Assert.Equal(32, Metric(y, "flip_flops"));
        Assert.Equal(32, Metric(a, "flip_flops"));
        var ratio = Metric(a, "logic_area_um2") / Metric(y, "logic_area_um2");
        Assert.InRange(ratio, 0.8, 1.2);
        // The model's path (register + multiplier) against OpenSTA's register-to-register path.
        var pathRatio = Metric(a, "critical_path_ns") / Metric(y, "critical_path_ns");
        Assert.InRange(pathRatio, 0.6, 1.5);
    }

    [Fact]
    public async Task Analytical_adapter_reports_the_downstream_metrics_and_its_operators()
    {
        var hls = _f.CopyFixtureHls();
        var c = _f.Context(hls, "generic45", "analytical");
        var r = await new AnalyticalSynthAdapter().RunAsync(c, CancellationToken.None);
        Assert.Equal(["logic_area_um2", "flip_flops", "critical_path_ns", "fmax_mhz"], r.Metrics.Select(m => m.Name));
        Assert.Equal(2 * 20 + 6, Metric(r, "flip_flops"));
        Assert.Equal(1000 / Metric(r, "critical_path_ns"), Metric(r, "fmax_mhz"), 6);
        Assert.Equal(["synth_report", "liberty"], r.Artifacts.Select(x => x.Name));
        var report = SynthReport.FromJson(File.ReadAllText(c.PathOf("synth.json")));
        Assert.Equal("analytical", report.Adapter);
        Assert.Equal(7, report.Operators!.Count);
        Assert.Equal(Metric(r, "logic_area_um2"), report.Operators.Sum(o => o.AreaUm2) * 1.05, 0.05);
        Assert.EndsWith("generic45.lib", report.Liberty);
    }

    [Theory]
    [InlineData("osu018", "AND2X1", "MUX2X1", "FAX1", "DFFPOSX1")]
    [InlineData("generic45", "AND2", "MUX2", "FA", "DFF")]
    public void Cell_catalog_finds_the_reference_cells_by_function(string tech, string and2, string mux2, string fa, string dff)
    {
        var t = FlowRunner.Tech.TechLoader.LoadFile(SynthFixture.TechFile(tech));
        var lib = LibertyReader.ReadFile(FlowRunner.Tech.StandardCells.LibertyPath(t, Path.Combine(_f.Root, "lib")));
        var c = CellCatalog.From(lib);
        Assert.Equal((and2, mux2, fa, dff), (c.CellNames["and2"], c.CellNames["mux2"], c.CellNames["fa"], c.CellNames["dff"]));
        Assert.Equal(lib.Cell(fa)!.Area, c.FullAdderUm2);
        Assert.True(c.GateDelayNs > 0 && c.RegisterOverheadNs > c.GateDelayNs);
    }
}
