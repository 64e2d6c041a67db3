using System.Globalization;
using System.Text;
using FlowRunner.Floorplan.Model;

namespace FlowRunner.Floorplan.Bookshelf;

/// <summary>Writes a problem's hard blocks, terminals and nets as GSRC Bookshelf `.blocks`, `.nets` and `.pl`, the files <see cref="BookshelfReader"/> reads.</summary>
public static class BookshelfWriter
{
    /// <summary>Writes FOLDER/NAME.blocks, .nets and .pl; returns the .blocks path.</summary>
    public static string Write(FloorplanProblem p, string folder)
    {
        if (p.Blocks.Any(b => b.Soft)) throw new FloorplanException($"{p.Name}: only hard blocks can be written as Bookshelf (soft block '{p.Blocks.First(b => b.Soft).Name}')");
        Directory.CreateDirectory(folder);
        string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
        var blocks = new StringBuilder("UCSC blocks 1.0\n\n");
        blocks.Append($"NumSoftRectangularBlocks : 0\nNumHardRectilinearBlocks : {p.Blocks.Count}\nNumTerminals : {p.Terminals.Count}\n\n");
        foreach (var b in p.Blocks)
            blocks.Append($"{b.Name} hardrectilinear 4 (0, 0) (0, {F(b.Height)}) ({F(b.Width)}, {F(b.Height)}) ({F(b.Width)}, 0)\n");
        blocks.Append('\n');
        foreach (var t in p.Terminals) blocks.Append($"{t.Name} terminal\n");

        var nets = new StringBuilder("UCLA nets 1.0\n\n");
        nets.Append($"NumNets : {p.Nets.Count}\nNumPins : {p.Nets.Sum(n => n.Degree)}\n");
        foreach (var n in p.Nets)
        {
            nets.Append($"NetDegree : {n.Degree} {n.Name}\n");
            foreach (var b in n.Blocks) nets.Append($"{p.Blocks[b].Name} B\n");
            foreach (var t in n.Terminals) nets.Append($"{p.Terminals[t].Name} B\n");
        }

        var pl = new StringBuilder("UCLA pl 1.0\n\n");
        foreach (var b in p.Blocks) pl.Append(b.FixedAt is var (x, y) ? $"{b.Name}\t{F(x)}\t{F(y)}\t/FIXED\n" : $"{b.Name}\t0\t0\n");
        foreach (var t in p.Terminals) pl.Append($"{t.Name}\t{F(t.X)}\t{F(t.Y)}\n");

        var stem = Path.Combine(folder, p.Name);
        File.WriteAllText(stem + ".blocks", blocks.ToString());
        File.WriteAllText(stem + ".nets", nets.ToString());
        File.WriteAllText(stem + ".pl", pl.ToString());
        return stem + ".blocks";
    }
}
