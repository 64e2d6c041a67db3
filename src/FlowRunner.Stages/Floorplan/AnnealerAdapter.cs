using FlowRunner.Abstractions;
using FlowRunner.Stages.Services;
using FlowRunner.Floorplan.Annealing;
using FlowRunner.Floorplan.Model;
using FlowRunner.Floorplan.Output;
using FlowRunner.Tech;

namespace FlowRunner.Stages.Floorplan;

/// <summary>Adapter "annealer" of `floorplan`: FlowRunner's sequence-pair simulated-annealing floor planner, in process.</summary>
public sealed class AnnealerAdapter : IToolAdapter
{
    public string StageKind => FloorplanStage.KindName;
    public string Id => "annealer";
    public int Priority => 10;
    public IReadOnlyList<string> RequiredTools => [];

    public Task<IReadOnlyList<ToolInfo>> ProbeAsync(IToolLocator locator, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ToolInfo>>([]);

    public Task<StageResult> RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        var settings = FloorplanSettings.From(context);
        var inputs = FloorplanInputs.Gather(context);
        var problem = Problem(inputs, settings);
        context.Log.Info($"{inputs.Macros.Count} macros ({inputs.Macros.Sum(m => m.WidthUm * m.HeightUm):N0} um2), logic {inputs.LogicAreaUm2:N0} um2 from {inputs.LogicSource} at utilization {settings.Utilization} -> cell region {inputs.LogicAreaUm2 / settings.Utilization:N0} um2; {problem.Nets.Count} nets; " +
            (problem.Outline is var (w, h) ? $"fixed outline {w} x {h} um" : $"free outline, aspect {settings.Aspect}") + $"; halo {settings.HaloUm} um, seed {settings.Seed}");

        FloorplanResult result;
        try
        {
            result = Annealer.Run(problem, new AnnealOptions
            {
                Seed = settings.Seed,
                WirelengthWeight = settings.WirelengthWeight,
                Aspect = settings.Aspect,
                MovesScale = settings.Moves,
                Chains = settings.Chains,
                Threads = Math.Max(1, context.Threads),
                PinTarget = FloorplanInputs.LogicBlock,
            }, cancellationToken);
        }
        catch (FloorplanException e)
        {
            throw new StageFailedException($"stage '{context.StageId}': {e.Message}", e);
        }
        context.Log.Info($"die {result.DieWidth:N1} x {result.DieHeight:N1} um, dead space {100 * result.DeadSpace:N1} %, HPWL {result.Wirelength:N0} um, {result.Moves:N0} moves in {result.Runtime.TotalSeconds:N2} s");

        var design = settings.Design.Length > 0 ? settings.Design : inputs.Top;
        var dbu = inputs.Macros.Count > 0 ? inputs.Macros.Min(m => m.DatabaseMicrons) : 1000;
        var tech = context.TechFile is null ? null : context.Tech();
        var views = tech?.Memory.Views;
        DefWriter.WriteFile(context.PathOf("floorplan.def"), result, new DefOptions(design)
        {
            DatabaseMicrons = dbu,
            Rows = Rows(context, settings),
            Pins = inputs.Ports,
            PinShape = views is { PinLayer.Length: > 0 } ? (views.PinLayer, views.PinWidthUm, views.PinLengthUm) : ("metal2", 0.3, 1.0),
        });
        // The tech LEF (layers, vias, site, cells) beside the DEF, so that a reader needs only these files and the macros' LEFs.
        var techLef = tech is null ? null : TechLef(tech);
        if (techLef is not null) File.Copy(techLef, context.PathOf("tech.lef"), true);
        SvgWriter.WriteFile(context.PathOf("floorplan.svg"), result, nets: false);

        var macroArea = inputs.Macros.Sum(m => m.WidthUm * m.HeightUm);
        var metrics = new List<Metric>
        {
            new("die_area_um2", Math.Round(result.DieArea, 3), "um2"),
            new("die_width_um", Math.Round(result.DieWidth, 3), "um"),
            new("die_height_um", Math.Round(result.DieHeight, 3), "um"),
            new("utilization", (macroArea + inputs.LogicAreaUm2) / result.DieArea),
            new("dead_space", result.DeadSpace),
            new("wirelength_um", Math.Round(result.Wirelength, 3), "um"),
            new("floorplan_runtime_s", Math.Round(result.Runtime.TotalSeconds, 3), "s"),
            new("floorplan_macros", inputs.Macros.Count),
        };
        File.WriteAllText(context.PathOf("floorplan.json"), Manifest(context, inputs, settings, result, design, metrics).ToJson());

        var artifacts = new List<Artifact>
        {
            new("def", "floorplan.def", "DEF: DIEAREA, macros as FIXED COMPONENTS (oriented, with halos), the cell region as a REGION or ROWs, the top's PINS; read with tech.lef and the macros' LEFs"),
            new("svg", "floorplan.svg", "picture of the floor plan: die, macros labelled, cell region shaded"),
            new("floorplan", "floorplan.json", "placements of the macros and the cell region, nets, metrics"),
        };
        if (techLef is not null) artifacts.Add(new("tech_lef", "tech.lef", "the tech's LEF (layers, vias, sites, standard cells) the DEF needs"));
        return Task.FromResult(new StageResult(metrics, (IReadOnlyList<Artifact>)artifacts));
    }

    private static FloorplanProblem Problem(FloorplanInputs inputs, FloorplanSettings s)
    {
        var blocks = inputs.Macros.Select(m => new FloorplanBlock(m.Entry.Name, m.WidthUm, m.HeightUm)
        {
            Cell = m.Cell,
            Halo = s.HaloUm,
            PinEdge = s.PinEdge ?? ParseEdge(m.Entry.PinEdge),
            Source = m.LefPath,
        }).ToList();
        blocks.Add(FloorplanBlock.SoftRegion(FloorplanInputs.LogicBlock, inputs.LogicAreaUm2 / s.Utilization, 1 / s.CellAspectMax, s.CellAspectMax));
        var index = blocks.Select((b, i) => (b.Name, i)).ToDictionary(t => t.Name, t => t.i, StringComparer.Ordinal);
        var nets = inputs.Nets.Select(n => new Net(n.Name, n.Macros.Where(index.ContainsKey).Select(m => index[m]).Distinct().ToList(), [], n.Weight))
            .Where(n => n.Blocks.Count > 1).ToList();
        var problem = new FloorplanProblem("floorplan", blocks, [], nets);
        return s.DieWidthUm > 0 ? problem.WithOutline(s.DieWidthUm, s.DieHeightUm) : problem;
    }

    /// <summary>The tech's installed LEF, or null when it has none (generic45 generates a Liberty but no layout views).</summary>
    private static string? TechLef(TechDescription tech)
    {
        try { return StandardCells.LefPath(tech); }
        catch (FileNotFoundException) { return null; }
    }

    internal static PinEdge ParseEdge(string? edge) => edge?.ToLowerInvariant() switch
    {
        "bottom" => PinEdge.Bottom,
        "top" => PinEdge.Top,
        "left" => PinEdge.Left,
        "right" => PinEdge.Right,
        _ => PinEdge.None,
    };

    private static (string, double, double)? Rows(StageContext context, FloorplanSettings s)
    {
        if (s.RowSite.Length == 0) return null;
        var tech = context.Tech("`with.row_site`: its row height and site width");
        return (s.RowSite, tech.Rows.HeightUm, tech.Rows.SiteUm);
    }

    private static FloorplanJson Manifest(StageContext context, FloorplanInputs inputs, FloorplanSettings s, FloorplanResult r, string design, List<Metric> metrics)
    {
        static FloorplanRect Rect(PlacedBlock b) => new(Math.Round(b.X, 4), Math.Round(b.Y, 4), Math.Round(b.Width, 4), Math.Round(b.Height, 4));
        var cells = r[FloorplanInputs.LogicBlock];
        var macros = inputs.Macros.Select(m =>
        {
            var p = r[m.Entry.Name];
            return new PlacedMacroJson(m.Entry.Name, m.Cell, m.Entry.Logical, Rect(p), p.Orientation.ToString(), p.Halo, Path.GetRelativePath(context.Directory, m.LefPath).Replace('\\', '/'));
        }).ToList();
        var nets = r.Problem.Nets.Select(n => new NetJson(n.Name, n.Blocks.Select(i => r.Problem.Blocks[i].Name).ToList(), Math.Round(n.Weight, 4))).ToList();
        return new FloorplanJson(FloorplanJson.FormatName, design, new FloorplanRect(0, 0, Math.Round(r.DieWidth, 4), Math.Round(r.DieHeight, 4)), r.Problem.Outline is not null,
            new CellRegionJson(Rect(cells), inputs.LogicAreaUm2, s.Utilization, inputs.LogicSource), macros, nets, s.Seed,
            metrics.ToDictionary(m => m.Name, m => m.Value));
    }
}
