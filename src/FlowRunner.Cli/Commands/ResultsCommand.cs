using System.CommandLine;
using System.Text;
using System.Text.Json;
using FlowRunner.Cli.Terminal;
using FlowRunner.Engine.Expressions;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Results;
using Spectre.Console;

namespace FlowRunner.Cli.Commands;

/// <summary>`flowrunner results`: design points of a run with their parameters and metrics, as a table, CSV or JSON, filtered by an expression.</summary>
internal static class ResultsCommand
{
    /// <summary>Metrics a table shows first when they exist: the PPA headline.</summary>
    private static readonly string[] Headline = ["accuracy", "latency_us", "power_mw", "area_um2", "energy_per_inference_uj", "fmax_mhz", "speedup_vs_software"];

    public static Command Create()
    {
        var run = new Option<string?>("--run") { Description = "Run id, or a recipe name for its latest run (default: the latest run)" };
        var format = new Option<string>("--format") { Description = "table, csv or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        var where = new Option<string?>("--where") { Description = "Keep points for which this expression holds, e.g. \"accuracy >= 0.97 and word <= 8\"" };
        var columns = new Option<string?>("--columns") { Description = "Comma-separated columns to show, in order: point, status, label, parameters, metrics (plain or stage.metric), e.g. --columns point,word,accuracy,area_um2" };
        var list = new Option<bool>("--runs") { Description = "List the runs instead" };
        var cmd = new Command("results", "Query the results store (.flowrunner/results.db).") { run, format, where, columns, list };
        cmd.SetAction(r =>
        {
            var file = ResultsStore.DefaultPath(GlobalOptions.WorkspaceOf(r));
            if (!File.Exists(file)) return ErrorReport.Usage($"no results yet ({file} does not exist): run a recipe first");
            using var store = new ResultsStore(file);
            if (r.GetValue(list))
            {
                var t = new Table().Border(TableBorder.Rounded).AddColumns("run", "recipe", "status", "started");
                foreach (var x in store.Runs()) t.AddRow(x.RunId, Markup.Escape(x.Recipe), x.Status, x.Started.ToString("yyyy-MM-dd HH:mm:ss"));
                AnsiConsole.Write(t);
                return 0;
            }
            var chosen = Resolve(store, r.GetValue(run));
            if (chosen is null) return ErrorReport.Usage($"no run '{r.GetValue(run)}' in {file} (`flowrunner results --runs` lists them)");
            var all = store.Points(chosen.RunId).ToList();
            var points = all;
            if (r.GetValue(where) is { } w)
            {
                Expression expr;
                try { expr = Expression.Parse(w); }
                catch (FormatException e) { return ErrorReport.Usage($"--where: {e.Message}"); }
                if (all.Any(p => p.Metrics.Count > 0) && MetricNames.Unknown(expr, all) is { } unknown)
                    return ErrorReport.Usage($"--where: {unknown}");
                points = all.Where(p => { try { return expr.IsTrue(p.Lookup); } catch (FormatException) { return false; } }).ToList();
            }
            var cols = DefaultColumns(all);
            if (r.GetValue(columns) is { } c)
            {
                var asked = c.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
                var known = MetricNames.Known(all).Append("status").ToHashSet();
                if (asked.FirstOrDefault(a => !known.Contains(a)) is { } bad)
                    return ErrorReport.Usage($"--columns: no column '{bad}'{RecipeLoader.Suggest(bad, cols.Concat(known))} (columns: {string.Join(", ", cols)})");
                if (asked.Count == 0) return ErrorReport.Usage("--columns: name at least one column");
                cols = asked.Distinct().ToList();
            }
            Print(chosen, points, cols, r.GetValue(format)!);
            return 0;
        });
        return cmd;
    }

    /// <summary>A run id, a recipe name (its latest run), or null for the latest run of all.</summary>
    public static RunRow? Resolve(ResultsStore store, string? idOrRecipe)
    {
        var runs = store.Runs();
        if (idOrRecipe is null) return runs.FirstOrDefault();
        return runs.FirstOrDefault(x => x.RunId == idOrRecipe) ?? runs.FirstOrDefault(x => x.Recipe == idOrRecipe);
    }

    /// <summary>point, status, the parameters, the headline metrics, then every other shown metric (each name once).</summary>
    private static List<string> DefaultColumns(IReadOnlyList<PointResult> points)
    {
        var metrics = MetricNames.Columns(points);
        var pars = points.SelectMany(p => p.Params.Keys).Distinct();
        return new[] { "point", "status" }.Concat(pars).Concat(Headline.Where(metrics.Contains)).Concat(metrics.Except(Headline)).Distinct().ToList();
    }

    private static string Cell(PointResult p, string column, Func<object?, string> number) => column switch
    {
        "point" => p.PointId,
        "label" => p.Label,
        "status" => p.State,
        _ when p.Params.TryGetValue(column, out var v) => number(v),
        _ when p.Metrics.TryGetValue(column, out var v) => number(v),
        _ => "",
    };

    private static void Print(RunRow run, IReadOnlyList<PointResult> points, IReadOnlyList<string> columns, string format)
    {
        switch (format)
        {
            case "json":
                var metricCols = columns.Where(c => c is not ("point" or "status" or "label") && points.Any(p => p.Metrics.ContainsKey(c))).ToList();
                Console.WriteLine(JsonSerializer.Serialize(points.Select(p => new
                {
                    run = run.RunId, point = p.PointId, label = p.Label, status = p.State, @params = p.Params,
                    metrics = metricCols.Where(m => p.Metrics.TryGetValue(m, out var v) && double.IsFinite(v)).ToDictionary(m => m, m => p.Metrics[m]),
                }), new JsonSerializerOptions { WriteIndented = true }));
                break;
            case "csv":
                var sb = new StringBuilder();
                sb.AppendLine(string.Join(",", new[] { "run" }.Concat(columns).Select(Csv)));
                foreach (var p in points)
                    sb.AppendLine(string.Join(",", new[] { run.RunId }.Concat(columns.Select(c => Cell(p, c, Raw))).Select(Csv)));
                Console.Write(sb);
                break;
            default:
                AnsiConsole.Profile.Width = ConsoleWidth();
                AnsiConsole.MarkupLine($"run [bold]{run.RunId}[/] of {Markup.Escape(run.Recipe)} ({run.Status}), {points.Count} point(s)");
                var cells = points.Select(p => columns.Select(c => Cell(p, c, Figures.Format)).ToArray()).ToList();
                var (shown, hidden) = Fit(columns, cells, AnsiConsole.Profile.Width);
                var t = new Table().Border(TableBorder.Rounded);
                foreach (var i in shown)
                {
                    var col = new TableColumn(Markup.Escape(columns[i])).NoWrap();
                    if (cells.Count > 0 && cells.All(row => row[i].Length == 0 || char.IsDigit(row[i][^1]))) col.RightAligned();
                    t.AddColumn(col);
                }
                foreach (var row in cells) t.AddRow(shown.Select(i => Markup.Escape(row[i])).ToArray());
                AnsiConsole.Write(t);
                if (hidden.Count > 0)
                    Console.WriteLine($"{hidden.Count} more column(s) do not fit in {AnsiConsole.Profile.Width} characters: {string.Join(", ", hidden.Select(i => columns[i]))}. " +
                                      "Choose with --columns a,b,c, widen the terminal (or set COLUMNS), or use --format csv.");
                break;
        }
    }

    /// <summary>The columns that fit side by side, in order (the first always), and the ones left out.</summary>
    private static (List<int> Shown, List<int> Hidden) Fit(IReadOnlyList<string> columns, IReadOnlyList<string[]> rows, int width)
    {
        var shown = new List<int>();
        var hidden = new List<int>();
        var used = 1; // the left border
        for (var i = 0; i < columns.Count; i++)
        {
            var w = Math.Max(columns[i].Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length)) + 3; // padding and the border
            if (shown.Count == 0 || used + w <= width) { shown.Add(i); used += w; }
            else hidden.Add(i);
        }
        return (shown, hidden);
    }

    /// <summary>COLUMNS when set, else the terminal's width; piped output is not cut.</summary>
    private static int ConsoleWidth()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var c) && c > 20) return c;
        if (!Console.IsOutputRedirected)
            try { if (Console.WindowWidth > 20) return Console.WindowWidth; } catch (IOException) { }
        return 10_000;
    }

    private static string Raw(object? v) => v switch
    {
        double d => double.IsFinite(d) ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "",
        _ => Figures.Format(v),
    };

    private static string Csv(string s) => s.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
