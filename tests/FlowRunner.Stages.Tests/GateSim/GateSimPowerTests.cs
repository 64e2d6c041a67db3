using FlowRunner.Abstractions;
using FlowRunner.Stages.GateSim;
using FlowRunner.Stages.Power;
using FlowRunner.Tech.Liberty;
using FlowRunner.Tech.Netlist;

namespace FlowRunner.Stages.Tests.GateSim;

/// <summary>The gatesim power adapter on the real small design: synth (Yosys), memory.generate, sim.gate (Icarus) upstream, then the power stage.</summary>
public sealed class GateSimPowerTests : IDisposable
{
    private readonly GateDesign _design = new();

    public void Dispose() => _design.Dispose();

    [Fact]
    public async Task Gate_level_power_follows_the_simulated_toggles_and_the_liberty()
    {
        const string tech = "osu018";
        var (hls, synth) = await _design.BuildAsync(tech);
        var memory = await _design.MemoriesAsync(hls, tech);
        var simDir = _design.Folder("sim");
        var sim = new IcarusGateSimAdapter();
        var s = await sim.RunAsync(_design.Context("gate", SimGateStage.KindName, "icarus", simDir, new() { ["images"] = 4L }, [hls, synth], tech, sim, new SimGateStage()), CancellationToken.None);
        var gate = new StageOutput("gate", SimGateStage.KindName, "icarus", simDir, s.Metrics, s.Artifacts);

        var dir = _design.Folder("power");
        var stage = new PowerStage();
        var adapter = new GateSimPowerAdapter();
        var result = await adapter.RunAsync(_design.Context("power", PowerStage.KindName, "gatesim", dir, new() { ["images"] = 8L }, [_design.Model, hls, synth, memory, gate], tech, adapter, stage),
            CancellationToken.None);
        double M(string name) => result.Metrics.Single(m => m.Name == name).Value;
        foreach (var m in result.Metrics) Assert.Contains(stage.Reports, spec => spec.Matches(m.Name) && spec.Unit == m.Unit);

        Assert.Equal(M("gatesim_power_mw"), M("power_mw"), 9);
        Assert.Equal(M("gatesim_switching_mw") + M("gatesim_internal_mw") + M("gatesim_leakage_mw") + M("gatesim_memory_mw"), M("power_mw"), 9);
        Assert.True(M("gatesim_switching_mw") > 0 && M("gatesim_internal_mw") > 0 && M("gatesim_memory_mw") > 0);
        Assert.InRange(M("gatesim_clock_mw"), 0.01 * M("power_mw"), M("power_mw"));
        Assert.Equal(M("power_mw") * M("latency_us") / 1000, M("energy_per_inference_uj"), 9);

        // Leakage is every cell's cell_leakage_power (nW in osu018) plus the macros' (memory.json, uW).
        var netlist = GateNetlistReader.ReadFile(Path.Combine(synth.Directory, "netlist.v"));
        var library = LibertyReader.ReadFile(synth.ArtifactPath("liberty"));
        var manifest = FlowRunner.Stages.Memory.MemoryManifest.Read(Path.Combine(memory.Directory, "memory.json"));
        var cellLeakMw = netlist.Cells.Sum(c => library.Cell(c.Cell)?.LeakagePower ?? 0) * 1e-6;
        Assert.Equal(cellLeakMw + manifest.Logical.Sum(l => l.LeakageUw) / 1000, M("gatesim_leakage_mw"), 9);

        // Memory power: the simulated reads and writes at memory.json's energies, over the simulated time at the point's clock.
        var activity = GateActivity.Read(Path.Combine(simDir, "gate_activity.json"));
        var clock = M("clock_ns");
        var memoryPj = activity.Memories.Sum(m => manifest.Logical.Single(l => l.Module == m.Cell) is var l ? m.Reads * l.ReadEnergyPj + m.Writes * l.WriteEnergyPj : 0);
        Assert.Equal(memoryPj / (activity.Cycles * clock), M("gatesim_memory_mw"), 9);

        // Switching and internal energy are linear in the toggle counts: twice the transitions, twice the dynamic power.
        var doubled = activity with { Nets = activity.Nets.Select(n => n with { Toggles = 2 * n.Toggles }).ToList(), ClockNs = clock };
        var once = GateLevelPower.Compute(netlist, activity with { ClockNs = clock }, library, 1.8, (_, _) => 0, new Dictionary<string, MacroEnergy>());
        var twice = GateLevelPower.Compute(netlist, doubled, library, 1.8, (_, _) => 0, new Dictionary<string, MacroEnergy>());
        Assert.Equal(2 * once.SwitchingMw, twice.SwitchingMw, 9);
        Assert.Equal(2 * once.InternalMw, twice.InternalMw, 9);
        // Without wires the switching power is exactly 0.5 C V^2 per transition over the pins' capacitance.
        Assert.True(M("gatesim_switching_mw") > once.SwitchingMw, "the wire estimate adds capacitance");
        Assert.Equal(0, once.UnmatchedNets);
        var power = PowerBreakdown.FromJson(File.ReadAllText(Path.Combine(dir, "power.json")));
        Assert.Equal("gatesim", power.Adapter);
        Assert.Equal(M("power_mw"), power.GateSim!.TotalMw, 9);
        Assert.True(M("power_ratio_analytical_to_gatesim") > 0);
    }
}
