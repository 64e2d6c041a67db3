using System.Globalization;

namespace FlowRunner.Cli.Bench;

/// <summary>`bench physical FOLDER...`: the seconds place.route spent placing and routing, and pre- against post-route critical path, fmax and
/// power, read from the place_route.json of every place.route stage under the given run or stage folders (the measurements of real runs).</summary>
public static class PhysicalBench
{
    public static int Run(IReadOnlyList<string> folders)
    {
        var files = folders.SelectMany(f => File.Exists(f) ? [f] : Directory.Exists(f)
            ? Directory.EnumerateFiles(f, "place_route.json", SearchOption.AllDirectories) : []).Distinct().OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (files.Count == 0)
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
        return 0;
    }
}
