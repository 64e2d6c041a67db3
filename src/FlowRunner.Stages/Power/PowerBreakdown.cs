using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowRunner.Stages.Power;

/// <summary>power.json: energy per inference by part (pJ), the clock, latency, power (mW), area and the software comparison. The parts add up:
/// logic (multipliers, adders, data registers, control) + memory + clock = dynamic; dynamic + leakage = energy per inference.</summary>
public sealed record PowerBreakdown
{
    public string Adapter { get; init; } = "analytical";
    public string Tech { get; init; } = "";
    public double ClockNs { get; init; }
    [JsonPropertyName("cycles_per_inference")] public long Cycles { get; init; }
    public double LatencyUs => Cycles * ClockNs / 1000;

    public double MultiplierPj { get; init; }
    public double AdderPj { get; init; }
    public double RegisterPj { get; init; }
    public double ControlPj { get; init; }
    public double MemoryPj { get; init; }
    public double ClockPj { get; init; }
    public double LogicLeakageMw { get; init; }
    public double MemoryLeakageMw { get; init; }

    public double LogicAreaUm2 { get; init; }
    public string LogicAreaSource { get; init; } = "";
    public double MemoryAreaUm2 { get; init; }
    public double? DieAreaUm2 { get; init; }
    public long FlipFlops { get; init; }

    /// <summary>Per memory: reads and writes per inference and their energy.</summary>
    public IReadOnlyList<MemoryEnergy> Memories { get; init; } = [];

    /// <summary>Per layer: energy of the MAC array during the layer.</summary>
    public IReadOnlyList<LayerEnergy> Layers { get; init; } = [];

    public IReadOnlyList<string> Assumptions { get; init; } = [];

    public double LogicPj => MultiplierPj + AdderPj + RegisterPj + ControlPj;
    public double LeakageMw => LogicLeakageMw + MemoryLeakageMw;
    public double LeakagePj => LeakageMw * Cycles * ClockNs; // mW x ns = pJ
    [JsonPropertyName("energy_per_inference_pj")] public double EnergyPj => LogicPj + MemoryPj + ClockPj + LeakagePj;
    public double PowerMw => EnergyPj / (Cycles * ClockNs);
    public double AreaUm2 => LogicAreaUm2 + MemoryAreaUm2;

    public SoftwareEstimate? Software { get; init; }
    [JsonPropertyName("opensta")] public OpenStaPower? OpenSta { get; init; }
    [JsonPropertyName("gatesim")] public GatePower? GateSim { get; init; }

    public const string FormatName = "flowrunner-power-1";

    /// <summary>The record's format tag, checked by the reader.</summary>
    [JsonPropertyOrder(-1)]
    public string Format { get; init; } = FormatName;

    public string ToJson() => Records.RecordFile.ToJson(this, Records.ViewJson.Records.PowerBreakdown);

    public static PowerBreakdown FromJson(string json, string file = PowerMetrics.PowerFile) =>
        Records.RecordFile.Parse(json, file, Records.ViewJson.Records.PowerBreakdown, "format", FormatName);
}

/// <summary>A memory's traffic and energy per inference.</summary>
public sealed record MemoryEnergy(
    string Name,
    [property: JsonPropertyName("reads_per_inference")] double Reads,
    [property: JsonPropertyName("writes_per_inference")] double Writes,
    double ReadPj,
    double WritePj,
    double EnergyPj,
    double LeakageUw);

/// <summary>Energy of the MAC array in one layer, per inference, with the toggle rates it was scaled by.</summary>
public sealed record LayerEnergy(
    string Name,
    long Steps,
    double MultiplierPj,
    double AdderPj,
    double RegisterPj,
    [property: JsonPropertyName("operand_toggle_rate")] double OperandRate,
    [property: JsonPropertyName("accumulator_toggle_rate")] double AccumulatorRate);

/// <summary>What OpenSTA's report_power gave, in watts by group, and the analytical total beside it.</summary>
public sealed record OpenStaPower(
    double TotalW,
    IReadOnlyDictionary<string, double> GroupsW,
    [property: JsonPropertyName("analytical_power_mw")] double AnalyticalMw,
    double GlobalActivity,
    int AnnotatedPins);
