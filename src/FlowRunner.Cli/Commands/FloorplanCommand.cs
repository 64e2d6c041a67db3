using System.CommandLine;
using System.Globalization;
using FlowRunner.Floorplan.Annealing;
using FlowRunner.Floorplan.Bookshelf;
using FlowRunner.Floorplan.Designs;
using FlowRunner.Floorplan.Model;
using FlowRunner.Floorplan.Output;

namespace FlowRunner.Cli.Commands;

/// <summary>`flowrunner floorplan bench FILE`: runs the annealing floor planner on a GSRC/MCNC block-packing benchmark and prints area, dead space, wirelength and time;
/// `flowrunner floorplan generate N`: writes a seeded GSRC-style hard-block case as Bookshelf files.</summary>
internal static class FloorplanCommand
{
    public static Command Create()
    {
        var cmd = new Command("floorplan", "Floor planning outside a recipe.");
        var file = new Argument<string>("file") { Description = "A .blocks file (with .nets and .pl beside it) a benchmark name such as ami33 (looked up in $" + BenchmarkLocator.EnvironmentVariable + " or a floorplan-benchmarks folder above), or syntheticN for a generated design of N macros and a cell region" };
        var seed = new Option<int>("--seed") { Description = "Seed of the annealing", DefaultValueFactory = _ => 1 };
        var outline = new Option<string>("--outline") { Description = "free: the die is the packing's bounding box; fixed: an outline of the block area plus --whitespace at --aspect", DefaultValueFactory = _ => "free" };
        outline.AcceptOnlyFromAmong("free", "fixed");
        var whitespace = new Option<double>("--whitespace") { Description = "White space of the fixed outline, as a share of the block area", DefaultValueFactory = _ => 0.1 };
        var aspect = new Option<double>("--aspect") { Description = "Height / width of the fixed outline", DefaultValueFactory = _ => 1.0 };
        var wl = new Option<double>("--wl-weight") { Description = "Share of the cost given to wirelength (0 = area only)", DefaultValueFactory = _ => 0.2 };
        var moves = new Option<double>("--moves") { Description = "Multiplier of the default move budget", DefaultValueFactory = _ => 1.0 };
        var def = new Option<string?>("--def") { Description = "Write the floor plan as DEF to this file" };
        var svg = new Option<string?>("--svg") { Description = "Write a picture of the floor plan to this SVG file" };
        var bench = new Command("bench", "Run the floor planner on a block-packing benchmark; print area, dead space, HPWL and time.") { file, seed, outline, whitespace, aspect, wl, moves, def, svg };
        bench.SetAction(r =>
        {
            var name = r.GetValue(file)!;
            var synthetic = name.StartsWith("synthetic", StringComparison.Ordinal) && int.TryParse(name["synthetic".Length..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) && count > 0 ? count : 0;
            var path = synthetic > 0 ? null : BenchmarkLocator.Resolve(name);
            if (synthetic == 0 && path is null) return Terminal.ErrorReport.Usage($"no benchmark '{name}': give a .blocks path, a name in ${BenchmarkLocator.EnvironmentVariable}, or syntheticN");
            foreach (var (option, target) in new[] { ("--def", r.GetValue(def)), ("--svg", r.GetValue(svg)) })
                if (target is not null && Path.GetDirectoryName(Path.GetFullPath(target)) is { } folder && !Directory.Exists(folder))
                    return Terminal.ErrorReport.Usage($"{option} {target}: the folder {folder} does not exist");
            try
            {
                var problem = synthetic > 0 ? SyntheticDesign.Create(synthetic, seed: 7, cellAreaShare: 0.5) : BookshelfReader.Read(path!);
                if (r.GetValue(outline) == "fixed")
                {
                    var (w, h) = FixedOutline.For(problem, r.GetValue(whitespace), r.GetValue(aspect));
                    problem = problem.WithOutline(w, h);
                }
                var result = Annealer.Run(problem, new AnnealOptions { Seed = r.GetValue(seed), WirelengthWeight = r.GetValue(wl), MovesScale = r.GetValue(moves), PinTarget = synthetic > 0 ? "logic" : null, Aspect = synthetic > 0 && problem.Outline is null ? 1.0 : null });
                Print(result);
                if (r.GetValue(def) is { } d) DefWriter.WriteFile(d, result, new DefOptions(problem.Name) { DatabaseMicrons = 1 });
                if (r.GetValue(svg) is { } s) SvgWriter.WriteFile(s, result, nets: false);
                return 0;
            }
            catch (FloorplanException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        cmd.Add(bench);
        cmd.Add(Generate());
        return cmd;
    }

    private static Command Generate()
    {
        var blocks = new Argument<int>("blocks") { Description = "Number of hard blocks" };
        var seed = new Option<int>("--seed") { Description = "Seed of the generator", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--output") { Description = "Folder to write NAME.blocks, .nets and .pl into", DefaultValueFactory = _ => "." };
        var name = new Option<string?>("--name") { Description = "Name of the files (default hardN)" };
        var generate = new Command("generate", "Write a seeded hard-block packing case in the style of GSRC n100-n300 (aspect 1:3 to 3:1, areas over two decades) as Bookshelf files.") { blocks, seed, output, name };
        generate.SetAction(r =>
        {
            try
            {
                var p = HardBlockBenchmark.Create(r.GetValue(blocks), r.GetValue(seed));
                if (r.GetValue(name) is { Length: > 0 } n) p = new FloorplanProblem(n, p.Blocks, p.Terminals, p.Nets);
                var path = BookshelfWriter.Write(p, r.GetValue(output)!);
                Console.WriteLine($"{path}: {p.Blocks.Count} hard blocks, {p.Terminals.Count} terminals, {p.Nets.Count} nets, block area {p.BlockArea.ToString("N0", CultureInfo.InvariantCulture)}");
                return 0;
            }
            catch (FloorplanException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"error: {r.GetValue(output)}: {e.Message}");
                return 1;
            }
        });
        return generate;
    }

    private static void Print(FloorplanResult r)
    {
        string F(double v, string f = "N0") => v.ToString(f, CultureInfo.InvariantCulture);
        var p = r.Problem;
        Console.WriteLine($"{p.Name}: {p.Blocks.Count} blocks, {p.Terminals.Count} terminals, {p.Nets.Count} nets, block area {F(p.BlockArea)}");
        Console.WriteLine(p.Outline is var (ow, oh) ? $"outline   {F(ow, "N1")} x {F(oh, "N1")} (fixed)" : "outline   free");
        Console.WriteLine($"packing   {F(r.PackingWidth, "N1")} x {F(r.PackingHeight, "N1")} = {F(r.PackingWidth * r.PackingHeight)} ({F(r.PackingWidth * r.PackingHeight / 1e6, "N4")} mm2 in um units)");
        Console.WriteLine($"die area  {F(r.DieArea)}");
        // The packing's own dead space is the area-only figure the literature reports; in a fixed outline the outline's is printed beside it.
        Console.WriteLine($"dead space: {F(100 * (1 - p.BlockArea / (r.PackingWidth * r.PackingHeight)), "N2")} %");
        if (p.Outline is not null) Console.WriteLine($"outline dead space: {F(100 * r.DeadSpace, "N2")} %");
        Console.WriteLine($"HPWL      {F(r.Wirelength)} (block centres and terminals)");
        Console.WriteLine($"time      {F(r.Runtime.TotalSeconds, "N2")} s, {F(r.Moves)} moves, seed {r.Seed}, legal {r.IsLegal()}");
    }
}
