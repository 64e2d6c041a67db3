namespace FlowRunner.Floorplan.Tests;

/// <summary>Paths of the saved benchmark files and a scratch folder for hand-written bad inputs.</summary>
internal static class TestData
{
    public static string Blocks(string name) => Path.Combine(AppContext.BaseDirectory, "Data", name + ".blocks");

    /// <summary>Writes NAME.blocks (and .nets / .pl when given) into a fresh folder; returns the .blocks path.</summary>
    public static string Write(string blocks, string? nets = null, string? pl = null, string name = "t")
    {
        var dir = Path.Combine(Path.GetTempPath(), "flowrunner-fp-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name + ".blocks");
        File.WriteAllText(path, blocks);
        if (nets is not null) File.WriteAllText(Path.Combine(dir, name + ".nets"), nets);
        if (pl is not null) File.WriteAllText(Path.Combine(dir, name + ".pl"), pl);
        return path;
    }
}
