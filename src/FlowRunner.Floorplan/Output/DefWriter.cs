using System.Globalization;
using System.Text;
using FlowRunner.Floorplan.Model;

namespace FlowRunner.Floorplan.Output;

/// <summary>How to write the DEF: design name, database units, which blocks are components, and the standard-cell rows.</summary>
public sealed record DefOptions(string Design)
{
    /// <summary>UNITS DISTANCE MICRONS: database units per micron (must divide the LEF's DATABASE MICRONS).</summary>
    public int DatabaseMicrons { get; init; } = 1000;

    /// <summary>Write components as FIXED (macros a placer must not move) rather than PLACED.</summary>
    public bool Fixed { get; init; } = true;

    /// <summary>Soft blocks become REGIONS of TYPE GUIDE with this prefix; they are not components.</summary>
    public string RegionPrefix { get; init; } = "";

    /// <summary>When set, ROWs of this LEF SITE fill each soft block's rectangle (row height and site width in microns).</summary>
    public (string Site, double RowHeightUm, double SiteWidthUm)? Rows { get; init; }

    /// <summary>The design's top-level pins (one per bit), spread along the die edges in order; none when empty.</summary>
    public IReadOnlyList<DefPin> Pins { get; init; } = [];

    /// <summary>Routing layer of the pins and the size of each pin shape (width along the edge, depth into the die).</summary>
    public (string Layer, double WidthUm, double DepthUm) PinShape { get; init; } = ("metal2", 0.3, 1.0);
}

/// <summary>A top-level pin of the DEF: name (a bus bit as name[i]) and DEF direction (INPUT, OUTPUT, INOUT).</summary>
public sealed record DefPin(string Name, string Direction);

/// <summary>Writes a floor plan as DEF 5.8: DIEAREA, ROWs, REGIONS (soft blocks), COMPONENTS (hard blocks, oriented) and PINS, readable with the tech and blocks' LEFs.</summary>
public static class DefWriter
{
    public static string Write(FloorplanResult r, DefOptions o)
    {
        var u = o.DatabaseMicrons;
        long D(double um) => (long)Math.Round(um * u, MidpointRounding.AwayFromZero);
        var sb = new StringBuilder();
        sb.Append("VERSION 5.8 ;\nDIVIDERCHAR \"/\" ;\nBUSBITCHARS \"[]\" ;\n");
        sb.Append($"DESIGN {o.Design} ;\n");
        sb.Append($"UNITS DISTANCE MICRONS {u} ;\n\n");
        sb.Append($"DIEAREA ( 0 0 ) ( {D(r.DieWidth)} {D(r.DieHeight)} ) ;\n\n");

        var soft = r.Blocks.Where(b => r.Problem.Blocks[b.Index].Soft).ToList();
        if (o.Rows is var (site, rowH, siteW) && rowH > 0 && siteW > 0)
        {
            var n = 0;
            foreach (var s in soft)
            {
                var rows = (int)Math.Floor(s.Height / rowH + 1e-9);
                var sites = (int)Math.Floor(s.Width / siteW + 1e-9);
                for (var i = 0; i < rows && sites > 0; i++)
                {
                    var orient = i % 2 == 0 ? "N" : "FS";
                    sb.Append($"ROW ROW_{n++} {site} {D(s.X)} {D(s.Y + i * rowH)} {orient} DO {sites} BY 1 STEP {D(siteW)} 0 ;\n");
                }
            }
            if (n > 0) sb.Append('\n');
        }

        // DEF order: ROWs, then REGIONS, then COMPONENTS.
        if (soft.Count > 0)
        {
            sb.Append($"REGIONS {soft.Count} ;\n");
            foreach (var s in soft)
                sb.Append($"- {o.RegionPrefix}{s.Name} ( {D(s.X)} {D(s.Y)} ) ( {D(s.X + s.Width)} {D(s.Y + s.Height)} ) + TYPE GUIDE ;\n");
            sb.Append("END REGIONS\n\n");
        }
        var hard = r.Blocks.Where(b => !r.Problem.Blocks[b.Index].Soft).ToList();
        sb.Append($"COMPONENTS {hard.Count} ;\n");
        foreach (var b in hard)
        {
            var block = r.Problem.Blocks[b.Index];
            var status = o.Fixed || block.FixedAt is not null ? "FIXED" : "PLACED";
            sb.Append($"- {b.Name} {block.CellName} + {status} ( {D(b.X)} {D(b.Y)} ) {b.Orientation} ");
            if (b.Halo > 0) sb.Append($"+ HALO {D(b.Halo)} {D(b.Halo)} {D(b.Halo)} {D(b.Halo)} ");
            sb.Append(";\n");
        }
        sb.Append("END COMPONENTS\n\n");

        if (o.Pins.Count > 0) WritePins(sb, r, o, D);
        sb.Append("END DESIGN\n");
        return sb.ToString();
    }

    /// <summary>
    /// PINS: inputs along the bottom and left edges, outputs along the top and right, each side's pins evenly spaced, each a rectangle of
    /// the pin layer reaching into the die (PLACED at its edge point, turned so it points inwards). Every pin is its own NET of the same name.
    /// </summary>
    private static void WritePins(StringBuilder sb, FloorplanResult r, DefOptions o, Func<double, long> d)
    {
        var (layer, w, depth) = o.PinShape;
        sb.Append($"PINS {o.Pins.Count} ;\n");
        var inputs = o.Pins.Where(p => p.Direction != "OUTPUT").ToList();
        var outputs = o.Pins.Where(p => p.Direction == "OUTPUT").ToList();
        void Side(IReadOnlyList<DefPin> pins, bool horizontal, bool low)
        {
            var length = horizontal ? r.DieWidth : r.DieHeight;
            for (var i = 0; i < pins.Count; i++)
            {
                var along = length * (i + 1) / (pins.Count + 1);
                var (x, y, orient) = horizontal ? (along, low ? 0 : r.DieHeight, low ? "N" : "S") : (low ? 0 : r.DieWidth, along, low ? "E" : "W");
                var p = pins[i];
                sb.Append($"- {p.Name} + NET {p.Name} + DIRECTION {p.Direction} + USE SIGNAL\n");
                sb.Append($"  + LAYER {layer} ( {d(-w / 2)} 0 ) ( {d(w / 2)} {d(depth)} )\n");
                sb.Append($"  + PLACED ( {d(x)} {d(y)} ) {orient} ;\n");
            }
        }
        var inBottom = (inputs.Count + 1) / 2;
        Side(inputs.Take(inBottom).ToList(), horizontal: true, low: true);
        Side(inputs.Skip(inBottom).ToList(), horizontal: false, low: true);
        var outTop = (outputs.Count + 1) / 2;
        Side(outputs.Take(outTop).ToList(), horizontal: true, low: false);
        Side(outputs.Skip(outTop).ToList(), horizontal: false, low: false);
        sb.Append("END PINS\n\n");
    }

    public static void WriteFile(string path, FloorplanResult r, DefOptions o) => File.WriteAllText(path, Write(r, o));

    internal static string N(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
