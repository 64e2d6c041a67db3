using FlowRunner.Abstractions;
using FlowRunner.Floorplan.Model;

namespace FlowRunner.Stages.Floorplan;

/// <summary>The `with:` options of a floorplan stage, checked; mistakes name the stage and the key.</summary>
public sealed record FloorplanSettings(double Utilization, double Aspect, double DieWidthUm, double DieHeightUm, double HaloUm, PinEdge? PinEdge,
    double CellAspectMax, double WirelengthWeight, double Moves, int Chains, int Seed, string RowSite, string Design)
{
    public static FloorplanSettings From(StageContext c)
    {
        var o = c.Options;
        StageFailedException Bad(string key, string what) => new($"stage '{c.StageId}': `with.{key}` {what}");
        var u = o.Double("utilization", 0.7);
        if (!(u > 0 && u <= 1)) throw Bad("utilization", $"must be in (0, 1], got {u}");
        var aspect = o.Double("aspect", 1.0);
        if (!(aspect > 0)) throw Bad("aspect", $"must be positive, got {aspect}");
        var w = o.Double("die_width_um");
        var h = o.Double("die_height_um");
        if (w < 0 || h < 0 || (w > 0) != (h > 0)) throw Bad("die_width_um", $"and `with.die_height_um` must both be positive (fixed outline) or both 0 (free), got {w} x {h}");
        var halo = o.Double("halo_um", 5);
        if (halo < 0) throw Bad("halo_um", $"must be zero or more, got {halo}");
        var edgeText = o.String("pin_edge", "auto").ToLowerInvariant();
        global::FlowRunner.Floorplan.Model.PinEdge? edge = edgeText switch
        {
            "auto" => null,
            "none" => global::FlowRunner.Floorplan.Model.PinEdge.None,
            "bottom" or "top" or "left" or "right" => AnnealerAdapter.ParseEdge(edgeText),
            _ => throw Bad("pin_edge", $"must be auto, bottom, top, left, right or none, got '{edgeText}'"),
        };
        var cellAspect = o.Double("cell_aspect_max", 3);
        if (!(cellAspect >= 1)) throw Bad("cell_aspect_max", $"must be 1 or more, got {cellAspect}");
        var wl = o.Double("wirelength_weight", 0.3);
        if (wl is < 0 or > 1) throw Bad("wirelength_weight", $"must be between 0 and 1, got {wl}");
        var moves = o.Double("moves", 1);
        if (!(moves > 0)) throw Bad("moves", $"must be positive, got {moves}");
        var chains = o.Int("chains", 2);
        if (chains is < 1 or > 64) throw Bad("chains", $"must be between 1 and 64, got {chains}");
        return new FloorplanSettings(u, aspect, w, h, halo, edge, cellAspect, wl, moves, chains, o.Int("seed", c.Seed), o.String("row_site"), o.String("design"));
    }
}
