namespace FlowRunner.Tech.Liberty;

/// <summary>A Liberty file that cannot be read: names the file and the line.</summary>
public sealed class LibertyFormatException(string file, int line, string message)
    : FormatException($"{file}:{line}: {message}")
{
    public string File { get; } = file;
    public int LineNumber { get; } = line;
}
