using System.Text.Json;
using System.Text.Json.Serialization;
using FlowRunner.Tech.Memories;

namespace FlowRunner.Stages.Memory;

/// <summary>memory.json, the `memories` artifact: every macro (for floor planning, synthesis and power) and every logical memory. Paths are relative to the stage folder.</summary>
public sealed record MemoryManifest(
    [property: JsonPropertyName("macros")] IReadOnlyList<MacroEntry> Macros,
    [property: JsonPropertyName("logical")] IReadOnlyList<LogicalEntry> Logical)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static MemoryManifest FromJson(string json) =>
        JsonSerializer.Deserialize<MemoryManifest>(json, Json) ?? throw new JsonException("memory.json is empty");

    public static MemoryManifest From(IReadOnlyList<MemoryPlan> plans, MemoryOutputs outputs)
    {
        var files = outputs.Macros.ToDictionary(f => f.Macro.Name);
        var macros = plans.SelectMany(p => p.Macros.Select(m =>
        {
            var f = files[m.Name];
            var s = m.Shape;
            return new MacroEntry(m.Name, p.Memory.Name, R(s.WidthUm), R(s.HeightUm), R(s.AreaUm2), Slash(f.Lef), Slash(f.Liberty), Slash(f.Verilog),
                MacroViews.PinEdge, R(s.ReadEnergyPj), R(s.WriteEnergyPj), R(s.LeakageUw), R(s.AccessNs), m.Words, m.Width);
        })).ToList();
        var logical = plans.Select(p => new LogicalEntry(p.Memory.Name, p.Memory.Module, Slash(outputs.Wrappers[p.Memory.Name]),
            p.Macros.Select(m => m.Name).ToList(), p.SplitName, R(p.AreaUm2), R(p.ReadEnergyPj), R(p.WriteEnergyPj),
            p.Memory.ReadsPerInference, p.Memory.WritesPerInference)
        {
            Kind = p.Memory.Kind == MemoryKind.Rom ? "rom" : "sram",
            Depth = p.Memory.Depth,
            Width = p.Memory.Width,
            Banks = p.Banks,
            Slices = p.Slices,
            LeakageUw = R(p.LeakageUw),
            AccessNs = R(p.AccessNs),
        }).ToList();
        return new MemoryManifest(macros, logical);
    }

    private static double R(double v) => Math.Round(v, 6);

    private static string Slash(string path) => path.Replace('\\', '/');
}

/// <summary>One macro instance in memory.json.</summary>
public sealed record MacroEntry(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("logical")] string Logical,
    [property: JsonPropertyName("width_um")] double WidthUm,
    [property: JsonPropertyName("height_um")] double HeightUm,
    [property: JsonPropertyName("area_um2")] double AreaUm2,
    [property: JsonPropertyName("lef")] string Lef,
    [property: JsonPropertyName("lib")] string Lib,
    [property: JsonPropertyName("verilog")] string Verilog,
    [property: JsonPropertyName("pin_edge")] string PinEdge,
    [property: JsonPropertyName("read_energy_pj")] double ReadEnergyPj,
    [property: JsonPropertyName("write_energy_pj")] double WriteEnergyPj,
    [property: JsonPropertyName("leakage_uw")] double LeakageUw,
    [property: JsonPropertyName("access_time_ns")] double AccessTimeNs,
    [property: JsonPropertyName("depth")] int Depth,
    [property: JsonPropertyName("width")] int Width);

/// <summary>One logical memory in memory.json: its wrapper, its macros and its totals.</summary>
public sealed record LogicalEntry(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("module")] string Module,
    [property: JsonPropertyName("wrapper")] string Wrapper,
    [property: JsonPropertyName("macros")] IReadOnlyList<string> Macros,
    [property: JsonPropertyName("split")] string Split,
    [property: JsonPropertyName("area_um2")] double AreaUm2,
    [property: JsonPropertyName("read_energy_pj")] double ReadEnergyPj,
    [property: JsonPropertyName("write_energy_pj")] double WriteEnergyPj,
    [property: JsonPropertyName("reads_per_inference")] double ReadsPerInference,
    [property: JsonPropertyName("writes_per_inference")] double WritesPerInference)
{
    [JsonPropertyName("kind")] public string Kind { get; init; } = "sram";
    [JsonPropertyName("depth")] public int Depth { get; init; }
    [JsonPropertyName("width")] public int Width { get; init; }
    [JsonPropertyName("banks")] public int Banks { get; init; }
    [JsonPropertyName("slices")] public int Slices { get; init; }
    [JsonPropertyName("leakage_uw")] public double LeakageUw { get; init; }
    [JsonPropertyName("access_time_ns")] public double AccessNs { get; init; }
}
