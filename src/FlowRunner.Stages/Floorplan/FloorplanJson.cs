using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowRunner.Stages.Floorplan;

/// <summary>floorplan.json, the `floorplan` artifact: die, cell region, every macro's placement (lower-left, size as placed, DEF orientation), nets and metrics. Lengths in um.</summary>
public sealed record FloorplanJson(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("design")] string Design,
    [property: JsonPropertyName("die")] FloorplanRect Die,
    [property: JsonPropertyName("outline_fixed")] bool OutlineFixed,
    [property: JsonPropertyName("cell_region")] CellRegionJson CellRegion,
    [property: JsonPropertyName("macros")] IReadOnlyList<PlacedMacroJson> Macros,
    [property: JsonPropertyName("nets")] IReadOnlyList<NetJson> Nets,
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("metrics")] IReadOnlyDictionary<string, double> Metrics)
{
    public const string FormatName = "flowrunner-floorplan-1";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static FloorplanJson FromJson(string json) => JsonSerializer.Deserialize<FloorplanJson>(json, Json) ?? throw new JsonException("floorplan.json is empty");
}

/// <summary>A rectangle: lower-left corner and size, in um.</summary>
public sealed record FloorplanRect(
    [property: JsonPropertyName("x_um")] double X,
    [property: JsonPropertyName("y_um")] double Y,
    [property: JsonPropertyName("width_um")] double Width,
    [property: JsonPropertyName("height_um")] double Height);

/// <summary>The standard-cell region: where it is, its area, the logic area it holds and the share it fills.</summary>
public sealed record CellRegionJson(
    [property: JsonPropertyName("rect")] FloorplanRect Rect,
    [property: JsonPropertyName("logic_area_um2")] double LogicAreaUm2,
    [property: JsonPropertyName("utilization")] double Utilization,
    [property: JsonPropertyName("source")] string Source);

/// <summary>One placed macro: instance and LEF macro name, logical memory, rectangle as placed (halo excluded), DEF orientation, halo.</summary>
public sealed record PlacedMacroJson(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("cell")] string Cell,
    [property: JsonPropertyName("logical")] string Logical,
    [property: JsonPropertyName("rect")] FloorplanRect Rect,
    [property: JsonPropertyName("orientation")] string Orientation,
    [property: JsonPropertyName("halo_um")] double HaloUm,
    [property: JsonPropertyName("lef")] string Lef);

/// <summary>A net the planner minimized: its members (macro names and the cell region) and weight.</summary>
public sealed record NetJson(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("members")] IReadOnlyList<string> Members,
    [property: JsonPropertyName("weight")] double Weight);
