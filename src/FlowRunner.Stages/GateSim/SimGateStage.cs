using FlowRunner.Abstractions;
using FlowRunner.Stages.Hls;

namespace FlowRunner.Stages.GateSim;

/// <summary>Stage `sim.gate`: simulates the synthesized gate-level netlist with Verilog models of its
/// cells on hls.emit's test vectors, checks its outputs against the model's logits (which the RTL computes bit for bit), and counts every
/// net's transitions and every memory's accesses (the `gate_activity` view, which the power stage's gatesim adapter reads).</summary>
public sealed class SimGateStage : IStage
{
    public const string KindName = "sim.gate";

    public string Kind => KindName;

    public string Description => "gate-level simulation of the netlist on the test vectors (Icarus): outputs checked against the RTL's, per-net toggle counts and memory traffic";

    public IReadOnlyList<StageOption> Options { get; } =
    [
        new("images", OptionType.Int, 2, "test vectors simulated (at most hls.emit's `vectors`); a gate-level image of the 1-lane MNIST accelerator (100,000 cycles) takes about 40 s of CPU", "images"),
        new("cell_models", OptionType.String, "generated", "generated: zero-delay models written from the Liberty's cell functions, registers starting at 0 (VerilogCellModels); tech: the Verilog file the tech ships beside its Liberty (same name, .v; osu018's start registers at X, which the RTL's unreset registers keep for ever)")
        {
            Choices = ["generated", "tech"],
        },
    ];

    /// <summary>The cell models the simulation compiled.</summary>
    public static readonly View CellModels = new("cell_models", "cells.v: the Verilog models of the netlist's cells that were simulated");

    public IReadOnlyList<ViewUse> Reads =>
    [
        Views.Netlist.Optional("synth writes it only with the yosys adapter; sim.gate refuses to run without it"), Views.Synthesis,
        Views.Liberty.Optional("the Liberty the netlist was mapped to, else synth.json's"), Views.Schedule, Views.Rtl,
        HlsEmitStage.Testbench, HlsEmitStage.Vectors,
    ];

    public IReadOnlyList<ViewUse> Writes => [Views.GateActivity, CellModels];

    public IReadOnlyList<MetricSpec> Reports { get; } =
    [
        new("gate_images_checked", "images", "images whose every logit the netlist computed as the RTL does"),
        new("gate_cycles_per_inference", "cycles", "measured by the test bench on the netlist"),
        new("gate_sim_s", "s", "compile and simulation, every netlist simulated"),
        new("gate_nets", "", "nets counted"), new("gate_toggle_rate", "", "mean transitions per net per clock cycle"),
        new("gate_clock_cycles", "cycles", "clock cycles counted (reset included)"),
        new("gate_memory_reads", "", "reads of every memory instance over the simulation"), new("gate_memory_writes", ""),
    ];
}
