using FlowRunner.Abstractions;
using FlowRunner.Stages.GateSim;

namespace FlowRunner.Stages.Tests.GateSim;

/// <summary>sim.gate with the real tools (Yosys for the netlist, Icarus for the simulation) on a small real accelerator, on both techs.</summary>
public sealed class SimGateTests : IDisposable
{
    private readonly GateDesign _design = new();

    public void Dispose() => _design.Dispose();

    private async Task<(StageResult Result, string Dir)> SimulateAsync(string tech, StageOutput hls, StageOutput synth, Dictionary<string, object?>? with = null)
    {
        var dir = _design.Folder("sim-" + tech + Guid.NewGuid().ToString("N")[..4]);
        var adapter = new IcarusGateSimAdapter();
        var stage = new SimGateStage();
        var result = await adapter.RunAsync(_design.Context("gate", SimGateStage.KindName, "icarus", dir, with ?? new() { ["images"] = 3L }, [hls, synth], tech, adapter, stage),
            CancellationToken.None);
        foreach (var m in result.Metrics) Assert.Contains(stage.Reports, spec => spec.Matches(m.Name) && spec.Unit == m.Unit);
        foreach (var w in stage.Writes.Where(w => !w.IsOptional)) Assert.Contains(result.Artifacts, a => a.Name == w.Name);
        return (result, dir);
    }

    [Theory]
    [InlineData("osu018")]
    [InlineData("generic45")]
    public async Task The_netlist_computes_the_rtl_logits_and_every_net_is_counted(string tech)
    {
        var (hls, synth) = await _design.BuildAsync(tech);
        var (result, dir) = await SimulateAsync(tech, hls, synth);
        double M(string name) => result.Metrics.Single(m => m.Name == name).Value;
        Assert.Equal(3, M("gate_images_checked"));
        var schedule = Hls.ScheduleFile.Read(Path.Combine(hls.Directory, "schedule.json"));
        Assert.Equal(schedule.Record.CyclesPerInference, M("gate_cycles_per_inference"));

        var activity = GateActivity.Read(Path.Combine(dir, "gate_activity.json"));
        Assert.Equal(3, activity.Images);
        Assert.True(activity.Nets.Count > 100, $"{activity.Nets.Count} nets");
        // The clock toggles twice a cycle; reset takes 2 cycles before the first image and the bench's first edge is counted.
        var clk = activity.Nets.Single(n => n.Net == "clk");
        Assert.InRange(clk.Toggles, 2 * activity.Cycles - 2, 2 * activity.Cycles + 1);
        Assert.InRange(activity.Cycles, 3 * schedule.Record.CyclesPerInference, 3 * schedule.Record.CyclesPerInference + 10);
        // Logic toggles, not every net at every cycle.
        Assert.InRange(M("gate_toggle_rate"), 0.005, 0.9);
        Assert.Contains(activity.Nets, n => n.Toggles == 0);
        // Every memory's measured traffic is the schedule's, image by image.
        Assert.Equal(schedule.Record.Memories.Count, activity.Memories.Count);
        foreach (var m in schedule.Record.Memories)
        {
            var measured = Assert.Single(activity.Memories, x => x.Cell == m.Module);
            Assert.Equal(3 * m.ReadsPerInference, measured.Reads);
            Assert.Equal(3 * m.WritesPerInference, measured.Writes);
        }
    }

    [Fact]
    public async Task A_netlist_that_computes_another_logit_fails_naming_the_first_differing_output()
    {
        var (hls, synth) = await _design.BuildAsync("osu018");
        // The model's expected logits are what the RTL computes (hls.emit checks it); one changed value stands for a netlist that differs.
        var vectors = Path.Combine(hls.Directory, "vectors.txt");
        var lines = File.ReadAllLines(vectors);
        var i = Array.FindIndex(lines, l => l.StartsWith("logits", StringComparison.Ordinal));
        var t = lines[i].Split(' ');
        t[3] = (int.Parse(t[3]) + 1).ToString();
        lines[i] = string.Join(' ', t);
        File.WriteAllLines(vectors, lines);
        var e = await Assert.ThrowsAsync<StageFailedException>(() => SimulateAsync("osu018", hls, synth, new() { ["images"] = 1L }));
        Assert.Contains("output logit 2 of image 0", e.Message);
        Assert.Contains("netlist.v", e.Message);
    }
}
