using System.Text.Json;
using FlowRunner.Abstractions;
using FlowRunner.Stages.Memory;
using FlowRunner.Tech;

using FlowRunner.Stages.Tests.Support;

namespace FlowRunner.Stages.Tests.Memory;

/// <summary>`memory.generate` run by hand: a fake hls.emit folder with a small schedule.json, a StageContext built in the test.</summary>
public sealed class MemoryStageTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "flowrunner-memstage-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly RecordingLog _log = new();

    public MemoryStageTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private static readonly string Schedule = TestSchedules.Json(TestSchedules.Record(top: "mnist_accel", memories:
    [
        TestSchedules.Memory("conv1_w", 72, 8, "rom", reads: 48672, layer: "conv1", module: "conv1_w_rom", initFile: "rom/conv1_w.hex"),
        TestSchedules.Memory("fmap1", 5408, 8, "sram", reads: 48672, writes: 5408, layer: "conv2", module: "fmap1_ram"),
        TestSchedules.Memory("dense_w", 17280, 8, "rom", reads: 17280, module: "dense_w_rom"),
    ]));

    private StageContext Context(string schedule, Dictionary<string, object?> with, string? tech = "generic45")
    {
        var hls = Path.Combine(_root, "hls");
        Directory.CreateDirectory(Path.Combine(hls, "rom"));
        File.WriteAllText(Path.Combine(hls, "schedule.json"), schedule);
        File.WriteAllText(Path.Combine(hls, "rom", "conv1_w.hex"), string.Join("\n", Enumerable.Range(0, 72).Select(i => (i * 7 % 256).ToString("x2"))) + "\n");
        var stageDir = Path.Combine(_root, "memory");
        Directory.CreateDirectory(stageDir);
        return TestContexts.Stage(_root, "memory", MemoryGenerateStage.KindName, "compiler", stageDir, with,
            [new StageOutput("hls", "hls.emit", "rtl", hls, [], [new Artifact("schedule", "schedule.json")])], tech, _log);
    }

    private static Task<StageResult> Run(StageContext c) => new MemoryCompilerAdapter().RunAsync(c, CancellationToken.None);

    [Fact]
    public void The_stage_declares_its_options_and_the_adapter_needs_no_tool()
    {
        var stage = new MemoryGenerateStage();
        Assert.Equal("memory.generate", stage.Kind);
        Assert.Equal(["max_macro_kbits", "max_depth", "max_width", "policy", "weight"], stage.Options.Select(o => o.Key));
        Assert.Equal(64.0, stage.Options[0].Default);
        Assert.Equal(["area", "energy", "weighted"], stage.Options.Single(o => o.Key == "policy").Choices);
        Assert.Contains(stage.Reads, r => r.View == Views.Schedule && !r.IsOptional);
        var adapter = new MemoryCompilerAdapter();
        Assert.Equal(("memory.generate", "compiler", 10), (adapter.StageKind, adapter.Id, adapter.Priority));
        Assert.Empty(adapter.RequiredTools);
    }

    [Fact]
    public async Task Writes_macros_wrappers_manifest_report_and_metrics()
    {
        var c = Context(Schedule, new() { ["max_macro_kbits"] = 16.0, ["policy"] = "area" });
        var result = await Run(c);

        Assert.Equal(["memories", "wrappers", "report"], result.Artifacts.Select(a => a.Name));
        Assert.All(result.Artifacts, a => Assert.True(Path.Exists(c.PathOf(a.RelativePath)), a.RelativePath));
        var manifest = MemoryManifest.FromJson(File.ReadAllText(c.PathOf("memory.json")));
        Assert.Equal(["conv1_w", "fmap1", "dense_w"], manifest.Logical.Select(l => l.Name));
        foreach (var m in manifest.Macros)
        {
            foreach (var file in new[] { m.Lef, m.Lib, m.Verilog }) Assert.True(File.Exists(c.PathOf(file)), file);
            Assert.StartsWith($"macros/{m.Name}/", m.Lef);
            Assert.Equal("bottom", m.PinEdge);
            Assert.True(m.Depth * m.Width <= 16 * 1024);
            Assert.Equal(m.WidthUm * m.HeightUm, m.AreaUm2, 2);
        }
        var fmap = manifest.Logical.Single(l => l.Name == "fmap1");
        Assert.Equal("fmap1_ram", fmap.Module);
        Assert.Equal("wrappers/fmap1_ram.v", fmap.Wrapper);
        Assert.Equal("depth", fmap.Split);
        Assert.Equal(5408 * 8, manifest.Macros.Where(m => m.Logical == "fmap1").Sum(m => m.Depth * m.Width));
        Assert.Equal(fmap.Macros, manifest.Macros.Where(m => m.Logical == "fmap1").Select(m => m.Name));
        Assert.Contains("module fmap1_ram (", File.ReadAllText(c.PathOf(fmap.Wrapper)));

        double Metric(string name) => result.Metrics.Single(m => m.Name == name).Value;
        Assert.Equal(manifest.Logical.Sum(l => l.AreaUm2), Metric("memory_area_um2"), 3);
        Assert.Equal(manifest.Macros.Count, Metric("macro_count"));
        Assert.Equal(manifest.Macros.Sum(m => m.LeakageUw) / 1000, Metric("memory_leakage_mw"), 6);
        var expectedUj = manifest.Logical.Sum(l => l.ReadsPerInference * l.ReadEnergyPj + l.WritesPerInference * l.WriteEnergyPj) / 1e6;
        Assert.Equal(expectedUj, Metric("memory_energy_per_inference_uj"), 6);
        Assert.Equal(fmap.ReadEnergyPj, Metric("mem_fmap1_read_pj"), 6);
        Assert.Equal(fmap.WriteEnergyPj, Metric("mem_fmap1_write_pj"), 6);
        Assert.DoesNotContain(result.Metrics, m => m.Name == "mem_conv1_w_write_pj");

        // The ROM image sits beside its wrapper under the wrapper's default INIT_FILE; a ROM without one gets a warning.
        Assert.Equal(File.ReadAllText(Path.Combine(_root, "hls", "rom", "conv1_w.hex")), File.ReadAllText(c.PathOf("wrappers/conv1_w_rom.hex")));
        Assert.Contains(_log.Warnings, w => w.Contains("dense_w"));
        Assert.Equal(4, File.ReadAllLines(c.PathOf("memory.csv")).Length);
    }

    [Fact]
    public async Task The_energy_policy_spends_area_to_save_energy()
    {
        var area = await Run(Context(Schedule, new() { ["policy"] = "area" }));
        Directory.Delete(Path.Combine(_root, "memory"), true);
        var energy = await Run(Context(Schedule, new() { ["policy"] = "energy" }));
        double M(StageResult r, string n) => r.Metrics.Single(m => m.Name == n).Value;
        Assert.True(M(energy, "memory_energy_per_inference_uj") < M(area, "memory_energy_per_inference_uj"));
        Assert.True(M(energy, "memory_area_um2") >= M(area, "memory_area_um2"));
    }

    [Fact]
    public async Task Mistakes_in_the_schedule_name_the_file_and_the_entry()
    {
        var bad = Schedule.Replace("\"depth\": 5408", "\"depth\": -3");
        var e = await Assert.ThrowsAsync<StageFailedException>(() => Run(Context(bad, [])));
        Assert.Contains("schedule.json", e.Message);
        Assert.Contains("memories[1].depth", e.Message);

        var kind = Schedule.Replace("\"kind\": \"sram\"", "\"kind\": \"flash\"");
        e = await Assert.ThrowsAsync<StageFailedException>(() => Run(Context(kind, [])));
        Assert.Contains("memories[1].kind", e.Message);

        var json = await Assert.ThrowsAsync<StageFailedException>(() => Run(Context("{ \"memories\": [ }", [])));
        Assert.Contains("schedule.json", json.Message);
    }

    [Fact]
    public async Task Bad_options_and_a_missing_tech_are_stage_failures()
    {
        var e = await Assert.ThrowsAsync<StageFailedException>(() => Run(Context(Schedule, new() { ["policy"] = "cheapest" })));
        Assert.Contains("policy", e.Message);
        e = await Assert.ThrowsAsync<StageFailedException>(() => Run(Context(Schedule, new() { ["weight"] = 2.0, ["policy"] = "weighted" })));
        Assert.Contains("weight", e.Message);
        e = await Assert.ThrowsAsync<StageFailedException>(() => Run(Context(Schedule, [], tech: null)));
        Assert.Contains("tech", e.Message);
        e = await Assert.ThrowsAsync<StageFailedException>(() => Run(Context(Schedule, new() { ["max_macro_kbits"] = 0.0001 })));
        Assert.Contains("conv1_w", e.Message);
    }

    [Fact]
    public async Task Works_on_osu018_too()
    {
        var result = await Run(Context(Schedule, new() { ["max_macro_kbits"] = 64.0 }, tech: "osu018"));
        var manifest = MemoryManifest.FromJson(File.ReadAllText(Path.Combine(_root, "memory", "memory.json")));
        Assert.All(manifest.Macros, m => Assert.Contains("library (" + m.Name + ")", File.ReadAllText(Path.Combine(_root, "memory", m.Lib))));
        Assert.True(result.Metrics.Single(m => m.Name == "memory_area_um2").Value > 1e5);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_root, "memory", "memory.json")));
        var first = doc.RootElement.GetProperty("macros")[0];
        foreach (var key in new[] { "name", "logical", "width_um", "height_um", "area_um2", "lef", "lib", "verilog", "pin_edge", "read_energy_pj", "write_energy_pj", "leakage_uw", "access_time_ns", "depth", "width" })
            Assert.True(first.TryGetProperty(key, out _), key);
    }
}
