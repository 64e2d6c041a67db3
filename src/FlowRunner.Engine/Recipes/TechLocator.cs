namespace FlowRunner.Engine.Recipes;

/// <summary>Finds `tech/&lt;name&gt;/tech.yaml`: in the folders of FLOWRUNNER_TECH_PATH, then beside the recipe and in its parent folders, then under the working folder.</summary>
public static class TechLocator
{
    public static string? Find(string name, string recipeDirectory)
    {
        foreach (var dir in Candidates(recipeDirectory))
        {
            var f = Path.Combine(dir, name, "tech.yaml");
            if (File.Exists(f)) return f;
        }
        return null;
    }

    public static IEnumerable<string> Candidates(string recipeDirectory)
    {
        var env = Environment.GetEnvironmentVariable("FLOWRUNNER_TECH_PATH");
        if (!string.IsNullOrEmpty(env))
            foreach (var d in env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)) yield return d;
        for (var d = new DirectoryInfo(recipeDirectory); d is not null; d = d.Parent)
            yield return Path.Combine(d.FullName, "tech");
        yield return Path.Combine(Environment.CurrentDirectory, "tech");
    }

    /// <summary>Names of the techs that can be found from here, for error messages.</summary>
    public static IEnumerable<string> Known(string recipeDirectory) => Candidates(recipeDirectory)
        .Where(Directory.Exists)
        .SelectMany(d => Directory.EnumerateDirectories(d).Where(x => File.Exists(Path.Combine(x, "tech.yaml"))).Select(Path.GetFileName))
        .OfType<string>().Distinct();
}
