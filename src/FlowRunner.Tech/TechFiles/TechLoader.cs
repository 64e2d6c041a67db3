using FlowRunner.Abstractions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace FlowRunner.Tech;

/// <summary>Finds and reads tech/&lt;name&gt;/tech.yaml under a tech root folder; every mistake names the file, line and key.</summary>
public sealed class TechLoader(string techRoot)
{
    public string TechRoot { get; } = Path.GetFullPath(techRoot);

    /// <summary>The technologies under the root: folders holding a tech.yaml.</summary>
    public IReadOnlyList<string> Available() =>
        Directory.Exists(TechRoot)
            ? Directory.GetDirectories(TechRoot).Where(d => File.Exists(Path.Combine(d, "tech.yaml")))
                .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];

    public string PathOf(string name) => Path.Combine(TechRoot, name, "tech.yaml");

    public TechDescription Load(string name)
    {
        var path = PathOf(name);
        if (!File.Exists(path))
        {
            var known = Available();
            throw new FileNotFoundException(
                $"technology '{name}' not found: no {path}" + (known.Count > 0 ? $"; available: {string.Join(", ", known)}" : ""), path);
        }
        return LoadFile(path);
    }

    /// <summary>Reads one tech.yaml; relative paths in it resolve against its folder.</summary>
    public static TechDescription LoadFile(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"tech file '{full}' does not exist", full);
        var yaml = File.ReadAllText(full);
        TechDescription tech;
        try
        {
            tech = Deserializer.Deserialize<TechDescription>(yaml)
                ?? throw new TechFormatException(full, 1, "name", "the file is empty");
        }
        catch (YamlException e)
        {
            var inner = e.InnerException is { } i && i is not YamlException ? i.Message : e.Message;
            throw new TechFormatException(full, (int)e.Start.Line, KeyNear(yaml, (int)e.Start.Line), Clean(inner));
        }
        tech.File = full;
        TechValidator.Validate(tech, new YamlKeyLines(yaml));
        return tech;
    }

    /// <summary>Walks up from a folder (e.g. the current directory or the program's) to the first `tech` folder holding a tech.yaml.</summary>
    public static string? FindTechRoot(string startDirectory)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(startDirectory)); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tech");
            if (Directory.Exists(candidate) && Directory.EnumerateFiles(candidate, "tech.yaml", SearchOption.AllDirectories).Any())
                return candidate;
        }
        return null;
    }

    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    private static string KeyNear(string yaml, int line)
    {
        var lines = yaml.Split('\n');
        if (line < 1 || line > lines.Length) return "?";
        var text = lines[line - 1].Trim().TrimStart('-', ' ');
        var colon = text.IndexOf(':');
        return FileExcerpt.Token(colon > 0 ? text[..colon].Trim('{', ' ') : text);
    }

    /// <summary>YamlDotNet names .NET types in its messages; users wrote YAML keys.</summary>
    private static string Clean(string message)
    {
        var m = System.Text.RegularExpressions.Regex.Match(message, "Property '([^']+)' not found on type '([^']+)'");
        if (m.Success) return $"unknown key '{FileExcerpt.Token(m.Groups[1].Value)}'";
        // Any other message naming a .NET type means the YAML is not shaped like a tech description at all.
        return message.Contains("FlowRunner.", StringComparison.Ordinal) || message.Contains("System.", StringComparison.Ordinal)
            ? "not a tech description (a map of keys such as name, clock_ns, liberty)" : message;
    }
}
