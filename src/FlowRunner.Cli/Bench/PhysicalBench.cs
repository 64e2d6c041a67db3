using System.Globalization;

namespace FlowRunner.Cli.Bench;

/// <summary>`bench physical FOLDER...`: the seconds place.route spent placing and routing, and pre- against post-route critical path, fmax and
/// power, read from the place_route.json of every place.route stage under the given run or stage folders (the measurements of real runs);
/// then, for every point with a sim.gate stage, its gate-level simulation time per 100 images (from the images it simulated) and the
/// analytical, OpenSTA and gatesim powers its power stages reported, side by side.</summary>
public static class PhysicalBench
{
    public static int Run(IReadOnlyList<string> folders)
    {
        IReadOnlyList<string> Find(string name) => folders.SelectMany(f => File.Exists(f) && Path.GetFileName(f) == name ? [f] : Directory.Exists(f)
            ? Directory.EnumerateFiles(f, name, SearchOption.AllDirectories) : []).Distinct().OrderBy(f => f, StringComparer.Ordinal).ToList();
        var files = Find("place_route.json");
        var gateRuns = Find("gate_activity.json");
        if (files.Count == 0 && gateRuns.Count == 0)
        {
            Console.Error.WriteLine("physical bench: no place_route.json under " + string.Join(", ", folders) +
                "; run a recipe with a place.route stage first (flows/mnist-osu018.yaml) and pass its run folder");
            return 1;
        }
        static string F(double v, string format = "0.000") => v.ToString(format, CultureInfo.InvariantCulture);
        Console.WriteLine("stage folder | cells | placement s | routing s | wire um | failed | path pre ns | path post ns | fmax pre MHz | fmax post MHz | fmax post/pre | power pre mW | power post mW | power post/pre");
        foreach (var file in files)
        {
            var m = Stages.PlaceRoute.PlaceRouteRecord.Read(file).Metrics;
            double M(string name) => m.TryGetValue(name, out var v) ? v : double.NaN;
            Console.WriteLine(string.Join(" | ", Path.GetDirectoryName(Path.GetFullPath(file)), F(M("placed_cells"), "0"), F(M("placement_s"), "0.0"), F(M("routing_s"), "0.0"),
                F(M("wirelength_um"), "0"), F(M("failed_routes"), "0"), F(M("pre_route_critical_path_ns")), F(M("post_route_critical_path_ns")),
                F(M("pre_route_fmax_mhz"), "0.0"), F(M("post_route_fmax_mhz"), "0.0"), F(M("post_route_fmax_mhz") / M("pre_route_fmax_mhz")),
                F(M("pre_route_power_mw"), "0.0000"), F(M("post_route_power_mw"), "0.0000"), F(M("post_route_power_mw") / M("pre_route_power_mw"))));
        }
        if (gateRuns.Count == 0) return 0;
        Console.WriteLine();
        Console.WriteLine("point folder | nets | images | gate sim s | s per 100 images | analytical mW | OpenSTA mW | gatesim mW | analytical/gatesim | OpenSTA/gatesim");
        foreach (var file in gateRuns)
        {
            var stage = Path.GetDirectoryName(Path.GetFullPath(file))!;
            var point = Path.GetDirectoryName(stage)!;
            var sim = Metrics(Path.Combine(stage, "metrics.json"));
            // Every power stage of the point: the analytical model, OpenSTA and gatesim, whichever adapters ran.
            var powers = Directory.EnumerateDirectories(point).Select(d => Path.Combine(d, "metrics.json")).Where(File.Exists).Select(Metrics)
                .Where(m => m.ContainsKey("analytical_power_mw") || m.ContainsKey("opensta_power_mw") || m.ContainsKey("gatesim_power_mw")).ToList();
            double P(string name) => powers.Select(m => m.TryGetValue(name, out var v) ? v : double.NaN).FirstOrDefault(v => !double.IsNaN(v), double.NaN);
            double S(string name) => sim.TryGetValue(name, out var v) ? v : double.NaN;
            var (analytical, opensta, gatesim) = (P("analytical_power_mw"), P("opensta_power_mw"), P("gatesim_power_mw"));
            Console.WriteLine(string.Join(" | ", point, F(S("gate_nets"), "0"), F(S("gate_images_checked"), "0"), F(S("gate_sim_s"), "0.0"),
                F(S("gate_sim_s") / S("gate_images_checked") * 100, "0"), F(analytical, "0.000"), F(opensta, "0.000"), F(gatesim, "0.000"),
                F(analytical / gatesim), F(opensta / gatesim)));
        }
        return 0;
    }

    private static Dictionary<string, double> Metrics(string file)
    {
        if (!File.Exists(file)) return [];
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
        return doc.RootElement.EnumerateArray().Where(e => e.TryGetProperty("name", out _) && e.TryGetProperty("value", out var v) && v.ValueKind == System.Text.Json.JsonValueKind.Number)
            .GroupBy(e => e.GetProperty("name").GetString()!).ToDictionary(g => g.Key, g => g.First().GetProperty("value").GetDouble());
    }
}
