using FlowRunner.Abstractions;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Registry;
using FlowRunner.Engine.Tools;
using FlowRunner.Stages.Floorplan;
using FlowRunner.Stages.PlaceRoute;
using FlowRunner.Stages.Synthesis;
using FlowRunner.Stages.Tests.Support;
using FlowRunner.Tech;
using Microsoft.Extensions.DependencyInjection;

namespace FlowRunner.Stages.Tests.PlaceRoute;

/// <summary>The qflow adapter with every real tool (Yosys, graywolf, qrouter, rc2dly, OpenSTA, KLayout) on a MAC lane with its operand memory
/// and weight ROM as black boxes (Power/Data/accel.v), synthesized onto osu018 by the real synth stage.</summary>
public sealed class QflowAdapterTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "flowrunner-pr-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string _techRoot = TechLoader.FindTechRoot(AppContext.BaseDirectory) ?? throw new InvalidOperationException("no tech/ folder");
    private readonly RecordingLog _log = new();

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("FLOWRUNNER_KEEP_TEST_FOLDERS") is not { Length: > 0 })
            try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    private StageContext Context(string id, string kind, string adapter, string dir, Dictionary<string, object?> with, IReadOnlyList<StageOutput> inputs, string tech = "osu018",
        IToolAdapter? declared = null, IStage? stage = null)
    {
        var tools = new ToolRunner(dir, _log, new RetrySpec(1, 0, 300), new ToolLocator());
        return TestContexts.Stage(_root, id, kind, adapter, dir, with, inputs, tech, _log, declared is null ? tools : new DeclaredToolRunner(tools, declared, dir),
            new ToolLocator(), declaredReads: stage?.Reads);
    }

    private string Folder(string id)
    {
        var d = Path.Combine(_root, id);
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>hls (a schedule naming accel.v and the memory stubs), synth (the real yosys adapter on osu018), and a floor plan whose cell region is 160 x 120 um.</summary>
    private async Task<(StageOutput Hls, StageOutput Synth, StageOutput Floorplan)> UpstreamAsync(string tech = "osu018")
    {
        var hlsDir = Folder("hls");
        foreach (var f in new[] { "accel.v", "bb.v" }) File.Copy(Path.Combine(AppContext.BaseDirectory, "Power", "Data", f), Path.Combine(hlsDir, f));
        File.WriteAllText(Path.Combine(hlsDir, "schedule.json"),
            TestSchedules.Json(TestSchedules.Record(lanes: 1, cyclesPerInference: 400, rtlFiles: ["accel.v", "bb.v"], memoryModules: ["mem_in", "rom_conv1"])));
        var hls = new StageOutput("hls", "hls.emit", "emit", hlsDir, [], [new Artifact("schedule", "schedule.json")]);
        var synthDir = Folder("synth");
        var s = await new YosysSynthAdapter().RunAsync(Context("synth", SynthStage.KindName, "yosys", synthDir, new(), [hls], tech), CancellationToken.None);
        var synth = new StageOutput("synth", SynthStage.KindName, "yosys", synthDir, s.Metrics, s.Artifacts);
        var fpDir = Folder("floorplan");
        var fp = new FloorplanJson(FloorplanJson.FormatName, "accel", new FloorplanRect(0, 0, 400, 300), false,
            new CellRegionJson(new FloorplanRect(220, 40, 160, 120), 16000, 0.7, "test"), [], [], 1, new Dictionary<string, double>());
        File.WriteAllText(Path.Combine(fpDir, "floorplan.json"), fp.ToJson());
        var floorplan = new StageOutput("floorplan", FloorplanStage.KindName, "annealer", fpDir, [], [new Artifact("floorplan", "floorplan.json")]);
        return (hls, synth, floorplan);
    }

    [Fact]
    public async Task A_mac_lane_is_placed_routed_extracted_and_timed_after_routing()
    {
        var (hls, synth, floorplan) = await UpstreamAsync();
        var dir = Folder("pr");
        // As the engine runs it: only the views place.route declares, only the tools the adapter declares.
        var adapter = new QflowAdapter();
        var stage = new PlaceRouteStage();
        var result = await adapter.RunAsync(Context("pr", PlaceRouteStage.KindName, "qflow", dir, new(), [synth, floorplan, hls], declared: adapter, stage: stage), CancellationToken.None);
        double M(string name) => result.Metrics.Single(m => m.Name == name).Value;

        Assert.Equal(0, M("failed_routes"));
        Assert.True(M("placed_cells") > 300, $"{M("placed_cells")} cells");
        Assert.True(M("cell_rows") >= 5);
        Assert.InRange(M("utilization"), 0.3, 1.0);
        Assert.True(M("wirelength_um") > 1000);
        Assert.True(M("routed_nets") > 300);
        Assert.True(M("wire_capacitance_pf") > 0);
        // The block's boundary carries the memories' pins: u_mem's address, data and controls, u_rom's address and its 144-bit word.
        var def = RoutedDef.Parse(File.ReadAllText(Path.Combine(dir, "routed.def")));
        Assert.True(def.Pins > 144 + 16 + 9, $"{def.Pins} pins");
        Assert.DoesNotContain(def.Components, c => c.Cell is "mem_in" or "rom_conv1");

        // OpenSTA read the SPEF without complaint (StaTiming.Parse fails on "Error" lines) and every routed net got its parasitics.
        var post = File.ReadAllText(Path.Combine(dir, "post_route.log"));
        Assert.DoesNotContain("Error", post);
        Assert.DoesNotContain("not found", post);
        Assert.True(M("post_route_critical_path_ns") > M("pre_route_critical_path_ns"), "wires add delay");
        Assert.True(M("post_route_critical_path_ns") < 2 * M("pre_route_critical_path_ns"), "but not double it on a block this small");
        Assert.True(M("post_route_power_mw") > M("pre_route_power_mw"), "wire capacitance adds switching power");
        Assert.Equal(1000 / M("post_route_critical_path_ns"), M("post_route_fmax_mhz"), 2);
        Assert.True(File.ReadAllText(Path.Combine(dir, "routed.sdf")).Contains("INTERCONNECT", StringComparison.Ordinal));
        Assert.Contains(_log.Lines, l => l.Contains("logic block of accel alone", StringComparison.Ordinal));
        Assert.Contains(_log.Lines, l => l.Contains("blifFanout:", StringComparison.Ordinal) && l.Contains("CLKBUF1 on the clock", StringComparison.Ordinal));
        Assert.Contains(File.ReadAllLines(Path.Combine(dir, "routed.v")), l => l.TrimStart().StartsWith("CLKBUF1 ", StringComparison.Ordinal));
        if (new ToolLocator().Find("klayout") is not null)
        {
            var png = File.ReadAllBytes(Path.Combine(dir, "layout.png"));
            Assert.True(png.Length > 10_000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
        }
        var record = PlaceRouteRecord.Read(Path.Combine(dir, "place_route.json"));
        Assert.Contains("boundary", record.Macros);
        Assert.Equal(M("wirelength_um"), record.Metrics["wirelength_um"]);
        // Every metric is declared with its unit, every declared view that is not optional was written.
        foreach (var m in result.Metrics)
            Assert.Contains(stage.Reports, spec => spec.Matches(m.Name) && spec.Unit == m.Unit);
        foreach (var w in stage.Writes.Where(w => !w.IsOptional))
            Assert.Contains(result.Artifacts, a => a.Name == w.Name);
    }

    [Fact]
    public async Task Generic45_has_no_layout_and_is_refused_by_name()
    {
        var hlsDir = Folder("hls45");
        var synthDir = Folder("synth45");
        File.WriteAllText(Path.Combine(synthDir, "netlist.v"), "module accel(); endmodule\n");
        File.WriteAllText(Path.Combine(synthDir, "synth.json"), new SynthReport(SynthReport.FormatName, "yosys", "accel", "generic45", "x.lib", 2, new Dictionary<string, double>(),
            new Dictionary<string, int>(), []).ToJson());
        var synth = new StageOutput("synth", SynthStage.KindName, "yosys", synthDir, [], [new Artifact("netlist", "netlist.v"), new Artifact("synth_report", "synth.json")]);
        var e = await Assert.ThrowsAsync<StageFailedException>(() => new QflowAdapter().RunAsync(
            Context("pr", PlaceRouteStage.KindName, "qflow", Folder("pr45"), new(), [synth], "generic45"), CancellationToken.None));
        Assert.Contains("generic45", e.Message);
        Assert.Contains("unsupported", e.Message);
    }

    [Theory]
    [InlineData("generic45", true)]
    [InlineData("osu018", false)]
    public void Validate_refuses_place_route_on_a_tech_without_a_cell_LEF_at_the_stage(string tech, bool refused)
    {
        var ws = Folder("validate-" + tech);
        Directory.CreateDirectory(Path.Combine(ws, "tech", tech));
        File.Copy(new TechLoader(_techRoot).PathOf(tech), Path.Combine(ws, "tech", tech, "tech.yaml"));
        var recipe = Path.Combine(ws, "r.yaml");
        File.WriteAllText(recipe, $"name: pr\ntech: {tech}\nstages:\n  - {{ id: fp, kind: floorplan, with: {{ cell_area_um2: 1000 }} }}\n  - {{ id: pr, kind: place.route, needs: [fp] }}\n");
        using var provider = new ServiceCollection().AddBuiltInStages().BuildServiceProvider();
        var registry = new StageRegistry(provider.GetServices<IStage>(), provider.GetServices<IToolAdapter>(), new ToolLocator());
        var e = Assert.Throws<RecipeException>(() => RunPlanner.PlanFile(recipe, [], registry));
        // Both recipes lack synth and memories upstream; only generic45's also names the tech, at the place.route stage's line.
        var techLines = e.Errors.Where(x => x.Message.Contains("unsupported", StringComparison.Ordinal)).ToList();
        if (!refused) { Assert.Empty(techLines); return; }
        var line = Assert.Single(techLines);
        Assert.Equal(5, line.Mark.Line);
        Assert.Contains("stage 'pr' (place.route): tech 'generic45' has no standard-cell LEF", line.Message);
    }
}
