using System.Text;

namespace FlowRunner.Tech.Liberty;

/// <summary>Writes a <see cref="LibertyGroup"/> tree as Liberty text that Yosys, OpenSTA and <see cref="LibertyReader"/> read.</summary>
public static class LibertyWriter
{
    public static string Write(LibertyGroup root, string? headerComment = null)
    {
        var sb = new StringBuilder();
        if (headerComment is not null)
        {
            sb.Append("/*\n");
            foreach (var line in headerComment.Split('\n')) sb.Append(" * ").Append(line.Replace("*/", "* /")).Append('\n');
            sb.Append(" */\n");
        }
        WriteGroup(sb, root, 0);
        return sb.ToString();
    }

    public static void WriteFile(string path, LibertyGroup root, string? headerComment = null) =>
        File.WriteAllText(path, Write(root, headerComment));

    private static void WriteGroup(StringBuilder sb, LibertyGroup g, int depth)
    {
        var pad = new string(' ', depth * 2);
        sb.Append(pad).Append(g.Type).Append(" (").Append(string.Join(", ", g.Arguments.Select(ArgumentText))).Append(") {\n");
        foreach (var statement in g.Statements)
        {
            if (statement is LibertyAttribute a) WriteAttribute(sb, a, depth + 1);
            else WriteGroup(sb, (LibertyGroup)statement, depth + 1);
        }
        sb.Append(pad).Append("}\n");
    }

    private static void WriteAttribute(StringBuilder sb, LibertyAttribute a, int depth)
    {
        var pad = new string(' ', depth * 2);
        if (!a.IsComplex)
        {
            sb.Append(pad).Append(a.Name).Append(" : ").Append(ValueText(a.Values[0])).Append(" ;\n");
            return;
        }
        // Tables of several rows read best one row a line, joined by continuations, as the vendors write them.
        if (a.Values.Count > 1 && a.Values.All(v => v.Quoted))
        {
            var rowPad = pad + "  ";
            sb.Append(pad).Append(a.Name).Append(" ( \\\n");
            for (var i = 0; i < a.Values.Count; i++)
                sb.Append(rowPad).Append(ValueText(a.Values[i])).Append(i + 1 < a.Values.Count ? ", \\\n" : " ) ;\n");
            return;
        }
        sb.Append(pad).Append(a.Name).Append(" (").Append(string.Join(", ", a.Values.Select(ValueText))).Append(") ;\n");
    }

    private static string ValueText(LibertyValue v) => v.Quoted || NeedsQuotes(v.Text) ? Quote(v.Text) : v.Text;

    /// <summary>Group arguments such as bus pin names `addr[3]` are written bare; anything with odd characters is quoted.</summary>
    private static string ArgumentText(string text) => NeedsQuotes(text) ? Quote(text) : text;

    private static bool NeedsQuotes(string text) =>
        text.Length == 0 || text.Any(c => char.IsWhiteSpace(c) || c is '{' or '}' or '(' or ')' or ':' or ';' or ',' or '"' or '\\');

    private static string Quote(string text) => "\"" + text.Replace("\"", "\\\"") + "\"";
}
