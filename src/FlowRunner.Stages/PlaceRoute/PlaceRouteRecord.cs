using FlowRunner.Stages.Floorplan;
using FlowRunner.Stages.Records;

namespace FlowRunner.Stages.PlaceRoute;

/// <summary>place_route.json, the `place_route` view: how the design was placed and routed, the core and the cell region it was placed for,
/// wire length by layer, the critical path's end points before and after the wires, and the stage's metrics. Lengths in um.</summary>
public sealed record PlaceRouteRecord(
    string Format,
    string Adapter,
    string Top,
    string Macros,
    int BoundaryPins,
    FloorplanRect CellRegion,
    FloorplanRect Core,
    IReadOnlyDictionary<string, double> WirelengthUmByLayer,
    PathEnds? PreRoute,
    PathEnds? PostRoute,
    IReadOnlyDictionary<string, double> Metrics)
{
    public const string FormatName = "flowrunner-place-route-1";

    public string ToJson() => RecordFile.ToJson(this, ViewJson.Records.PlaceRouteRecord);

    public static PlaceRouteRecord Read(string file) => RecordFile.Read(file, ViewJson.Records.PlaceRouteRecord, "format", FormatName);
}

/// <summary>Start and end point of the worst setup path.</summary>
public sealed record PathEnds(string Startpoint, string Endpoint);
