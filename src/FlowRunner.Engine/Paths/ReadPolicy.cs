namespace FlowRunner.Engine.Paths;

/// <summary>Where a recipe may read files from (`extends:` and every path a stage option names: network, weights, datasets, ...): the recipe's
/// folder, the workspace, and folders allowed explicitly (`--allow-path DIR`, or FLOWRUNNER_ALLOW_PATH, separated by ':'). A path outside them
/// is a recipe error naming only the option and the path, so a recipe cannot make FlowRunner read, and quote, a file such as /etc/shadow.</summary>
/// <param name="Workspace">The workspace folder; null uses the current folder.</param>
/// <param name="Allowed">Folders allowed by the user beyond the recipe's folder and the workspace.</param>
public sealed record ReadPolicy(string? Workspace, IReadOnlyList<string> Allowed)
{
    public const string EnvironmentVariable = "FLOWRUNNER_ALLOW_PATH";

    /// <summary>The recipe's folder and the current folder, plus FLOWRUNNER_ALLOW_PATH.</summary>
    public static ReadPolicy Default { get; } = new(null, []);

    public IEnumerable<string> Roots(string recipeDirectory)
    {
        yield return recipeDirectory;
        yield return Workspace ?? Environment.CurrentDirectory;
        foreach (var a in Allowed) yield return a;
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env)
            foreach (var d in env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)) yield return d;
    }

    public bool Allows(string recipeDirectory, string path) => Roots(recipeDirectory).Any(r => SafeName.IsWithin(r, path));

    /// <summary>Only values written as an absolute path or climbing with '..' can leave the allowed folders.</summary>
    public static bool MayEscape(string value) =>
        value.Length is > 0 and < 4096 && !value.Contains('\n') && (Path.IsPathRooted(value) || value.Replace('\\', '/').Split('/').Contains(".."));

    /// <summary>The error text for a refused path: names the path as written and how to allow it, and nothing of the file.</summary>
    public static string Refusal(string what, string value) =>
        $"{what} '{value}' is outside the recipe's folder and the workspace; allow its folder with --allow-path DIR (or {EnvironmentVariable})";
}
