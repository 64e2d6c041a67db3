using System.Text.Json;
using System.Text.Json.Serialization;
using FlowRunner.Stages.Records;
using FlowRunner.Tech.Memories;

namespace FlowRunner.Stages.Memory;

/// <summary>memory.json, the `memories` artifact: every macro (for floor planning, synthesis and power) and every logical memory. Paths are relative to the stage folder.</summary>
public sealed record MemoryManifest(
    IReadOnlyList<MacroEntry> Macros,
    IReadOnlyList<LogicalEntry> Logical)
{
    public const string FileName = "memory.json";
    public const string FormatName = "flowrunner-memory-2";

    /// <summary>The record's format tag, checked by the reader.</summary>
    [JsonPropertyOrder(-1)]
    public string Format { get; init; } = FormatName;

    public string ToJson() => RecordFile.ToJson(this, ViewJson.Records.MemoryManifest);

    public static MemoryManifest FromJson(string json, string file = FileName) => RecordFile.Parse(json, file, ViewJson.Records.MemoryManifest, "format", FormatName);

    /// <summary>The memories view of a memory.generate stage.</summary>
    public static MemoryManifest Read(string file) => RecordFile.Read(file, ViewJson.Records.MemoryManifest, "format", FormatName);

    /// <param name="outputs">The files written for the plans; null for an estimate without files (no macros listed, no wrappers), as
    /// quant.search prices its candidates.</param>
    public static MemoryManifest From(IReadOnlyList<MemoryPlan> plans, MemoryOutputs? outputs)
    {
        if (outputs is null)
            return new MemoryManifest([], plans.Select(p => LogicalOf(p, "")).ToList());
        var files = outputs.Macros.ToDictionary(f => f.Macro.Name);
        var macros = plans.SelectMany(p => p.Macros.Select(m =>
        {
            var f = files[m.Name];
            var s = m.Shape;
            return new MacroEntry(m.Name, p.Memory.Name, R(s.WidthUm), R(s.HeightUm), R(s.AreaUm2), Slash(f.Lef), Slash(f.Liberty), Slash(f.Verilog),
                MacroViews.PinEdge, R(s.ReadEnergyPj), R(s.WriteEnergyPj), R(s.LeakageUw), R(s.AccessNs), m.Words, m.Width);
        })).ToList();
        return new MemoryManifest(macros, plans.Select(p => LogicalOf(p, Slash(outputs.Wrappers[p.Memory.Name]))).ToList());
    }

    private static LogicalEntry LogicalOf(MemoryPlan p, string wrapper) =>
        new LogicalEntry(p.Memory.Name, p.Memory.Module, wrapper,
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
            Lib = LogicalLiberty.FileOf(p.Memory.Module),
        };

    private static double R(double v) => Math.Round(v, 6);

    private static string Slash(string path) => path.Replace('\\', '/');
}

/// <summary>One macro instance in memory.json.</summary>
public sealed record MacroEntry(
    string Name,
    string Logical,
    double WidthUm,
    double HeightUm,
    double AreaUm2,
    string Lef,
    string Lib,
    string Verilog,
    string PinEdge,
    double ReadEnergyPj,
    double WriteEnergyPj,
    double LeakageUw,
    double AccessTimeNs,
    int Depth,
    int Width);

/// <summary>One logical memory in memory.json: its wrapper, its macros and its totals.</summary>
public sealed record LogicalEntry(
    string Name,
    string Module,
    string Wrapper,
    IReadOnlyList<string> Macros,
    string Split,
    double AreaUm2,
    double ReadEnergyPj,
    double WriteEnergyPj,
    double ReadsPerInference,
    double WritesPerInference)
{
    public string Kind { get; init; } = "sram";
    public int Depth { get; init; }
    public int Width { get; init; }
    public int Banks { get; init; }
    public int Slices { get; init; }
    public double LeakageUw { get; init; }
    [JsonPropertyName("access_time_ns")] public double AccessNs { get; init; }

    /// <summary>The module's Liberty view (one black-box cell, <see cref="LogicalLiberty"/>), relative to the stage folder.</summary>
    public string Lib { get; init; } = "";
}
