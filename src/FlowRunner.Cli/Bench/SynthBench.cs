using System.Globalization;
using FlowRunner.Abstractions;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Tools;
using FlowRunner.Hls.Schedule;
using FlowRunner.Stages.Synthesis;
using FlowRunner.Tech;
using FlowRunner.Tech.Liberty;
using Spectre.Console;

using FlowRunner.Stages.Hls;

namespace FlowRunner.Cli.Bench;

/// <summary>Synthesis: the analytical model's per-operator error against Yosys + OpenSTA on both techs, and Yosys against analytical on given hls.emit folders.</summary>
public static class SynthBench
{
    private static readonly string[] TechNames = ["osu018", "generic45"];

    private sealed class QuietLog : IStageLog
    {
        public void Info(string message) { }
        public void Warn(string message) { }
        public void Progress(double fraction, string status) { }
    }

    /// <summary>`flowrunner bench synth [LABEL=]FOLDER...`: the calibration table, then one row per folder and tech.</summary>
    public static async Task<int> RunAsync(bool quick, string workDirectory, IReadOnlyList<string> folders, CancellationToken ct, bool calibrate = true, BenchFigures? figures = null)
    {
        var loader = Loader();
        if (loader is null)
        {
            Console.Error.WriteLine("synth bench: no tech/ folder found above the current directory; run it from the FlowRunner checkout");
            return 1;
        }
        if (new ToolLocator().Find("yosys") is null)
        {
            Console.Error.WriteLine("synth bench: yosys is not installed");
            return 1;
        }
        // Tables are wider than the 80 columns Spectre assumes when the output goes to a file.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 180);
        figures ??= new BenchFigures();
        if (calibrate) await CalibrationAsync(loader, quick, workDirectory, ct, figures);
        if (folders.Count > 0)
        {
            var points = folders.Select(f => f.Contains('=') ? (f[..f.IndexOf('=')], f[(f.IndexOf('=') + 1)..]) : (Path.GetFileName(Path.TrimEndingDirectorySeparator(f)), f)).ToList();
            await ComparePointsAsync(points, workDirectory, ct, figures);
        }
        else
        {
            AnsiConsole.MarkupLine("No hls.emit folders given: [grey]flowrunner bench synth [[LABEL=]]FOLDER...[/] compares Yosys and analytical on each (FOLDER holds schedule.json and rtl/).");
        }
        return 0;
    }

    private static TechLoader? Loader()
    {
        var root = TechLoader.FindTechRoot(Directory.GetCurrentDirectory()) ?? TechLoader.FindTechRoot(AppContext.BaseDirectory);
        return root is null ? null : new TechLoader(root);
    }

    /// <summary>Per tech: each calibration operator synthesized alone; the stored calibration's error, and the factors a fresh fit gives.</summary>
    public static async Task CalibrationAsync(TechLoader loader, bool quick, string workDirectory, CancellationToken ct, BenchFigures figures)
    {
        var timing = new ToolLocator().Find("sta") is not null;
        foreach (var name in TechNames)
        {
            var tech = loader.Load(name);
            var dir = Path.Combine(workDirectory, "cal-" + name);
            Directory.CreateDirectory(dir);
            var liberty = StandardCells.LibertyPath(tech, dir);
            var library = LibertyReader.ReadFile(liberty);
            var cells = CellCatalog.From(library);
            var tools = new ToolRunner(dir, new QuietLog(), RetrySpec.Default, new ToolLocator());
            var points = new List<CalibrationPoint>();
            foreach (var (o, i) in SynthCalibration.DefaultCases(quick).Select((o, i) => (o, i)))
            {
                ct.ThrowIfCancellationRequested();
                points.Add(await SynthCalibration.MeasureAsync(tools, Path.Combine(dir, $"op{i:D2}"), o, liberty, library, tech.SupplyV, timing, ct));
            }
            var stored = AnalyticalCalibration.For(name);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("operator", "yosys um2", "model um2", "error", "sta ns", "model ns", "error", "yosys s");
            foreach (var p in points)
            {
                var delayError = SynthCalibration.DelayError(p, cells, stored);
                figures.Add($"{name} {p.Operator.ToString()[4..]} area, model", SynthCalibration.ModelArea(p.Operator, cells, stored), "um2", 1, "yosys", p.YosysAreaUm2);
                table.AddRow(p.Operator.ToString()[4..], F(p.YosysAreaUm2), F(SynthCalibration.ModelArea(p.Operator, cells, stored)),
                    Pct(SynthCalibration.AreaError(p, cells, stored)), p.DelayNs is { } d ? d.ToString("F3", CultureInfo.InvariantCulture) : "-",
                    p.Operator.Kind == "reg" ? "-" : SynthCalibration.ModelDelay(p.Operator, cells, stored).ToString("F3", CultureInfo.InvariantCulture),
                    delayError is { } e ? Pct(e) : "-", p.YosysTime.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture));
            }
            AnsiConsole.MarkupLine($"[bold]Calibration on {name}[/] ({Path.GetFileName(liberty)}; reference cells {string.Join(", ", cells.CellNames.Select(kv => $"{kv.Key} {kv.Value}"))}; gate delay {cells.GateDelayNs:F4} ns, register overhead {cells.RegisterOverheadNs:F4} ns)");
            AnsiConsole.Write(table);

            var fit = SynthCalibration.Fit(name, points, cells, stored.ControlShare);
            var summary = new Table().Border(TableBorder.Rounded).AddColumns("kind", "stored: area scale, base, delay base, per bit", "fitted now", "max |area error| stored", "max |area error| fitted", "max |delay error| stored");
            foreach (var kind in ScheduleRecord.OperatorKinds)
            {
                var ps = points.Where(p => p.Operator.Kind == kind).ToList();
                if (ps.Count == 0) continue;
                var delays = ps.Select(p => SynthCalibration.DelayError(p, cells, stored)).OfType<double>().ToList();
                summary.AddRow(kind, K(stored.Of(kind)), K(fit.Of(kind)),
                    Pct(ps.Max(p => Math.Abs(SynthCalibration.AreaError(p, cells, stored)))),
                    Pct(ps.Max(p => Math.Abs(SynthCalibration.AreaError(p, cells, fit)))),
                    delays.Count == 0 ? "-" : Pct(delays.Max(Math.Abs)));
            }
            AnsiConsole.Write(summary);
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"MAC lane: edge full adders per operand bit stored {stored.MacEdge:F3}, fitted now {fit.MacEdge:F3}; tree gates stored {stored.MacTreeGates:F2}, fitted {fit.MacTreeGates:F2}; adder delay share stored {stored.MacAddShare:F3}, fitted now {fit.MacAddShare:F3}"));
            AnsiConsole.MarkupLine($"[grey]fitted, as code:[/] {Markup.Escape(AsCode(fit))}");
        }
    }

    /// <summary>Runs the yosys and analytical adapters on each hls.emit folder on both techs and prints areas, their ratio and the Yosys time.</summary>
    public static async Task ComparePointsAsync(IReadOnlyList<(string Label, string HlsFolder)> points, string workDirectory, CancellationToken ct, BenchFigures figures)
    {
        var loader = Loader() ?? throw new InvalidOperationException("no tech/ folder found");
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("point", "tech", "yosys um2", "analytical um2", "ratio", "yosys FF", "model FF", "sta path ns", "model path ns", "yosys s");
        var fits = TechNames.ToDictionary(t => t, _ => new List<WholeDesignPoint>());
        foreach (var (label, folder) in points)
            foreach (var tech in TechNames)
            {
                ct.ThrowIfCancellationRequested();
                var y = await RunAdapterAsync(new YosysSynthAdapter(), label, folder, loader.PathOf(tech), Path.Combine(workDirectory, $"{label}-{tech}-yosys"), ct);
                var analyticalDir = Path.Combine(workDirectory, $"{label}-{tech}-analytical");
                var a = await RunAdapterAsync(new AnalyticalSynthAdapter(), label, folder, loader.PathOf(tech), analyticalDir, ct);
                double M(StageResult r, string n) => r.Metrics.FirstOrDefault(m => m.Name == n)?.Value ?? double.NaN;
                // The same design without the whole-design factors: what they are fitted on.
                var setup = SynthSetup.From(Context(new AnalyticalSynthAdapter(), label, folder, loader.PathOf(tech), analyticalDir));
                var cells = CellCatalog.From(setup.Library);
                var bare = AnalyticalModel.Estimate(setup.Schedule.Record.Operators, cells,
                    AnalyticalCalibration.For(tech) with { DesignScale = 1, PathScale = 1, SelectLoadGates = 0 });
                fits[tech].Add(new WholeDesignPoint(label, M(y, "logic_area_um2"), bare.LogicAreaUm2, M(y, "critical_path_ns"), bare.CriticalPathNs - cells.RegisterOverheadNs,
                    AnalyticalModel.SelectLoads(setup.Schedule.Record.Operators) * cells.GateDelayNs, cells.RegisterOverheadNs));
                figures.Add($"{label} {tech} logic area, analytical", M(a, "logic_area_um2"), "um2", 1, "yosys", M(y, "logic_area_um2"));
                table.AddRow(label, tech, F(M(y, "logic_area_um2")), F(M(a, "logic_area_um2")),
                    (M(a, "logic_area_um2") / M(y, "logic_area_um2")).ToString("F3", CultureInfo.InvariantCulture),
                    F(M(y, "flip_flops")), F(M(a, "flip_flops")), M(y, "critical_path_ns").ToString("F3", CultureInfo.InvariantCulture),
                    M(a, "critical_path_ns").ToString("F3", CultureInfo.InvariantCulture), M(y, "synth_runtime_s").ToString("F1", CultureInfo.InvariantCulture));
            }
        AnsiConsole.MarkupLine("[bold]Yosys against analytical[/] (ratio = analytical / yosys; target within 15%)");
        AnsiConsole.Write(table);
        foreach (var (tech, ps) in fits.Where(f => f.Value.Count > 0)) PrintWholeDesignFit(tech, ps);
    }

    /// <summary>One accelerator as the whole-design fit sees it: Yosys's area and OpenSTA's path against the operator model's bare area, MAC
    /// path (without the register overhead) and select-load delay.</summary>
    private sealed record WholeDesignPoint(string Label, double YosysArea, double BareArea, double StaPathNs, double MacPathNs, double SelectLoadNs, double OverheadNs);

    /// <summary>Least squares on the relative error: DesignScale for the area; PathScale and SelectLoadGates for the path (where OpenSTA timed it).
    /// Prints the factors with the worst error they leave, and the worst error when each point is predicted from the others.</summary>
    private static void PrintWholeDesignFit(string tech, IReadOnlyList<WholeDesignPoint> ps)
    {
        static double Scale(IEnumerable<WholeDesignPoint> q) => q.Sum(p => p.BareArea / p.YosysArea) / q.Sum(p => Math.Pow(p.BareArea / p.YosysArea, 2));
        var scale = Scale(ps);
        var worst = ps.Max(p => Math.Abs(scale * p.BareArea / p.YosysArea - 1));
        var loo = ps.Count < 3 ? double.NaN : ps.Max(p => Math.Abs(Scale(ps.Where(q => q != p)) * p.BareArea / p.YosysArea - 1));
        var stored = AnalyticalCalibration.For(tech);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{tech}: DesignScale stored {stored.DesignScale:F4}, fitted {scale:F4}: worst area error {worst:P1}, {loo:P1} leaving each point out");
        var timed = ps.Where(p => double.IsFinite(p.StaPathNs) && p.StaPathNs > 0).ToList();
        if (timed.Count >= 3)
        {
            static (double P, double S) Path(IReadOnlyList<WholeDesignPoint> q)
            {
                // Rows [mac/y, load/y] against 1 - overhead/y: the 2x2 normal equations.
                double a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0;
                foreach (var p in q)
                {
                    double x1 = p.MacPathNs / p.StaPathNs, x2 = p.SelectLoadNs / p.StaPathNs, t = 1 - p.OverheadNs / p.StaPathNs;
                    a11 += x1 * x1; a12 += x1 * x2; a22 += x2 * x2; b1 += x1 * t; b2 += x2 * t;
                }
                var det = a11 * a22 - a12 * a12;
                return Math.Abs(det) < 1e-12 ? (b1 / a11, 0) : ((b1 * a22 - b2 * a12) / det, (a11 * b2 - a12 * b1) / det);
            }
            static double Err(WholeDesignPoint p, (double P, double S) f) => Math.Abs((p.OverheadNs + f.P * p.MacPathNs + f.S * p.SelectLoadNs) / p.StaPathNs - 1);
            var path = Path(timed);
            var looPath = timed.Max(p => Err(p, Path(timed.Where(q => q != p).ToList())));
            line += string.Create(CultureInfo.InvariantCulture,
                $"; PathScale stored {stored.PathScale:F4}, fitted {path.P:F4}, SelectLoadGates stored {stored.SelectLoadGates:F4}, fitted {path.S:F4}: worst path error {timed.Max(p => Err(p, path)):P1}, {looPath:P1} leaving each point out");
        }
        AnsiConsole.WriteLine(line);
    }

    private static async Task<StageResult> RunAdapterAsync(IToolAdapter adapter, string label, string hlsFolder, string techFile, string directory, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        return await adapter.RunAsync(Context(adapter, label, hlsFolder, techFile, directory), ct);
    }

    private static StageContext Context(IToolAdapter adapter, string label, string hlsFolder, string techFile, string directory)
    {
        var hls = Path.GetFullPath(hlsFolder);
        var log = new QuietLog();
        return new StageContext
        {
            StageId = "synth",
            Kind = SynthStage.KindName,
            AdapterId = adapter.Id,
            PointId = label,
            Directory = directory,
            Options = new StageOptions("synth", new Dictionary<string, object?>()),
            Parameters = new Dictionary<string, object?>(),
            Inputs = [new StageOutput("hls", "hls.emit", "emit", hls, [], [new Artifact("schedule", "schedule.json")])],
            Needs = ["hls"],
            TechName = Path.GetFileName(Path.GetDirectoryName(techFile)),
            TechFile = techFile,
            RecipeDirectory = hls,
            DataDirectory = Path.Combine(directory, ".flowrunner"),
            Seed = 1,
            Log = log,
            Tools = new ToolRunner(directory, log, RetrySpec.Default, new ToolLocator()),
            Locator = new ToolLocator(),
        };
    }

    private static string AsCode(AnalyticalCalibration c) =>
        string.Join(" ", ScheduleRecord.OperatorKinds.Select(k => string.Create(CultureInfo.InvariantCulture,
            $"[\"{k}\"] = new({c.Of(k).AreaScale:F4}, {c.Of(k).AreaBase:F4}, {c.Of(k).DelayBase:F4}, {c.Of(k).DelayPerBit:F4}),")))
        + string.Create(CultureInfo.InvariantCulture, $" MacEdge = {c.MacEdge:F4}, MacAddShare = {c.MacAddShare:F4}, MacTreeGates = {c.MacTreeGates:F3}");

    private static string F(double v) => double.IsNaN(v) ? "-" : v.ToString("N0", CultureInfo.InvariantCulture);

    private static string Pct(double v) => (v * 100).ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + "%";

    private static string K(KindCalibration k) => string.Create(CultureInfo.InvariantCulture, $"{k.AreaScale:F4}, {k.AreaBase:F4}, {k.DelayBase:F3}, {k.DelayPerBit:F4}");
}
