using System.Globalization;
using System.Text;

namespace FlowRunner.Tech.Lef;

/// <summary>Writes LEF 5.7 macro abstracts (no technology section): what floor planners and placers read for blocks.</summary>
public static class LefWriter
{
    public static string Write(LefLibrary library)
    {
        var sb = new StringBuilder();
        sb.Append($"VERSION {library.Version} ;\n");
        sb.Append("BUSBITCHARS \"[]\" ;\n");
        sb.Append("DIVIDERCHAR \"/\" ;\n");
        sb.Append($"UNITS\n  DATABASE MICRONS {library.DatabaseMicrons} ;\nEND UNITS\n\n");
        foreach (var site in library.Sites)
        {
            sb.Append($"SITE {site.Name}\n");
            if (site.Class is not null) sb.Append($"  CLASS {site.Class} ;\n");
            sb.Append($"  SIZE {N(site.WidthUm)} BY {N(site.HeightUm)} ;\nEND {site.Name}\n\n");
        }
        foreach (var m in library.Macros) WriteMacro(sb, m);
        sb.Append("END LIBRARY\n");
        return sb.ToString();
    }

    public static void WriteFile(string path, LefLibrary library) => File.WriteAllText(path, Write(library));

    private static void WriteMacro(StringBuilder sb, LefMacro m)
    {
        sb.Append($"MACRO {m.Name}\n");
        sb.Append($"  CLASS {m.Class} ;\n");
        sb.Append($"  FOREIGN {m.Name} 0 0 ;\n");
        sb.Append("  ORIGIN 0 0 ;\n");
        sb.Append($"  SIZE {N(m.WidthUm)} BY {N(m.HeightUm)} ;\n");
        if (m.Symmetry is not null) sb.Append($"  SYMMETRY {m.Symmetry} ;\n");
        if (m.Site is not null) sb.Append($"  SITE {m.Site} ;\n");
        foreach (var p in m.Pins)
        {
            sb.Append($"  PIN {p.Name}\n");
            sb.Append($"    DIRECTION {p.Direction} ;\n");
            sb.Append($"    USE {p.Use} ;\n");
            if (p.Shape is not null) sb.Append($"    SHAPE {p.Shape} ;\n");
            sb.Append("    PORT\n");
            Shapes(sb, p.Ports, "      ");
            sb.Append("    END\n");
            sb.Append($"  END {p.Name}\n");
        }
        if (m.Obstructions.Count > 0)
        {
            sb.Append("  OBS\n");
            Shapes(sb, m.Obstructions, "    ");
            sb.Append("  END\n");
        }
        sb.Append($"END {m.Name}\n\n");
    }

    private static void Shapes(StringBuilder sb, IReadOnlyList<LefShape> shapes, string pad)
    {
        string? layer = null;
        foreach (var s in shapes)
        {
            if (s.Layer != layer)
            {
                sb.Append($"{pad}LAYER {s.Layer} ;\n");
                layer = s.Layer;
            }
            sb.Append($"{pad}  RECT {N(s.Rect.X1)} {N(s.Rect.Y1)} {N(s.Rect.X2)} {N(s.Rect.Y2)} ;\n");
        }
    }

    private static string N(double v) => Math.Round(v, 4).ToString("0.0###", CultureInfo.InvariantCulture);
}
