using System.Globalization;
using System.Text;

namespace FlowRunner.Stages.PlaceRoute;

/// <summary>A node of a routed net's RC tree: the wire resistance from its parent (ohm), the wire capacitance at the node (pF), the pins it reaches and its children.</summary>
public sealed record RcNode(double ResistanceOhm, double CapacitancePf, IReadOnlyList<string> Pins, IReadOnlyList<RcNode> Children)
{
    /// <summary>qrouter wrote `ERROR` for the pin this node reaches: it could not tell which pin it is. The node keeps its R and C as a wire node.</summary>
    public bool Unresolved { get; init; }

    public IEnumerable<RcNode> Descendants() => Children.SelectMany(c => c.Descendants().Prepend(c));
}

/// <summary>One net of qrouter's `-d` delay file: name, driver pin (`inst/pin`, or `PIN/port` for a top-level port), the number of sinks it states and the RC tree.</summary>
public sealed record RcNet(string Name, string Driver, int Sinks, IReadOnlyList<RcNode> Tree)
{
    public double WireCapacitancePf => Tree.Sum(n => n.CapacitancePf + n.Descendants().Sum(d => d.CapacitancePf));

    public int UnresolvedPins => Tree.Sum(n => (n.Unresolved ? 1 : 0) + n.Descendants().Count(d => d.Unresolved));
}

/// <summary>
/// Reads qrouter's RC file (`write_delays`, the `-d file.rc` output qflow turns into SDF with rc2dly): one line a net,
/// `name drivers driver-pin sinks tree`, the tree written as nested `( R C item , item ... )` where an item is a sink pin or a
/// further node; R in ohms and C in pF, as rc2dly reads them against the Liberty's pF. qrouter writes `ERROR` where it could not name a sink pin.
/// </summary>
public static class RcFile
{
    public static IReadOnlyList<RcNet> Parse(string text, string source = "rc file")
    {
        var nets = new List<RcNet>();
        var lineNo = 0;
        foreach (var raw in text.Replace("\r", "").Split('\n'))
        {
            lineNo++;
            var tokens = Tokens(raw);
            if (tokens.Count == 0) continue;
            FormatException Bad(string what) => new($"{source}:{lineNo}: {what}");
            if (tokens.Count < 4) throw Bad($"expected 'net drivers driver sinks tree', got '{raw.Trim()}'");
            if (!int.TryParse(tokens[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var sinks)) throw Bad($"sink count '{tokens[3]}' is not a number");
            var at = 4;
            var tree = new List<RcNode>();
            while (at < tokens.Count)
            {
                if (tokens[at] == ",") { at++; continue; }
                tree.Add(Node(tokens, ref at, Bad));
            }
            nets.Add(new RcNet(tokens[0], tokens[2], sinks, tree));
        }
        return nets;
    }

    private static RcNode Node(List<string> t, ref int at, Func<string, FormatException> bad)
    {
        if (t[at] != "(") throw bad($"expected '(' at token {at + 1}, got '{t[at]}'");
        if (at + 2 >= t.Count) throw bad("a node ends before its R and C");
        var r = Number(t[at + 1], bad);
        var c = Number(t[at + 2], bad);
        at += 3;
        var pins = new List<string>();
        var children = new List<RcNode>();
        var unresolved = false;
        while (true)
        {
            if (at >= t.Count) throw bad("unbalanced parentheses: the line ends inside a node");
            var tok = t[at];
            if (tok == ")") { at++; break; }
            if (tok == ",") { at++; continue; }
            if (tok == "(") children.Add(Node(t, ref at, bad));
            else if (tok == "ERROR") { unresolved = true; at++; }
            else { pins.Add(tok); at++; }
        }
        return new RcNode(r, c, pins, children) { Unresolved = unresolved };
    }

    private static double Number(string s, Func<string, FormatException> bad) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw bad($"'{s}' is not a number");

    private static List<string> Tokens(string line)
    {
        var list = new List<string>();
        var sb = new StringBuilder();
        void Flush() { if (sb.Length > 0) { list.Add(sb.ToString()); sb.Clear(); } }
        foreach (var ch in line)
        {
            if (char.IsWhiteSpace(ch)) Flush();
            else if (ch is '(' or ')' or ',') { Flush(); list.Add(ch.ToString()); }
            else sb.Append(ch);
        }
        Flush();
        return list;
    }
}
