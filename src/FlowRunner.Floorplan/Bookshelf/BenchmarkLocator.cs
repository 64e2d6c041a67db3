namespace FlowRunner.Floorplan.Bookshelf;

/// <summary>Finds a block-packing benchmark by path or by name (ami33) in the benchmark folder: $FLOWRUNNER_FLOORPLAN_BENCHMARKS, else the repository's `flows/floorplan-benchmarks` (ami33, ami49), a `floorplan-benchmarks` or `shared/floorplan-benchmarks` folder above the current or program directory.</summary>
public static class BenchmarkLocator
{
    public const string EnvironmentVariable = "FLOWRUNNER_FLOORPLAN_BENCHMARKS";

    /// <summary>The .blocks file for FILE (a path with or without .blocks, or a benchmark name), or null.</summary>
    public static string? Resolve(string file)
    {
        foreach (var candidate in new[] { file, file + ".blocks" })
            if (File.Exists(candidate)) return Path.GetFullPath(candidate);
        var folder = Folder();
        if (folder is null) return null;
        var name = Path.GetFileName(file);
        foreach (var candidate in new[] { Path.Combine(folder, name), Path.Combine(folder, name + ".blocks") })
            if (File.Exists(candidate) && candidate.EndsWith(".blocks", StringComparison.Ordinal)) return candidate;
        return null;
    }

    /// <summary>The benchmark folder, or null when none is found.</summary>
    public static string? Folder()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env && Directory.Exists(env)) return Path.GetFullPath(env);
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                foreach (var sub in new[] { Path.Combine("flows", "floorplan-benchmarks"), "floorplan-benchmarks", Path.Combine("shared", "floorplan-benchmarks") })
                {
                    var p = Path.Combine(d.FullName, sub);
                    if (Directory.Exists(p)) return p;
                }
        return null;
    }
}
