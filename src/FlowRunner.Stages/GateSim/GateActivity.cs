using FlowRunner.Stages.Records;

namespace FlowRunner.Stages.GateSim;

/// <summary>gate_activity.json, the `gate_activity` view: per-net toggle counts of one gate-level simulation (sim.gate) of a netlist on
/// <see cref="Images"/> test images over <see cref="Cycles"/> clock cycles (reset included), and every memory instance's reads and writes
/// (clock edges with its chip enable high, write enable high or low). Nets are named by their representative bit (<c>wire[i]</c>, or
/// <c>wire</c> for a scalar), as <see cref="FlowRunner.Tech.Netlist.GateNetlist.Nets"/> chooses them.</summary>
public sealed record GateActivity(
    string Format,
    string Netlist,
    string NetlistFile,
    string Top,
    int Images,
    long Cycles,
    double ClockNs,
    IReadOnlyList<NetToggles> Nets,
    IReadOnlyList<MemoryTraffic> Memories)
{
    public const string FormatName = "flowrunner-gate-activity-1";

    public string ToJson() => RecordFile.ToJson(this, ViewJson.Records.GateActivity);

    public static GateActivity Read(string file) => RecordFile.Read(file, ViewJson.Records.GateActivity, "format", FormatName);
}

/// <summary>One net's 0/1 transitions over the simulation (glitches inside one time step not counted: the value each time step settles to).</summary>
public sealed record NetToggles(string Net, long Toggles);

/// <summary>A memory instance's accesses over the simulation.</summary>
public sealed record MemoryTraffic(string Instance, string Cell, long Reads, long Writes);
