namespace FlowRunner.Abstractions;

/// <summary>A named design view that passes between stages (a schedule, a netlist, the memories): a stage writes it as the artifact of the same
/// name, and every stage that reads it finds it by this name, never by which kind of stage wrote it.</summary>
/// <param name="Name">The view's name and the name of the artifact that holds it.</param>
/// <param name="Description">What the view holds and which record type reads it, for `flowrunner stages`.</param>
public sealed record View(string Name, string Description)
{
    /// <summary>This view, needed (or written) only in some cases, which <paramref name="when"/> names.</summary>
    public ViewUse Optional(string when) => new(this, true, when);

    public static implicit operator ViewUse(View view) => new(view);

    public override string ToString() => Name;
}

/// <summary>A view a stage reads or writes; an optional one may be missing (a read falls back, a write happens only in the case named).</summary>
public sealed record ViewUse(View View, bool IsOptional = false, string When = "")
{
    public string Name => View.Name;

    public override string ToString() => IsOptional ? $"{View.Name} (optional: {When})" : View.Name;
}

/// <summary>A metric a stage reports: name (snake_case, unit last; a `*` stands for a part that depends on the design, e.g.
/// mem_*_read_pj), unit, meaning, and whether it is reported only in some cases.</summary>
public sealed record MetricSpec(string Name, string Unit, string Description = "")
{
    /// <summary>Reported only in the case <see cref="When"/> names (always true for names with `*`).</summary>
    public bool IsOptional { get; init; }

    public string When { get; init; } = "";

    /// <summary>This metric, reported only when <paramref name="when"/> holds.</summary>
    public MetricSpec Optional(string when) => this with { IsOptional = true, When = when };

    public bool IsPattern => Name.Contains('*');

    /// <summary>Whether a reported metric name is this one (a `*` matches one or more characters).</summary>
    public bool Matches(string name) => IsPattern
        ? System.Text.RegularExpressions.Regex.IsMatch(name, "^" + string.Join(".+", Name.Split('*').Select(System.Text.RegularExpressions.Regex.Escape)) + "$")
        : name == Name;

    public override string ToString() => (Unit.Length == 0 ? Name : $"{Name} [{Unit}]") + (IsOptional && !IsPattern ? $" (when {When})" : "");
}

/// <summary>The views the built-in stages pass between them; a plug-in may read these and declare views of its own.</summary>
public static class Views
{
    /// <summary>model.train / model.load: weights.json, the trained network with its description embedded and the quantization-aware training format.</summary>
    public static readonly View Weights = new("weights", "the trained network: weights.json (description, weights, training record with the QAT format)");

    /// <summary>model.train / model.load: dataset.json, the dataset and the test images every evaluating stage uses.</summary>
    public static readonly View Dataset = new("dataset", "dataset.json: the dataset, split seed and test image indices");

    /// <summary>model.train / model.load: the network description as written.</summary>
    public static readonly View Network = new("network", "network.yaml: the network description the weights were trained from");

    /// <summary>model.accuracy: accuracy.json.</summary>
    public static readonly View Accuracy = new("accuracy", "accuracy.json: the formats measured, whether the weights were trained quantization-aware, the accuracy");

    /// <summary>model.profile: profile.json.</summary>
    public static readonly View Profile = new("profile", "profile.json: the largest magnitude and integer bits of every tensor");

    /// <summary>hls.emit: schedule.json.</summary>
    public static readonly View Schedule = new("schedule", "schedule.json: cycles per layer and inference, operators, memories with traffic, formats (read with ScheduleFile)");

    /// <summary>hls.emit: the RTL folder.</summary>
    public static readonly View Rtl = new("rtl", "rtl/: the Verilog of the accelerator, its assignment modules and behavioral memories");

    /// <summary>hls.emit: registers.json, the register map of the accel module with each register's role.</summary>
    public static readonly View Registers = new("registers", "registers.json: every register of the accel module with its width and role, from the model the Verilog is printed from (read with RegisterMapFile)");

    /// <summary>hls.emit when it simulated the RTL: the registers' activity over the first image.</summary>
    public static readonly View RegisterActivity = new("activity_vcd", "activity.vcd: the accelerator's registers and clock over the first simulated image (read with VcdActivity)");

    /// <summary>synth: synth.json.</summary>
    public static readonly View Synthesis = new("synth_report", "synth.json: top, the Liberty mapped to, clock, area, flip-flops, timing (read with SynthReport)");

    /// <summary>synth (yosys): the gate-level netlist.</summary>
    public static readonly View Netlist = new("netlist", "netlist.v: gate-level Verilog on the tech's cells, memories as black boxes");

    /// <summary>synth: the standard-cell Liberty the netlist was mapped to (and the analytical model priced).</summary>
    public static readonly View Liberty = new("liberty", "the standard-cell Liberty synthesis mapped to, inside the synth stage folder");

    /// <summary>memory.generate: memory.json with every macro's views.</summary>
    public static readonly View Memories = new("memories", "memory.json: the macros (size, Verilog, Liberty, LEF, energies) and logical memories (read with MemoryManifest)");

    /// <summary>floorplan: the DEF.</summary>
    public static readonly View FloorplanDef = new("def", "floorplan.def: die area, placed macros and the cell region");

    /// <summary>floorplan: floorplan.json.</summary>
    public static readonly View Floorplan = new("floorplan", "floorplan.json: die, macro placements, cell region, wirelength");

    /// <summary>place.route: the routed DEF of the logic block.</summary>
    public static readonly View RoutedDef = new("routed_def", "routed.def: the placed and routed logic block (cells in rows, pins, wiring); read with the tech LEF (RoutedDef)");

    /// <summary>place.route: the routed nets' parasitics as SPEF.</summary>
    public static readonly View Parasitics = new("spef", "routed.spef: every routed net's RC tree (SPEF from qrouter's RC file), names as in routed_netlist");

    /// <summary>place.route: the interconnect delays as SDF, when rc2dly could write them.</summary>
    public static readonly View InterconnectDelays = new("sdf", "routed.sdf: interconnect delays (qflow's rc2dly on qrouter's RC file)");

    /// <summary>place.route: the placed block's gate-level netlist.</summary>
    public static readonly View RoutedNetlist = new("routed_netlist", "routed.v: the placed block's netlist (blif2Verilog), memory pins as ports, names as in the DEF and parasitics");

    /// <summary>place.route: place_route.json.</summary>
    public static readonly View PlaceRoute = new("place_route", "place_route.json: core, cell region, wire length by layer, critical path end points and the stage's metrics (PlaceRouteRecord)");

    /// <summary>sim.gate: per-net toggle counts and memory traffic of a gate-level simulation.</summary>
    public static readonly View GateActivity = new("gate_activity", "gate_activity.json: every net's transitions and every memory's reads and writes over a gate-level simulation of test images (GateActivity)");

    /// <summary>power: the MAC array's measured switching activity.</summary>
    public static readonly View Activity = new("activity", "activity.json: toggle rates of the MAC array's operands, adder trees and accumulators, memory traffic");

    /// <summary>power: power.json.</summary>
    public static readonly View Power = new("power", "power.json: power, energy and area by part, latency, the software baseline");
}
