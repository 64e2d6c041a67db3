namespace FlowRunner.Tech;

/// <summary>A tech.yaml that cannot be used: names the file, the line (0 when unknown) and the key.</summary>
public sealed class TechFormatException(string file, int line, string key, string message)
    : FormatException(line > 0 ? $"{file}:{line}: `{key}`: {message}" : $"{file}: `{key}`: {message}")
{
    public string File { get; } = file;
    public int LineNumber { get; } = line;
    public string Key { get; } = key;
}
