using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowRunner.Stages.Power;

/// <summary>power.json (format flowrunner-power-2): what the power stage's estimator gave, in the same parts whichever adapter ran it: energy
/// per inference of the logic, the memories, the clock (null when the estimator does not separate it, as OpenSTA 2.0.17 counts the clock pins
/// in its Sequential group) and leakage, the clock, latency, power (mW), area and the software baseline the stage computes from the network.
/// The parts add up: logic + memory + clock + leakage = energy per inference. <see cref="Analytical"/> and <see cref="OpenSta"/> hold the
/// estimator's own detail.</summary>
public sealed record PowerBreakdown
{
    public string Adapter { get; init; } = "analytical";
    public string Tech { get; init; } = "";
    public double ClockNs { get; init; }
    [JsonPropertyName("cycles_per_inference")] public long Cycles { get; init; }
    public double LatencyUs => Cycles * ClockNs / 1000;

    /// <summary>Dynamic energy of the standard-cell logic an inference (the analytical model: its MAC array, data registers and control).</summary>
    public double LogicPj { get; init; }
    public double MemoryPj { get; init; }
    public double? ClockPj { get; init; }
    public double LeakageMw { get; init; }

    public double LogicAreaUm2 { get; init; }
    public string LogicAreaSource { get; init; } = "";
    public double MemoryAreaUm2 { get; init; }
    public double? DieAreaUm2 { get; init; }
    public long FlipFlops { get; init; }

    /// <summary>Per memory: reads and writes per inference and their energy.</summary>
    public IReadOnlyList<MemoryEnergy> Memories { get; init; } = [];

    public IReadOnlyList<string> Assumptions { get; init; } = [];

    public double LeakagePj => LeakageMw * Cycles * ClockNs; // mW x ns = pJ
    [JsonPropertyName("energy_per_inference_pj")] public double EnergyPj => LogicPj + MemoryPj + (ClockPj ?? 0) + LeakagePj;
    public double PowerMw => EnergyPj / (Cycles * ClockNs);
    public double AreaUm2 => LogicAreaUm2 + MemoryAreaUm2;

    public SoftwareEstimate? Software { get; init; }

    /// <summary>The analytical model's parts of the logic and leakage and its energy per layer (analytical adapter).</summary>
    public AnalyticalParts? Analytical { get; init; }

    [JsonPropertyName("opensta")] public OpenStaPower? OpenSta { get; init; }

    public const string FormatName = "flowrunner-power-2";

    /// <summary>The record's format tag, checked by the reader.</summary>
    [JsonPropertyOrder(-1)]
    public string Format { get; init; } = FormatName;

    public string ToJson() => Records.RecordFile.ToJson(this, Records.ViewJson.Records.PowerBreakdown);

    public static PowerBreakdown FromJson(string json, string file = PowerMetrics.PowerFile) =>
        Records.RecordFile.Parse(json, file, Records.ViewJson.Records.PowerBreakdown, "format", FormatName);
}

/// <summary>The analytical model's split of the logic energy (multipliers, adders, data registers, control, in pJ an inference), of the
/// leakage (logic and macros), and the MAC array's energy per layer.</summary>
public sealed record AnalyticalParts(double MultiplierPj, double AdderPj, double RegisterPj, double ControlPj, double LogicLeakageMw, double MemoryLeakageMw,
    IReadOnlyList<LayerEnergy> Layers);

/// <summary>A memory's traffic and energy per inference.</summary>
public sealed record MemoryEnergy(
    string Name,
    [property: JsonPropertyName("reads_per_inference")] double Reads,
    [property: JsonPropertyName("writes_per_inference")] double Writes,
    double ReadPj,
    double WritePj,
    double EnergyPj,
    double LeakageUw)
{
    /// <summary>Every logical memory of memory.json with its traffic per inference and its energy per access (none without a memory stage).</summary>
    public static IReadOnlyList<MemoryEnergy> Of(Memory.MemoryManifest? memories) =>
        memories is null ? [] : memories.Logical.Select(l => new MemoryEnergy(l.Name, l.ReadsPerInference, l.WritesPerInference, l.ReadEnergyPj,
            l.WriteEnergyPj, l.ReadsPerInference * l.ReadEnergyPj + l.WritesPerInference * l.WriteEnergyPj, l.LeakageUw)).ToList();
}

/// <summary>Energy of the MAC array in one layer, per inference, with the toggle rates it was scaled by.</summary>
public sealed record LayerEnergy(
    string Name,
    long Steps,
    double MultiplierPj,
    double AdderPj,
    double RegisterPj,
    [property: JsonPropertyName("operand_toggle_rate")] double OperandRate,
    [property: JsonPropertyName("accumulator_toggle_rate")] double AccumulatorRate);

/// <summary>What OpenSTA's report_power gave, in watts: the total and its internal, switching and leakage columns, the total by group
/// (Sequential, Combinational, Macro, Pad as it prints them), the memory instances' total, and the activity annotation.</summary>
public sealed record OpenStaPower(
    double TotalW,
    double InternalW,
    double SwitchingW,
    double LeakageW,
    IReadOnlyDictionary<string, double> GroupsW,
    double MemoryW,
    double GlobalActivity,
    int AnnotatedPins);
