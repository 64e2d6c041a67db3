using System.Globalization;
using System.Net;
using System.Text;
using FlowRunner.Floorplan.Model;

namespace FlowRunner.Floorplan.Output;

/// <summary>Draws a floor plan as SVG: die outline, macros labelled (halos dashed), soft regions shaded, optional fly-lines for nets.</summary>
public static class SvgWriter
{
    public static string Write(FloorplanResult r, bool nets = false, double pixels = 640)
    {
        var scale = pixels / Math.Max(r.DieWidth, r.DieHeight);
        var w = r.DieWidth * scale;
        var h = r.DieHeight * scale;
        string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
        double Y(double y, double height) => h - (y + height) * scale + 10;
        double X(double x) => x * scale + 10;
        var sb = new StringBuilder();
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{F(w + 20)}\" height=\"{F(h + 40)}\" viewBox=\"0 0 {F(w + 20)} {F(h + 40)}\" font-family=\"sans-serif\">\n");
        sb.Append($"<title>{E(r.Problem.Name)} floor plan</title>\n");
        sb.Append($"<rect x=\"10\" y=\"10\" width=\"{F(w)}\" height=\"{F(h)}\" fill=\"#ffffff\" stroke=\"#000000\" stroke-width=\"2\"/>\n");
        foreach (var b in r.Blocks)
        {
            var block = r.Problem.Blocks[b.Index];
            var (x, y, bw, bh) = (X(b.X), Y(b.Y, b.Height), b.Width * scale, b.Height * scale);
            if (block.Soft)
            {
                sb.Append($"<rect class=\"cells\" x=\"{F(x)}\" y=\"{F(y)}\" width=\"{F(bw)}\" height=\"{F(bh)}\" fill=\"#9ecae1\" fill-opacity=\"0.55\" stroke=\"#3182bd\"><title>{E(b.Name)}: standard cells {F(b.Width)} x {F(b.Height)} um</title></rect>\n");
            }
            else
            {
                if (b.Halo > 0)
                    sb.Append($"<rect x=\"{F(x - b.Halo * scale)}\" y=\"{F(y - b.Halo * scale)}\" width=\"{F(bw + 2 * b.Halo * scale)}\" height=\"{F(bh + 2 * b.Halo * scale)}\" fill=\"none\" stroke=\"#999999\" stroke-dasharray=\"3,2\"/>\n");
                var fill = block.FixedAt is null ? "#fdae6b" : "#bdbdbd";
                sb.Append($"<rect class=\"macro\" x=\"{F(x)}\" y=\"{F(y)}\" width=\"{F(bw)}\" height=\"{F(bh)}\" fill=\"{fill}\" stroke=\"#a63603\"><title>{E(b.Name)} ({E(block.CellName)}) {F(b.Width)} x {F(b.Height)} um {b.Orientation}</title></rect>\n");
                if (block.PinEdge != PinEdge.None) sb.Append(PinMark(block.PinEdge, b.Orientation, x, y, bw, bh, F));
            }
            var font = Math.Clamp(Math.Min(bw / Math.Max(1, b.Name.Length) * 1.6, bh * 0.5), 4, 14);
            sb.Append($"<text x=\"{F(x + bw / 2)}\" y=\"{F(y + bh / 2 + font / 3)}\" font-size=\"{F(font)}\" text-anchor=\"middle\">{E(b.Name)}</text>\n");
        }
        if (nets)
            foreach (var n in r.Problem.Nets)
            {
                if (n.Blocks.Count < 2) continue;
                var first = r.Blocks[n.Blocks[0]];
                foreach (var bi in n.Blocks.Skip(1))
                {
                    var o = r.Blocks[bi];
                    sb.Append($"<line x1=\"{F(X(first.CenterX))}\" y1=\"{F(Y(first.CenterY, 0))}\" x2=\"{F(X(o.CenterX))}\" y2=\"{F(Y(o.CenterY, 0))}\" stroke=\"#636363\" stroke-opacity=\"0.35\" stroke-width=\"{F(Math.Clamp(n.Weight, 0.5, 3))}\"/>\n");
                }
            }
        sb.Append($"<text x=\"10\" y=\"{F(h + 30)}\" font-size=\"12\">{E(r.Problem.Name)}: die {F(r.DieWidth)} x {F(r.DieHeight)} um, dead space {F(100 * r.DeadSpace)} %, HPWL {F(r.Wirelength)} um</text>\n");
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    public static void WriteFile(string path, FloorplanResult r, bool nets = false) => File.WriteAllText(path, Write(r, nets));

    /// <summary>A thick line on the edge the pins face after orientation.</summary>
    private static string PinMark(PinEdge edge, Orientation o, double x, double y, double w, double h, Func<double, string> f)
    {
        var (dx, dy) = Orientations.Apply(o, Orientations.Direction(edge));
        var (x1, y1, x2, y2) = (dx, dy) switch
        {
            (0, -1) => (x, y + h, x + w, y + h),
            (0, 1) => (x, y, x + w, y),
            (-1, 0) => (x, y, x, y + h),
            _ => (x + w, y, x + w, y + h),
        };
        return $"<line x1=\"{f(x1)}\" y1=\"{f(y1)}\" x2=\"{f(x2)}\" y2=\"{f(y2)}\" stroke=\"#a63603\" stroke-width=\"3\"/>\n";
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
