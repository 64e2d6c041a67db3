using System.Globalization;
using System.Text.RegularExpressions;
using FlowRunner.Abstractions;
using FlowRunner.Stages.Floorplan;
using FlowRunner.Stages.Memory;
using FlowRunner.Tech;
using FlowRunner.Tech.Lef;

using FlowRunner.Stages.Tests.Support;

namespace FlowRunner.Stages.Tests.Floorplan;

/// <summary>`floorplan` run by hand: a fake memory.generate folder (memory.json + LEFs written by LefWriter), a synth output with logic_area_um2 and an hls schedule.</summary>
public sealed class FloorplanStageTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "flowrunner-fpstage-" + Guid.NewGuid().ToString("N")[..10]);

    public FloorplanStageTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    // (macro, logical, width, height): fmap1 is split into two macros; sizes in the LEF differ from memory.json on purpose.
    private static readonly (string Macro, string Logical, double W, double H)[] Macros =
    [
        ("conv1_w_m0", "conv1_w", 60, 40), ("fmap1_m0", "fmap1", 120, 90), ("fmap1_m1", "fmap1", 120, 90), ("dense_w_m0", "dense_w", 200, 60),
    ];

    private static string Schedule(IReadOnlyList<string>? rtlFiles = null) => TestSchedules.Json(TestSchedules.Record(top: "mnist_accel", rtlFiles: rtlFiles, memories:
    [
        TestSchedules.Memory("conv1_w", 72, 8, "rom", reads: 48672, layer: "conv1"),
        TestSchedules.Memory("fmap1", 5408, 8, "sram", reads: 48672, writes: 5408, layer: "conv2"),
        TestSchedules.Memory("dense_w", 17280, 8, "rom", reads: 17280, layer: "dense"),
    ]));

    private StageOutput MemoryOutput()
    {
        var dir = Path.Combine(_root, "memory");
        var entries = new List<MacroEntry>();
        foreach (var (name, logical, w, h) in Macros)
        {
            Directory.CreateDirectory(Path.Combine(dir, "macros", name));
            var pin = new LefPin("dout[0]", "OUTPUT", "SIGNAL", [new LefShape("metal2", new LefRect(1, 0, 1.2, 0.5))]);
            LefWriter.WriteFile(Path.Combine(dir, "macros", name, name + ".lef"), new LefLibrary([new LefMacro(name, "BLOCK", w, h) { Pins = [pin], Symmetry = "X Y R90" }]));
            entries.Add(new MacroEntry(name, logical, w - 1, h - 1, (w - 1) * (h - 1), $"macros/{name}/{name}.lef", $"macros/{name}/{name}.lib", $"macros/{name}/{name}.v",
                "bottom", 1, 1, 1, 1, 64, 8));
        }
        var logicals = Macros.GroupBy(m => m.Logical).Select(g => new LogicalEntry(g.Key, g.Key + "_mem", $"wrappers/{g.Key}_mem.v", g.Select(m => m.Macro).ToList(),
            "none", g.Sum(m => m.W * m.H), 1, 1, g.Key == "dense_w" ? 17280 : 48672, g.Key == "fmap1" ? 5408 : 0)).ToList();
        File.WriteAllText(Path.Combine(dir, "memory.json"), new MemoryManifest(entries, logicals).ToJson());
        return new StageOutput("memory", MemoryGenerateStage.KindName, "compiler", dir, [], [new Artifact("memories", "memory.json")]);
    }

    private StageContext Context(Dictionary<string, object?> with, double? logicArea = 30000, bool hls = true, string stage = "floorplan", string tech = "generic45",
        string? schedule = null)
    {
        schedule ??= Schedule();
        var inputs = new List<StageOutput>();
        if (logicArea is double a) inputs.Add(new StageOutput("synth", "synth", "yosys", Path.Combine(_root, "synth"), [new Metric("logic_area_um2", a, "um2")], []));
        inputs.Add(MemoryOutput());
        if (hls)
        {
            var h = Path.Combine(_root, "hls");
            Directory.CreateDirectory(h);
            File.WriteAllText(Path.Combine(h, "schedule.json"), schedule);
            inputs.Add(new StageOutput("hls", "hls.emit", "emit", h, [], [new Artifact("schedule", "schedule.json")]));
        }
        var dir = Path.Combine(_root, stage);
        Directory.CreateDirectory(dir);
        var values = new Dictionary<string, object?> { ["moves"] = 0.2 };
        foreach (var (k, v) in with) values[k] = v;
        return TestContexts.Stage(_root, stage, FloorplanStage.KindName, "annealer", dir, values, inputs, tech, seed: 11, needs: ["synth", "memory"]);
    }

    private static Task<StageResult> Run(StageContext c) => new AnnealerAdapter().RunAsync(c, CancellationToken.None);

    private static double M(StageResult r, string name) => r.Metrics.Single(m => m.Name == name).Value;

    [Fact]
    public void The_stage_declares_its_options_and_products()
    {
        var stage = new FloorplanStage();
        Assert.Equal("floorplan", stage.Kind);
        Assert.Equal(0.7, stage.Options.Single(o => o.Key == "utilization").Default);
        Assert.Equal("um", stage.Options.Single(o => o.Key == "halo_um").Unit);
        Assert.Equal(5.0, stage.Options.Single(o => o.Key == "halo_um").Default);
        Assert.Equal(["def", "svg", "floorplan", "tech_lef"], stage.Writes.Select(w => w.Name));
        Assert.True(stage.Writes.Single(w => w.Name == "tech_lef").IsOptional, "generic45 has no LEF to copy");
        Assert.Contains(stage.Reads, r => r.View == Views.Memories && !r.IsOptional);
        var adapter = new AnnealerAdapter();
        Assert.Equal(("floorplan", "annealer"), (adapter.StageKind, adapter.Id));
        Assert.Empty(adapter.RequiredTools);
    }

    [Fact]
    public async Task Places_the_macros_and_the_cell_region_and_writes_def_svg_json_and_metrics()
    {
        var c = Context([]);
        var result = await Run(c);
        Assert.Equal(["def", "svg", "floorplan"], result.Artifacts.Select(a => a.Name));
        Assert.All(result.Artifacts, a => Assert.True(File.Exists(c.PathOf(a.RelativePath)), a.RelativePath));
        Assert.EndsWith(".svg", result.Artifacts.Single(a => a.Name == "svg").RelativePath);

        var plan = FloorplanJson.FromJson(File.ReadAllText(c.PathOf("floorplan.json")));
        Assert.Equal("mnist_accel", plan.Design);
        Assert.Equal(Macros.Select(m => m.Macro), plan.Macros.Select(m => m.Name));
        foreach (var (m, spec) in plan.Macros.Zip(Macros))
        {
            // Sizes come from the LEF (memory.json says one micron less), turned when the orientation is E/W.
            var turned = m.Orientation is "E" or "W" or "FE" or "FW";
            Assert.Equal(turned ? (spec.H, spec.W) : (spec.W, spec.H), (m.Rect.Width, m.Rect.Height));
            Assert.Equal(5, m.HaloUm);
            Assert.True(m.Rect.X >= 5 - 1e-6 && m.Rect.Y >= 5 - 1e-6 && m.Rect.X + m.Rect.Width <= plan.Die.Width - 5 + 1e-3 && m.Rect.Y + m.Rect.Height <= plan.Die.Height - 5 + 1e-3, m.Name);
        }
        var rects = plan.Macros.Select(m => m.Rect).Append(plan.CellRegion.Rect).ToList();
        for (var i = 0; i < rects.Count; i++)
            for (var j = i + 1; j < rects.Count; j++)
                Assert.False(rects[i].X < rects[j].X + rects[j].Width - 1e-6 && rects[j].X < rects[i].X + rects[i].Width - 1e-6
                    && rects[i].Y < rects[j].Y + rects[j].Height - 1e-6 && rects[j].Y < rects[i].Y + rects[i].Height - 1e-6, $"{i} overlaps {j}");
        Assert.Equal(30000 / 0.7, plan.CellRegion.Rect.Width * plan.CellRegion.Rect.Height, 0);
        Assert.Equal("stage 'synth' logic_area_um2", plan.CellRegion.Source);
        Assert.Contains(plan.Nets, n => n.Name == "layer_conv2" && n.Members.SequenceEqual(["fmap1_m0", "fmap1_m1", "stdcells"]));
        Assert.True(plan.Nets.Single(n => n.Name == "mem_fmap1").Weight > plan.Nets.Single(n => n.Name == "mem_dense_w").Weight);

        var macroArea = Macros.Sum(m => m.W * m.H);
        Assert.Equal(plan.Die.Width * plan.Die.Height, M(result, "die_area_um2"), 1);
        Assert.Equal(plan.Die.Width, M(result, "die_width_um"), 3);
        Assert.Equal((macroArea + 30000) / M(result, "die_area_um2"), M(result, "utilization"), 6);
        Assert.Equal(1 - (macroArea + 30000 / 0.7) / M(result, "die_area_um2"), M(result, "dead_space"), 6);
        Assert.InRange(M(result, "dead_space"), 0, 0.6);
        Assert.True(M(result, "wirelength_um") > 0);
        Assert.True(M(result, "floorplan_runtime_s") < 10);
        // Free outline at aspect 1: the die is not far from square.
        Assert.InRange(plan.Die.Height / plan.Die.Width, 0.5, 2);

        var def = File.ReadAllText(c.PathOf("floorplan.def"));
        Assert.Contains("DESIGN mnist_accel ;", def);
        Assert.Contains("UNITS DISTANCE MICRONS 1000 ;", def);
        Assert.Contains($"DIEAREA ( 0 0 ) ( {Math.Round(plan.Die.Width * 1000).ToString(CultureInfo.InvariantCulture)} {Math.Round(plan.Die.Height * 1000).ToString(CultureInfo.InvariantCulture)} ) ;", def);
        Assert.Contains("COMPONENTS 4 ;", def);
        Assert.Equal(4, Regex.Matches(def, @"^- \w+ \w+ \+ FIXED \( \d+ \d+ \) (N|S|E|W|FN|FS|FE|FW) \+ HALO 5000 5000 5000 5000 ;$", RegexOptions.Multiline).Count);
        Assert.Contains("- stdcells (", def);
        Assert.Contains("<svg", File.ReadAllText(c.PathOf("floorplan.svg")));
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_def()
    {
        await Run(Context([], stage: "a"));
        await Run(Context([], stage: "b"));
        Assert.Equal(File.ReadAllText(Path.Combine(_root, "a", "floorplan.def")), File.ReadAllText(Path.Combine(_root, "b", "floorplan.def")));
    }

    [Fact]
    public async Task A_fixed_outline_is_the_die_and_rows_follow_the_tech()
    {
        var c = Context(new() { ["die_width_um"] = 420.0, ["die_height_um"] = 380.0, ["row_site"] = "FreePDK45_38x28_10R_NP_162NW_34O" }, hls: false);
        var result = await Run(c);
        Assert.Equal((420.0, 380.0), (M(result, "die_width_um"), M(result, "die_height_um")));
        var plan = FloorplanJson.FromJson(File.ReadAllText(c.PathOf("floorplan.json")));
        Assert.True(plan.OutlineFixed);
        Assert.All(plan.Macros, m => Assert.True(m.Rect.X + m.Rect.Width <= 420 && m.Rect.Y + m.Rect.Height <= 380, m.Name));
        Assert.DoesNotContain(plan.Nets, n => n.Name.StartsWith("layer_", StringComparison.Ordinal));
        var def = File.ReadAllText(c.PathOf("floorplan.def"));
        Assert.Matches(@"ROW ROW_0 FreePDK45_38x28_10R_NP_162NW_34O \d+ \d+ N DO \d+ BY 1 STEP 190 0 ;", def);
    }

    [Fact]
    public async Task On_osu018_the_def_has_rows_of_the_lef_site_the_top_pins_and_the_tech_lef_and_klayout_reads_it()
    {
        Directory.CreateDirectory(Path.Combine(_root, "hls"));
        File.WriteAllText(Path.Combine(_root, "hls", "top.v"), "module mnist_accel (input clk, input [3:0] wdata, output [1:0] rdata, output done);\nendmodule\n");
        var schedule = Schedule(["top.v"]);
        var c = Context(new() { ["row_site"] = "core" }, tech: "osu018", schedule: schedule);
        var result = await Run(c);
        Assert.Contains(result.Artifacts, a => a.Name == "tech_lef");
        var lef = LefReader.ReadFile(c.PathOf("tech.lef"));
        Assert.Contains(lef.Sites, s => s.Name == "core");
        var def = File.ReadAllText(c.PathOf("floorplan.def"));
        Assert.Matches(@"ROW ROW_0 core \d+ \d+ N DO \d+ BY 1 STEP 800 0 ;", def);
        Assert.Contains("PINS 8 ;", def);
        foreach (var pin in new[] { "clk", "wdata[3]", "wdata[0]", "rdata[1]", "done" }) Assert.Contains($"- {pin} + NET {pin} + DIRECTION ", def);
        Assert.Contains("- done + NET done + DIRECTION OUTPUT", def);

        // KLayout (batch mode) reads the DEF with the tech LEF and the macros' LEFs as they are, and finds the four macros and eight pins.
        var locator = new FlowRunner.Engine.Tools.ToolLocator();
        Assert.NotNull(locator.Find("klayout"));
        File.WriteAllText(c.PathOf("count.py"), """
            import pya
            opts = pya.LoadLayoutOptions()
            opts.lefdef_config.lef_files = lefs.split(";")
            opts.lefdef_config.read_lef_with_def = False
            ly = pya.Layout()
            ly.read(def_file, opts)
            top = ly.top_cell()
            print("instances %d" % top.child_instances())
            print("bbox %.1f %.1f" % (top.dbbox().width(), top.dbbox().height()))
            """);
        var macroLefs = Macros.Select(m => Path.Combine(_root, "memory", "macros", m.Macro, m.Macro + ".lef"));
        var log = new RecordingLog();
        var tools = new FlowRunner.Engine.Tools.ToolRunner(c.Directory, log, new FlowRunner.Engine.Recipes.RetrySpec(1, 0, 120), locator);
        var r = await tools.RunAsync(new ToolInvocation("klayout", ["-b", "-r", "count.py", "-rd", $"def_file={c.PathOf("floorplan.def")}",
            "-rd", $"lefs={string.Join(';', macroLefs.Prepend(c.PathOf("tech.lef")))}"]) { WorkingDirectory = c.Directory }, CancellationToken.None);
        Assert.Contains("instances 4", r.StandardOutput);
        var bbox = Regex.Match(r.StandardOutput, @"bbox ([0-9.]+) ([0-9.]+)");
        Assert.Equal(M(result, "die_width_um"), double.Parse(bbox.Groups[1].Value, CultureInfo.InvariantCulture), 1.0);
    }

    [Fact]
    public async Task The_logic_area_falls_back_to_the_option_and_is_required()
    {
        var c = Context(new() { ["cell_area_um2"] = 20000.0 }, logicArea: null);
        var result = await Run(c);
        Assert.Equal("with.cell_area_um2", FloorplanJson.FromJson(File.ReadAllText(c.PathOf("floorplan.json"))).CellRegion.Source);
        Assert.True(M(result, "die_area_um2") > 20000);

        var e = await Assert.ThrowsAsync<StageFailedException>(() => Run(Context([], logicArea: null, stage: "x")));
        Assert.Contains("cell_area_um2", e.Message);
        Assert.Contains("synth", e.Message);
    }

    [Fact]
    public async Task Bad_options_missing_lefs_and_small_outlines_are_clear_failures()
    {
        var e = await Assert.ThrowsAsync<StageFailedException>(() => Run(Context(new() { ["utilization"] = 1.5 })));
        Assert.Contains("utilization", e.Message);
        e = await Assert.ThrowsAsync<StageFailedException>(() => Run(Context(new() { ["die_width_um"] = 100.0 })));
        Assert.Contains("die_height_um", e.Message);
        e = await Assert.ThrowsAsync<StageFailedException>(() => Run(Context(new() { ["die_width_um"] = 100.0, ["die_height_um"] = 100.0 })));
        Assert.Contains("smaller than the total block area", e.Message);

        var c = Context([]);
        File.Delete(Path.Combine(_root, "memory", "macros", "fmap1_m1", "fmap1_m1.lef"));
        e = await Assert.ThrowsAsync<StageFailedException>(() => Run(c));
        Assert.Contains("fmap1_m1.lef", e.Message);
        Assert.Contains("memory.json", e.Message);
    }
}
