using System.Globalization;
using FlowRunner.Floorplan.Annealing;
using FlowRunner.Floorplan.Bookshelf;
using FlowRunner.Floorplan.Designs;
using FlowRunner.Floorplan.Model;
using Spectre.Console;

namespace FlowRunner.Cli.Bench;

/// <summary>Floor planner: ami33 and ami49 (area, dead space, HPWL, time) beside published results, and a generated 150-macro design with a cell region.</summary>
/// <remarks>
/// Published areas (mm2, the files' units read as um), area-driven runs:
///   B*-tree: Y.-C. Chang, Y.-W. Chang, G.-M. Wu, S.-W. Wu, "B*-trees: a new representation for non-slicing floorplans", DAC 2000: ami33 1.27, ami49 36.80.
///   Fast-SP: X. Tang, D. F. Wong, "FAST-SP: a fast algorithm for block placement based on sequence pair", ASP-DAC 2001: ami33 1.205, ami49 36.50.
///   TCG-S: J.-M. Lin, Y.-W. Chang, "TCG-S: orthogonal coupling of P*-admissible representations for general floorplans", DAC 2002: ami33 1.185, ami49 36.40.
///   Best later reports: about 1.18 (ami33) and 36.16 (ami49), about 2% dead space.
///   Sequence pair itself: H. Murata, K. Fujiyoshi, S. Nakatake, Y. Kajitani, "Rectangle-packing-based module placement", ICCAD 1995.
///   Fixed outline with 10% white space: S. N. Adya, I. L. Markov, "Fixed-outline floorplanning: enabling hierarchical design" (Parquet), TVLSI 2003.
/// Sum of block areas: ami33 1.156449 mm2, ami49 35.445424 mm2 (see floorplan-benchmarks/README.md).
/// </remarks>
internal static class FloorplanBench
{
    private static readonly Dictionary<string, (double BStar, double FastSp, double TcgS, double Best)> Published = new()
    {
        ["ami33"] = (1.27, 1.205, 1.185, 1.18),
        ["ami49"] = (36.80, 36.50, 36.40, 36.16),
    };

    public static Task<int> RunAsync(BenchOptions o, CancellationToken ct)
    {
        var scale = o.Quick ? 0.2 : 1.0;
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("design", "mode", "blocks", "area mm2", "dead space", "HPWL", "time", "published area mm2: B*-tree / Fast-SP / TCG-S / best (dead space)");
        var folder = BenchmarkLocator.Folder();
        if (folder is null) AnsiConsole.MarkupLine($"[yellow]no floorplan-benchmarks folder found (set {BenchmarkLocator.EnvironmentVariable}); ami33/ami49 skipped[/]");
        else
            foreach (var name in new[] { "ami33", "ami49" })
            {
                var problem = BookshelfReader.Read(Path.Combine(folder, name + ".blocks"));
                var pub = Published[name];
                // Area only (as the published figures), then area + wirelength, then inside a fixed outline.
                foreach (var (mode, p, wl, moves) in new[] { ("free, area only", problem, 0.0, 3.0), ("free, area + 0.2 WL", problem, 0.2, 1.0), ("fixed 10% ws, + 0.2 WL", Outline(problem), 0.2, 1.0) })
                {
                    ct.ThrowIfCancellationRequested();
                    var r = Annealer.Run(p, new AnnealOptions { Seed = 1, WirelengthWeight = wl, MovesScale = scale * moves }, ct);
                    table.AddRow(name, mode, p.Blocks.Count.ToString(CultureInfo.InvariantCulture), F(r.PackingWidth * r.PackingHeight / 1e6, "N3"),
                        Pct(1 - p.BlockArea / (r.PackingWidth * r.PackingHeight)), F(r.Wirelength, "N0"), Sec(r),
                        $"{F(pub.BStar, "N3")} / {F(pub.FastSp, "N3")} / {F(pub.TcgS, "N3")} / {F(pub.Best, "N2")} ({Pct(1 - p.BlockArea / 1e6 / pub.Best)})");
                }
            }

        var design = SyntheticDesign.Create(o.Quick ? 50 : 150, seed: 7, cellAreaShare: 0.5);
        foreach (var (mode, p) in new[] { ("free, aspect 1", design), ("fixed 10% ws", Outline(design)) })
        {
            ct.ThrowIfCancellationRequested();
            var r = Annealer.Run(p, new AnnealOptions { Seed = 1, WirelengthWeight = 0.3, Aspect = p.Outline is null ? 1.0 : null, MovesScale = scale, PinTarget = "logic" }, ct);
            table.AddRow(p.Name + " + cells", mode, p.Blocks.Count.ToString(CultureInfo.InvariantCulture), F(r.PackingWidth * r.PackingHeight / 1e6, "N3"),
                Pct(1 - p.BlockArea / (r.PackingWidth * r.PackingHeight)), F(r.Wirelength, "N0"), Sec(r), "target < 10 s and < 10 % dead space");
        }
        // The table is wide; when output goes to a file Spectre would assume 80 columns and wrap every cell.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 150);
        AnsiConsole.MarkupLine("[bold]Floor planning[/]: sequence-pair annealing (FAST-SP packing), seed 1, 2 chains; generated design: 0.7 area + 0.3 HPWL, macros pins toward the cells; area = bounding box of the packing; dead space = 1 - block area / that box");
        AnsiConsole.Write(table);
        return Task.FromResult(0);
    }

    private static FloorplanProblem Outline(FloorplanProblem p)
    {
        var (w, h) = FixedOutline.For(p, 0.1, 1);
        return p.WithOutline(w, h);
    }

    private static string F(double v, string f) => v.ToString(f, CultureInfo.InvariantCulture);
    private static string Pct(double v) => (100 * v).ToString("N1", CultureInfo.InvariantCulture) + " %";
    private static string Sec(FloorplanResult r) => r.Runtime.TotalSeconds.ToString("N2", CultureInfo.InvariantCulture) + " s";
}
