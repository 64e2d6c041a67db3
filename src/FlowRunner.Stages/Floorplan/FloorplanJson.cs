using System.Text.Json;
using System.Text.Json.Serialization;
using FlowRunner.Stages.Records;

namespace FlowRunner.Stages.Floorplan;

/// <summary>floorplan.json, the `floorplan` artifact: die, cell region, every macro's placement (lower-left, size as placed, DEF orientation), nets and metrics. Lengths in um.</summary>
public sealed record FloorplanJson(
    string Format,
    string Design,
    FloorplanRect Die,
    bool OutlineFixed,
    CellRegionJson CellRegion,
    IReadOnlyList<PlacedMacroJson> Macros,
    IReadOnlyList<NetJson> Nets,
    int Seed,
    IReadOnlyDictionary<string, double> Metrics)
{
    public const string FormatName = "flowrunner-floorplan-1";
    public string ToJson() => RecordFile.ToJson(this, ViewJson.Records.FloorplanJson);

    public static FloorplanJson FromJson(string json, string file = "floorplan.json") => RecordFile.Parse(json, file, ViewJson.Records.FloorplanJson, "format", FormatName);
}

/// <summary>A rectangle: lower-left corner and size, in um.</summary>
public sealed record FloorplanRect(
    [property: JsonPropertyName("x_um")] double X,
    [property: JsonPropertyName("y_um")] double Y,
    [property: JsonPropertyName("width_um")] double Width,
    [property: JsonPropertyName("height_um")] double Height);

/// <summary>The standard-cell region: where it is, its area, the logic area it holds and the share it fills.</summary>
public sealed record CellRegionJson(
    FloorplanRect Rect,
    double LogicAreaUm2,
    double Utilization,
    string Source);

/// <summary>One placed macro: instance and LEF macro name, logical memory, rectangle as placed (halo excluded), DEF orientation, halo.</summary>
public sealed record PlacedMacroJson(
    string Name,
    string Cell,
    string Logical,
    FloorplanRect Rect,
    string Orientation,
    double HaloUm,
    string Lef);

/// <summary>A net the planner minimized: its members (macro names and the cell region) and weight.</summary>
public sealed record NetJson(
    string Name,
    IReadOnlyList<string> Members,
    double Weight);
