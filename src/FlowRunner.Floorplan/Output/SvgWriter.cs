using System.Globalization;
using System.Net;
using System.Text;
using FlowRunner.Floorplan.Model;

namespace FlowRunner.Floorplan.Output;

/// <summary>Draws a floor plan as SVG: die outline, macros labelled (halos dashed), soft regions shaded, optional fly-lines for nets, a scale
/// bar, and a key numbering the blocks whose names do not fit inside them at a legible size.</summary>
public static class SvgWriter
{
    /// <summary>The smallest label drawn, in pixels: a name that does not fit at this size is replaced by its number in the key.</summary>
    public const double MinLabelPx = 9;

    private const double KeyLinePx = 15;

    public static string Write(FloorplanResult r, bool nets = false, double pixels = 640)
    {
        var scale = pixels / Math.Max(r.DieWidth, r.DieHeight);
        var w = r.DieWidth * scale;
        var h = r.DieHeight * scale;
        string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
        double Y(double y, double height) => h - (y + height) * scale + 10;
        double X(double x) => x * scale + 10;
        // A name fits when its width (about 0.6 em a character) and height fit the block at MinLabelPx or more.
        double Fit(string name, double bw, double bh) => Math.Min(Math.Min(bw * 0.9 / (0.6 * Math.Max(1, name.Length)), bh * 0.6), 14);
        var keyed = r.Blocks.Where(b => Fit(b.Name, b.Width * scale, b.Height * scale) < MinLabelPx).ToList();
        var keyColumns = Math.Max(1, (int)((w + 20) / 210));
        var keyRows = (keyed.Count + keyColumns - 1) / keyColumns;
        var height = h + 64 + keyRows * KeyLinePx;
        var sb = new StringBuilder();
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"floorplan-drawing\" width=\"{F(w + 20)}\" height=\"{F(height)}\" viewBox=\"0 0 {F(w + 20)} {F(height)}\" font-family=\"sans-serif\">\n");
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
            var key = keyed.IndexOf(b);
            var label = key < 0 ? b.Name : (key + 1).ToString(CultureInfo.InvariantCulture);
            var font = key < 0 ? Fit(b.Name, bw, bh) : MinLabelPx;
            // A white outline under the letters keeps them readable over block edges and fly-lines.
            sb.Append($"<text class=\"{(key < 0 ? "label" : "label keyed")}\" x=\"{F(x + bw / 2)}\" y=\"{F(y + bh / 2 + font / 3)}\" font-size=\"{F(font)}\" text-anchor=\"middle\" stroke=\"#ffffff\" stroke-width=\"2.5\" stroke-opacity=\"0.8\" paint-order=\"stroke\">{E(label)}</text>\n");
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
        // Scale bar: a round length (1-2-5 steps) near a fifth of the die's width, under its left corner.
        var barUm = NiceLength(r.DieWidth / 5);
        var barY = h + 24;
        sb.Append($"<g class=\"scale-bar\"><line x1=\"10\" y1=\"{F(barY)}\" x2=\"{F(10 + barUm * scale)}\" y2=\"{F(barY)}\" stroke=\"#000000\" stroke-width=\"2\"/>")
            .Append($"<line x1=\"10\" y1=\"{F(barY - 5)}\" x2=\"10\" y2=\"{F(barY + 5)}\" stroke=\"#000000\"/><line x1=\"{F(10 + barUm * scale)}\" y1=\"{F(barY - 5)}\" x2=\"{F(10 + barUm * scale)}\" y2=\"{F(barY + 5)}\" stroke=\"#000000\"/>")
            .Append($"<text x=\"{F(16 + barUm * scale)}\" y=\"{F(barY + 4)}\" font-size=\"12\">{E(barUm.ToString("#,0.##", CultureInfo.InvariantCulture))} um</text></g>\n");
        sb.Append($"<text x=\"10\" y=\"{F(h + 50)}\" font-size=\"12\">{E(r.Problem.Name)}: die {E(Um(r.DieWidth))} x {E(Um(r.DieHeight))} um, dead space {F(100 * r.DeadSpace)} %, HPWL {E(Um(r.Wirelength))} um</text>\n");
        for (var i = 0; i < keyed.Count; i++)
        {
            var b = keyed[i];
            var (col, row) = (i % keyColumns, i / keyColumns);
            sb.Append($"<text class=\"key\" x=\"{F(10 + col * 210)}\" y=\"{F(h + 50 + (row + 1) * KeyLinePx)}\" font-size=\"11\">{i + 1}: {E(b.Name)} ({E(Um(b.Width))} x {E(Um(b.Height))} um)</text>\n");
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>A length for people: thousands separators, at most two decimals.</summary>
    private static string Um(double v) => v.ToString(Math.Abs(v) >= 100 ? "#,0" : "#,0.##", CultureInfo.InvariantCulture);

    /// <summary>The 1-2-5 length at or below <paramref name="um"/> (at least the smallest positive one).</summary>
    public static double NiceLength(double um)
    {
        if (!(um > 0)) return 1;
        var p = Math.Pow(10, Math.Floor(Math.Log10(um)));
        return new[] { 5.0, 2, 1 }.Select(m => m * p).First(v => v <= um * (1 + 1e-9));
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
