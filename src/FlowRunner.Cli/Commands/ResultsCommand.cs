using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FlowRunner.Engine.Expressions;
using FlowRunner.Engine.Results;
using Spectre.Console;

namespace FlowRunner.Cli.Commands;

/// <summary>`flowrunner results`: design points of a run with their parameters and metrics, as a table, CSV or JSON, filtered by an expression.</summary>
internal static class ResultsCommand
{
    public static Command Create()
    {
        var run = new Option<string?>("--run") { Description = "Run id, or a recipe name for its latest run (default: the latest run)" };
        var format = new Option<string>("--format") { Description = "table, csv or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        var where = new Option<string?>("--where") { Description = "Keep points for which this expression holds, e.g. \"accuracy >= 0.97 and word <= 8\"" };
        var list = new Option<bool>("--runs") { Description = "List the runs instead" };
        var cmd = new Command("results", "Query the results store (.flowrunner/results.db).") { run, format, where, list };
        cmd.SetAction(r =>
        {
            var file = ResultsStore.DefaultPath(GlobalOptions.WorkspaceOf(r));
            if (!File.Exists(file)) return Terminal.ErrorReport.Usage($"no results yet ({file} does not exist): run a recipe first");
            using var store = new ResultsStore(file);
            if (r.GetValue(list))
            {
                var t = new Table().Border(TableBorder.Rounded).AddColumns("run", "recipe", "status", "started");
                foreach (var x in store.Runs()) t.AddRow(x.RunId, Markup.Escape(x.Recipe), x.Status, x.Started.ToString("yyyy-MM-dd HH:mm:ss"));
                AnsiConsole.Write(t);
                return 0;
            }
            var chosen = Resolve(store, r.GetValue(run));
            if (chosen is null) return Terminal.ErrorReport.Usage($"no run '{r.GetValue(run)}' in {file} (`flowrunner results --runs` lists them)");
            var points = store.Points(chosen.RunId).ToList();
            if (r.GetValue(where) is { } w)
            {
                Expression expr;
                try { expr = Expression.Parse(w); }
                catch (FormatException e) { return Terminal.ErrorReport.Usage($"--where: {e.Message}"); }
                points = points.Where(p => { try { return expr.IsTrue(p.Lookup); } catch (FormatException) { return false; } }).ToList();
            }
            Print(chosen, points, r.GetValue(format)!);
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

    private static void Print(RunRow run, IReadOnlyList<PointResult> points, string format)
    {
        var pars = points.SelectMany(p => p.Params.Keys).Distinct().ToList();
        // Tables and CSV show each metric once (from the earliest stage that reports it); JSON also has every <stage>.<metric>.
        var metrics = points.SelectMany(p => p.Metrics.Keys).Where(k => !k.Contains('.')).Distinct().ToList();
        string Value(object? v) => v switch { double d => d.ToString("G6", CultureInfo.InvariantCulture), null => "", _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "" };
        string Status(PointResult p) => p.State;
        switch (format)
        {
            case "json":
                Console.WriteLine(JsonSerializer.Serialize(points.Select(p => new
                {
                    run = run.RunId, point = p.PointId, label = p.Label, status = Status(p), @params = p.Params,
                    metrics = p.Metrics.Where(kv => double.IsFinite(kv.Value)).ToDictionary(),
                }), new JsonSerializerOptions { WriteIndented = true }));
                break;
            case "csv":
                var sb = new StringBuilder();
                sb.AppendLine(string.Join(",", new[] { "run", "point", "status" }.Concat(pars).Concat(metrics)));
                foreach (var p in points)
                    sb.AppendLine(string.Join(",", new[] { run.RunId, p.PointId, Status(p) }
                        .Concat(pars.Select(k => Value(p.Params.GetValueOrDefault(k))))
                        .Concat(metrics.Select(m => p.Metrics.TryGetValue(m, out var v) ? Value(v) : "")).Select(Csv)));
                Console.Write(sb);
                break;
            default:
                AnsiConsole.MarkupLine($"run [bold]{run.RunId}[/] of {Markup.Escape(run.Recipe)} ({run.Status}), {points.Count} point(s)");
                var t = new Table().Border(TableBorder.Rounded).AddColumn("point").AddColumn("status");
                foreach (var k in pars) t.AddColumn(Markup.Escape(k));
                foreach (var m in metrics) t.AddColumn(Markup.Escape(m));
                foreach (var p in points)
                    t.AddRow(new[] { p.PointId, Status(p) }.Concat(pars.Select(k => Value(p.Params.GetValueOrDefault(k))))
                        .Concat(metrics.Select(m => p.Metrics.TryGetValue(m, out var v) ? Value(v) : "")).Select(Markup.Escape).ToArray());
                AnsiConsole.Write(t);
                break;
        }
    }

    private static string Csv(string s) => s.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
