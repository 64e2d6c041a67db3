namespace FlowRunner.Tech.Liberty;

/// <summary>Reads Liberty (.lib) files: the raw group tree, or the typed <see cref="LibertyLibrary"/> view.</summary>
public static class LibertyReader
{
    /// <summary>Reads a file into the typed view; a malformed file throws <see cref="LibertyFormatException"/> naming file and line.</summary>
    public static LibertyLibrary ReadFile(string path) => LibertyLibrary.FromGroup(ParseFile(path), path);

    /// <summary>Reads Liberty text into the typed view; <paramref name="file"/> names the source in errors.</summary>
    public static LibertyLibrary Read(string text, string file = "<text>") => LibertyLibrary.FromGroup(Parse(text, file), file);

    public static LibertyGroup ParseFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Liberty file '{path}' does not exist", path);
        return Parse(File.ReadAllText(path), path);
    }

    public static LibertyGroup Parse(string text, string file = "<text>") => new LibertyParser(text, file).ParseFile();
}
