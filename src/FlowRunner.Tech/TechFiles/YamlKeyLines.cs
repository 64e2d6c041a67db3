using YamlDotNet.RepresentationModel;

namespace FlowRunner.Tech;

/// <summary>Line numbers of the keys of a YAML file by dotted path ("memory.sram.rows.max", "cells.list[3].ge"), so checks after loading can point at a line.</summary>
internal sealed class YamlKeyLines
{
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    public YamlKeyLines(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count > 0) Walk(stream.Documents[0].RootNode, "");
    }

    /// <summary>The line of the key, or of its nearest listed parent; 0 when the file has neither.</summary>
    public int LineOf(string path)
    {
        while (path.Length > 0)
        {
            if (_lines.TryGetValue(path, out var line)) return line;
            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            path = cut > 0 ? path[..cut] : "";
        }
        return 0;
    }

    private void Walk(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (k, v) in map.Children)
                {
                    var key = path.Length == 0 ? k.ToString() : $"{path}.{k}";
                    _lines[key] = (int)k.Start.Line;
                    Walk(v, key);
                }
                break;
            case YamlSequenceNode seq:
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    var key = $"{path}[{i}]";
                    _lines[key] = (int)seq.Children[i].Start.Line;
                    Walk(seq.Children[i], key);
                }
                break;
        }
    }
}
