using System.Globalization;
using FlowRunner.Floorplan.Annealing;
using FlowRunner.Floorplan.Bookshelf;
using FlowRunner.Floorplan.Designs;
using FlowRunner.Floorplan.Model;
using Spectre.Console;

namespace FlowRunner.Cli.Bench;

/// <summary>Floor planner: ami33 and ami49 beside published results, the generated hard100 / hard200 / hard300 cases (area only and in a
/// 10% white-space outline), and a generated 150-macro design with a cell region.</summary>
/// <remarks>
/// Published areas (mm2, the files' units read as um), area-driven runs:
///   B*-tree: Y.-C. Chang, Y.-W. Chang, G.-M. Wu, S.-W. Wu, "B*-trees: a new representation for non-slicing floorplans", DAC 2000: ami33 1.27, ami49 36.80.
///   Fast-SP: X. Tang, D. F. Wong, "FAST-SP: a fast algorithm for block placement based on sequence pair", ASP-DAC 2001: ami33 1.205, ami49 36.50.
///   TCG-S: J.-M. Lin, Y.-W. Chang, "TCG-S: orthogonal coupling of P*-admissible representations for general floorplans", DAC 2002: ami33 1.185, ami49 36.40.
///   Best later reports: about 1.18 (ami33) and 36.16 (ami49), about 2% dead space.
///   Sequence pair itself: H. Murata, K. Fujiyoshi, S. Nakatake, Y. Kajitani, "Rectangle-packing-based module placement", ICCAD 1995.
///   Fixed outline with 10% white space: S. N. Adya, I. L. Markov, "Fixed-outline floorplanning: enabling hierarchical design" (Parquet), TVLSI 2003.
/// Sum of block areas: ami33 1.156449 mm2, ami49 35.445424 mm2 (see floorplan-benchmarks/README.md). For the generated cases the peer
/// is the 4% dead-space target (published hard-block packers reach about 3-6% on the GSRC n100-n300 cases they imitate).
/// </remarks>
internal static class FloorplanBench
{
    private static readonly Dictionary<string, (double BStar, double FastSp, double TcgS, double Best)> Published = new()
    {
        ["ami33"] = (1.27, 1.205, 1.185, 1.18),
        ["ami49"] = (36.80, 36.50, 36.40, 36.16),
    };

    private const double DeadSpaceTarget = 0.04;

    public static Task<int> RunAsync(BenchOptions o, CancellationToken ct)
    {
        var threads = Environment.ProcessorCount;
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("design", "mode", "blocks", "area mm2", "dead space", "outline dead space", "HPWL", "time", "peer");
        var folder = BenchmarkLocator.Folder();
        var cases = new List<(string Name, FloorplanProblem Problem)>();
        if (folder is null) AnsiConsole.MarkupLine($"[yellow]no floorplan-benchmarks folder found (set {BenchmarkLocator.EnvironmentVariable}); ami33/ami49 skipped, hard cases generated[/]");
        foreach (var name in new[] { "ami33", "ami49" })
            if (folder is not null) cases.Add((name, BookshelfReader.Read(Path.Combine(folder, name + ".blocks"))));
        foreach (var n in o.Quick ? new[] { 100 } : [100, 200, 300])
        {
            // The shipped files when present (the same as generating them: the generator is seeded).
            var name = HardBlockBenchmark.NameFor(n);
            var file = folder is null ? null : Path.Combine(folder, name + ".blocks");
            cases.Add((name, file is not null && File.Exists(file) ? BookshelfReader.Read(file) : HardBlockBenchmark.Create(n)));
        }

        foreach (var (name, problem) in cases)
        {
            // Area only (as the published figures), then inside a fixed outline of 10% white space with 0.2 of the cost on wirelength.
            foreach (var (mode, p, wl) in new[] { ("free, area only", problem, 0.0), ("fixed 10% ws, + 0.2 WL", Outline(problem), 0.2) })
            {
                ct.ThrowIfCancellationRequested();
                var r = Annealer.Run(p, new AnnealOptions { Seed = 1, WirelengthWeight = wl, MovesScale = Budget(p.Blocks.Count) * (p.Outline is null ? 1 : 0.5) * (o.Quick ? 0.05 : 1), Threads = threads }, ct);
                var box = r.PackingWidth * r.PackingHeight;
                var dead = 1 - p.BlockArea / box;
                var label = $"{name}, {mode}";
                string peer;
                if (Published.TryGetValue(name, out var pub))
                {
                    o.Figures.Add($"{label}: area", box / 1e6, "mm2", threads, "best published", pub.Best);
                    peer = $"B*-tree / Fast-SP / TCG-S / best: {F(pub.BStar, "N3")} / {F(pub.FastSp, "N3")} / {F(pub.TcgS, "N3")} / {F(pub.Best, "N2")} mm2 (ratio to best {F(box / 1e6 / pub.Best, "N3")})";
                }
                else
                {
                    o.Figures.Add($"{label}: area", box / 1e6, "mm2", threads);
                    peer = $"target dead space <= {Pct(DeadSpaceTarget)} in < 10 s";
                }
                o.Figures.Add($"{label}: dead space", 100 * dead, "%", threads, "target", 100 * DeadSpaceTarget);
                if (p.Outline is not null) o.Figures.Add($"{label}: outline dead space", 100 * r.DeadSpace, "%", threads);
                o.Figures.Add($"{label}: time", r.Runtime.TotalSeconds, "s", threads, "target", 10);
                table.AddRow(name, mode, p.Blocks.Count.ToString(CultureInfo.InvariantCulture), F(box / 1e6, "N4"), Pct(dead),
                    p.Outline is null ? "-" : Pct(r.DeadSpace), F(r.Wirelength, "N0"), Sec(r), peer);
            }
        }

        var design = SyntheticDesign.Create(o.Quick ? 50 : 150, seed: 7, cellAreaShare: 0.5);
        foreach (var (mode, p) in new[] { ("free, aspect 1", design), ("fixed 10% ws", Outline(design)) })
        {
            ct.ThrowIfCancellationRequested();
            var r = Annealer.Run(p, new AnnealOptions { Seed = 1, WirelengthWeight = 0.3, Aspect = p.Outline is null ? 1.0 : null, MovesScale = o.Quick ? 0.2 : 1, PinTarget = "logic" }, ct);
            var dead = 1 - p.BlockArea / (r.PackingWidth * r.PackingHeight);
            o.Figures.Add($"{p.Name} + cells, {mode}: dead space", 100 * dead, "%", threads, "target", 10);
            o.Figures.Add($"{p.Name} + cells, {mode}: time", r.Runtime.TotalSeconds, "s", threads, "target", 10);
            table.AddRow(p.Name + " + cells", mode, p.Blocks.Count.ToString(CultureInfo.InvariantCulture), F(r.PackingWidth * r.PackingHeight / 1e6, "N4"),
                Pct(dead), p.Outline is null ? "-" : Pct(r.DeadSpace), F(r.Wirelength, "N0"), Sec(r), "target < 10 s and < 10 % dead space");
        }
        // The table is wide; when output goes to a file Spectre would assume 80 columns and wrap every cell.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 170);
        AnsiConsole.MarkupLine($"[bold]Floor planning[/]: sequence-pair annealing (FAST-SP packing), seed 1, {new AnnealOptions().Chains} chains on {threads} threads; area = bounding box of the packing; dead space = 1 - block area / that box; outline dead space = 1 - block area / outline");
        AnsiConsole.Write(table);
        return Task.FromResult(0);
    }

    /// <summary>Move budget of a case: the same evaluation work (moves x n log n) for every size, about 10 s on 2 cores at 300 blocks, at most 20x the default.</summary>
    public static double Budget(int blocks)
    {
        static double Work(int n) => (double)n * n * Math.Log2(Math.Max(2, n));
        return Math.Min(20, 2.4 * Work(300) / Work(Math.Max(2, blocks)));
    }

    private static FloorplanProblem Outline(FloorplanProblem p)
    {
        var (w, h) = FixedOutline.For(p, 0.1, 1);
        return p.WithOutline(w, h);
    }

    private static string F(double v, string f) => v.ToString(f, CultureInfo.InvariantCulture);
    private static string Pct(double v) => (100 * v).ToString("N2", CultureInfo.InvariantCulture) + " %";
    private static string Sec(FloorplanResult r) => r.Runtime.TotalSeconds.ToString("N2", CultureInfo.InvariantCulture) + " s";
}
