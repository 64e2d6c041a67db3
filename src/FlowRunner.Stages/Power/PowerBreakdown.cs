using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowRunner.Stages.Power;

/// <summary>power.json: energy per inference by part (pJ), the clock, latency, power (mW), area and the software comparison. The parts add up:
/// logic (multipliers, adders, data registers, control) + memory + clock = dynamic; dynamic + leakage = energy per inference.</summary>
public sealed record PowerBreakdown
{
    [JsonPropertyName("adapter")] public string Adapter { get; init; } = "analytical";
    [JsonPropertyName("tech")] public string Tech { get; init; } = "";
    [JsonPropertyName("clock_ns")] public double ClockNs { get; init; }
    [JsonPropertyName("cycles_per_inference")] public long Cycles { get; init; }
    [JsonPropertyName("latency_us")] public double LatencyUs => Cycles * ClockNs / 1000;

    [JsonPropertyName("multiplier_pj")] public double MultiplierPj { get; init; }
    [JsonPropertyName("adder_pj")] public double AdderPj { get; init; }
    [JsonPropertyName("register_pj")] public double RegisterPj { get; init; }
    [JsonPropertyName("control_pj")] public double ControlPj { get; init; }
    [JsonPropertyName("memory_pj")] public double MemoryPj { get; init; }
    [JsonPropertyName("clock_pj")] public double ClockPj { get; init; }
    [JsonPropertyName("logic_leakage_mw")] public double LogicLeakageMw { get; init; }
    [JsonPropertyName("memory_leakage_mw")] public double MemoryLeakageMw { get; init; }

    [JsonPropertyName("logic_area_um2")] public double LogicAreaUm2 { get; init; }
    [JsonPropertyName("logic_area_source")] public string LogicAreaSource { get; init; } = "";
    [JsonPropertyName("memory_area_um2")] public double MemoryAreaUm2 { get; init; }
    [JsonPropertyName("die_area_um2")] public double? DieAreaUm2 { get; init; }
    [JsonPropertyName("flip_flops")] public long FlipFlops { get; init; }

    /// <summary>Per memory: reads and writes per inference and their energy.</summary>
    [JsonPropertyName("memories")] public IReadOnlyList<MemoryEnergy> Memories { get; init; } = [];

    /// <summary>Per layer: energy of the MAC array during the layer.</summary>
    [JsonPropertyName("layers")] public IReadOnlyList<LayerEnergy> Layers { get; init; } = [];

    [JsonPropertyName("assumptions")] public IReadOnlyList<string> Assumptions { get; init; } = [];

    [JsonPropertyName("logic_pj")] public double LogicPj => MultiplierPj + AdderPj + RegisterPj + ControlPj;
    [JsonPropertyName("leakage_mw")] public double LeakageMw => LogicLeakageMw + MemoryLeakageMw;
    [JsonPropertyName("leakage_pj")] public double LeakagePj => LeakageMw * Cycles * ClockNs; // mW x ns = pJ
    [JsonPropertyName("energy_per_inference_pj")] public double EnergyPj => LogicPj + MemoryPj + ClockPj + LeakagePj;
    [JsonPropertyName("power_mw")] public double PowerMw => EnergyPj / (Cycles * ClockNs);
    [JsonPropertyName("area_um2")] public double AreaUm2 => LogicAreaUm2 + MemoryAreaUm2;

    [JsonPropertyName("software")] public SoftwareEstimate? Software { get; init; }
    [JsonPropertyName("opensta")] public OpenStaPower? OpenSta { get; init; }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>A memory's traffic and energy per inference.</summary>
public sealed record MemoryEnergy(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("reads_per_inference")] double Reads,
    [property: JsonPropertyName("writes_per_inference")] double Writes,
    [property: JsonPropertyName("read_pj")] double ReadPj,
    [property: JsonPropertyName("write_pj")] double WritePj,
    [property: JsonPropertyName("energy_pj")] double EnergyPj,
    [property: JsonPropertyName("leakage_uw")] double LeakageUw);

/// <summary>Energy of the MAC array in one layer, per inference, with the toggle rates it was scaled by.</summary>
public sealed record LayerEnergy(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("steps")] long Steps,
    [property: JsonPropertyName("multiplier_pj")] double MultiplierPj,
    [property: JsonPropertyName("adder_pj")] double AdderPj,
    [property: JsonPropertyName("register_pj")] double RegisterPj,
    [property: JsonPropertyName("operand_toggle_rate")] double OperandRate,
    [property: JsonPropertyName("accumulator_toggle_rate")] double AccumulatorRate);

/// <summary>What OpenSTA's report_power gave, in watts by group, and the analytical total beside it.</summary>
public sealed record OpenStaPower(
    [property: JsonPropertyName("total_w")] double TotalW,
    [property: JsonPropertyName("groups_w")] IReadOnlyDictionary<string, double> GroupsW,
    [property: JsonPropertyName("analytical_power_mw")] double AnalyticalMw,
    [property: JsonPropertyName("global_activity")] double GlobalActivity,
    [property: JsonPropertyName("annotated_pins")] int AnnotatedPins);
