using FlowRunner.Tech.CellLibrary;

namespace FlowRunner.Tech;

/// <summary>Locates a tech's standard-cell files: the installed library (folder overridable by environment) or the Liberty FlowRunner generates.</summary>
public static class StandardCells
{
    /// <summary>The folder of an installed library: the environment variable named by stdcells.dir_env when set, else stdcells.dir (relative to the tech folder).</summary>
    public static string? LibraryFolder(TechDescription tech)
    {
        var s = tech.StdCells;
        var fromEnv = s.DirEnv is null ? null : Environment.GetEnvironmentVariable(s.DirEnv);
        var dir = string.IsNullOrWhiteSpace(fromEnv) ? s.Dir : fromEnv;
        return dir is null ? null : Path.GetFullPath(Path.IsPathRooted(dir) ? dir : Path.Combine(tech.Directory, dir));
    }

    /// <summary>The Liberty file synthesis and timing use. Generated libraries are written into <paramref name="generatedDirectory"/> (same content every time).</summary>
    /// <exception cref="FileNotFoundException">The installed library is missing; the message says how to point FlowRunner at it.</exception>
    public static string LibertyPath(TechDescription tech, string generatedDirectory)
    {
        if (tech.StdCells.Generate) return GenericLibertyGenerator.WriteFile(tech, generatedDirectory);
        return Existing(tech, tech.StdCells.Liberty!, "liberty");
    }

    /// <summary>The standard-cell LEF, or null when the tech has none (generated libraries have no layout).</summary>
    public static string? LefPath(TechDescription tech) =>
        tech.StdCells.Generate || string.IsNullOrWhiteSpace(tech.StdCells.Lef) ? null : Existing(tech, tech.StdCells.Lef, "lef");

    private static string Existing(TechDescription tech, string file, string key)
    {
        var folder = LibraryFolder(tech) ?? tech.Directory;
        var path = Path.GetFullPath(Path.IsPathRooted(file) ? file : Path.Combine(folder, file));
        if (File.Exists(path)) return path;
        var hint = tech.StdCells.DirEnv is { } env ? $"set {env} to the folder holding it, or " : "";
        throw new FileNotFoundException(
            $"{tech.File}: `stdcells.{key}`: '{path}' does not exist; {hint}change stdcells.dir (for osu018 install Debian's qflow-tech-osu018)", path);
    }
}
