using System.Globalization;
using System.Text;

namespace FlowRunner.Tech.Netlist;

/// <summary>Reads a flat structural Verilog module (Yosys `write_verilog -noattr`, qflow's blif2Verilog): port list, `input`/`output`/`wire`
/// declarations with ranges, instances with named pin connections (wires, bit and part selects, sized constants, concatenations and
/// replications), and `assign` between such expressions. Attributes and comments are skipped; anything else is an error naming the file and line.</summary>
public static class GateNetlistReader
{
    private enum Kind { Name, Number, Punct, Text, End }

    private readonly record struct Token(Kind Kind, string Text, int Line);

    /// <exception cref="FormatException">Not a netlist this reader takes, naming the file and line.</exception>
    public static GateNetlist ReadFile(string path) => Read(System.IO.File.ReadAllText(path), path);

    /// <exception cref="FormatException">Not a netlist this reader takes, naming <paramref name="file"/> and the line.</exception>
    public static GateNetlist Read(string text, string file)
    {
        var t = Tokenize(text, file);
        var p = 0;
        Token Peek() => t[p];
        Token Next() => t[p++];
        FormatException Error(Token at, string what) => new($"{file}:{at.Line}: {what}, found '{(at.Kind == Kind.End ? "end of file" : Excerpt(at.Text))}'");
        Token Expect(string punct)
        {
            var k = Next();
            if (k.Kind != Kind.Punct || k.Text != punct) throw Error(k, $"expected '{punct}'");
            return k;
        }
        string Name()
        {
            var k = Next();
            if (k.Kind != Kind.Name) throw Error(k, "expected a name");
            return k.Text;
        }
        int Integer()
        {
            var k = Next();
            if (k.Kind != Kind.Number || !int.TryParse(k.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var v)) throw Error(k, "expected an integer");
            return v;
        }
        bool Is(string punct) => Peek().Kind == Kind.Punct && Peek().Text == punct;

        var wires = new Dictionary<string, NetlistWire>(StringComparer.Ordinal);
        var cells = new List<NetlistCell>();
        var assigns = new List<(NetBit, NetBit)>();
        var ports = new List<string>();

        if (Peek().Kind == Kind.End) throw new FormatException($"{file}: no module: not a gate-level netlist");
        if (Peek().Kind != Kind.Name || Peek().Text != "module") throw Error(Peek(), "expected 'module'");
        Next();
        var module = Name();
        if (Is("("))
        {
            Next();
            while (!Is(")"))
            {
                ports.Add(Name());
                if (Is(",")) Next();
            }
            Next();
        }
        Expect(";");

        List<NetBit> Expression()
        {
            var k = Peek();
            if (k.Kind == Kind.Punct && k.Text == "{")
            {
                Next();
                // Replication {N{...}}: a plain count, then a concatenation.
                if (Peek().Kind == Kind.Number && t[p + 1].Kind == Kind.Punct && t[p + 1].Text == "{")
                {
                    var count = Integer();
                    var inner = Expression();
                    Expect("}");
                    return Enumerable.Repeat(inner, count).SelectMany(x => x).ToList();
                }
                var parts = Expression();
                while (Is(","))
                {
                    Next();
                    parts.AddRange(Expression());
                }
                Expect("}");
                return parts;
            }
            if (k.Kind == Kind.Number)
            {
                Next();
                return Constant(k, file);
            }
            var name = Name();
            if (!wires.TryGetValue(name, out var w))
            {
                // An undeclared name in a connection is an implicit one-bit wire (IEEE 1364 6.5; blif2Verilog declares no nets).
                if (Is("[")) throw Error(t[p - 1], $"'{name}' is not declared");
                wires[name] = w = new NetlistWire(name, 0, 0, false);
            }
            if (!Is("[")) return w.Indices().Select(i => new NetBit(name, i)).ToList();
            Next();
            var hi = Integer();
            var lo = hi;
            if (Is(":")) { Next(); lo = Integer(); }
            Expect("]");
            var step = hi >= lo ? -1 : 1;
            var bits = new List<NetBit>();
            for (var i = hi; ; i += step)
            {
                bits.Add(new NetBit(name, i));
                if (i == lo) break;
            }
            return bits;
        }

        while (true)
        {
            var k = Next();
            if (k.Kind == Kind.End) throw new FormatException($"{file}: module {module} has no endmodule: cut short?");
            if (k.Kind != Kind.Name) throw Error(k, "expected a declaration, an instance or endmodule");
            if (k.Text == "endmodule") break;
            if (k.Text is "input" or "output" or "inout" or "wire" or "reg" or "tri")
            {
                var direction = k.Text;
                if (Peek().Kind == Kind.Name && Peek().Text is "wire" or "reg") Next();
                int msb = 0, lsb = 0;
                var ranged = false;
                if (Is("["))
                {
                    Next();
                    msb = Integer();
                    Expect(":");
                    lsb = Integer();
                    Expect("]");
                    ranged = true;
                }
                while (true)
                {
                    var n = Name();
                    // `input x; wire x;` (Yosys declares ports twice): the port direction wins.
                    if (!wires.TryGetValue(n, out var old) || !old.IsPort) wires[n] = new NetlistWire(n, msb, lsb, ranged, direction is "reg" or "tri" ? "wire" : direction);
                    if (Is("="))
                    {
                        // `wire vdd = 1'b1;` (blif2Verilog's ties): a declaration with its continuous assignment.
                        Next();
                        var value = Expression();
                        var bits = wires[n].Indices().Select(i => new NetBit(n, i)).ToList();
                        if (value.Count < bits.Count) value = [.. Enumerable.Repeat(NetBit.Const('0'), bits.Count - value.Count), .. value];
                        for (var i = 0; i < bits.Count; i++) assigns.Add((bits[i], value[value.Count - bits.Count + i]));
                    }
                    if (Is(",")) { Next(); continue; }
                    break;
                }
                Expect(";");
                continue;
            }
            if (k.Text == "assign")
            {
                var left = Expression();
                Expect("=");
                var right = Expression();
                Expect(";");
                if (left.Count != right.Count)
                {
                    // Verilog extends or truncates the right side to the left's width; Yosys pads constants.
                    if (right.Count < left.Count) right = [.. Enumerable.Repeat(NetBit.Const('0'), left.Count - right.Count), .. right];
                    else right = right.Skip(right.Count - left.Count).ToList();
                }
                for (var i = 0; i < left.Count; i++) assigns.Add((left[i], right[i]));
                continue;
            }
            // An instance: CELL [#( .P(v), ... )] NAME ( .PIN(expr), ... );
            var cell = k.Text;
            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            if (Is("#"))
            {
                Next();
                Expect("(");
                while (!Is(")"))
                {
                    Expect(".");
                    var pn = Name();
                    Expect("(");
                    var v = Next();
                    parameters[pn] = v.Text;
                    Expect(")");
                    if (Is(",")) Next();
                }
                Next();
            }
            var instance = Name();
            Expect("(");
            var pins = new Dictionary<string, IReadOnlyList<NetBit>>(StringComparer.Ordinal);
            while (!Is(")"))
            {
                var dot = Peek();
                if (!Is(".")) throw Error(dot, $"instance {instance}: expected a named connection (.PIN(net))");
                Next();
                var pin = Name();
                Expect("(");
                pins[pin] = Is(")") ? [] : Expression();
                Expect(")");
                if (Is(",")) Next();
            }
            Next();
            Expect(";");
            cells.Add(new NetlistCell(instance, cell, pins, parameters, k.Line));
        }
        return new GateNetlist { File = file, Module = module, PortOrder = ports, Wires = wires, Cells = cells, Assigns = assigns };
    }

    /// <summary>A sized constant (4'h0, 1'b1, 2'bx1) as bits from the most significant one; a plain decimal is 32 bits.</summary>
    private static List<NetBit> Constant(Token k, string file)
    {
        var text = k.Text.Replace("_", "");
        var tick = text.IndexOf('\'');
        if (tick < 0)
        {
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var plain)) throw new FormatException($"{file}:{k.Line}: '{Excerpt(k.Text)}' is not a number");
            return Enumerable.Range(0, 32).Select(i => NetBit.Const(((plain >> (31 - i)) & 1) == 1 ? '1' : '0')).ToList();
        }
        if (!int.TryParse(text[..tick], NumberStyles.None, CultureInfo.InvariantCulture, out var width) || width < 1 || tick + 2 > text.Length)
            throw new FormatException($"{file}:{k.Line}: '{Excerpt(k.Text)}' is not a sized constant");
        var radix = char.ToLowerInvariant(text[tick + 1] == 's' ? text[tick + 2] : text[tick + 1]);
        var digits = text[(tick + (text[tick + 1] == 's' ? 3 : 2))..].ToLowerInvariant();
        var bits = new StringBuilder();
        foreach (var d in digits)
        {
            int per = radix switch { 'b' => 1, 'o' => 3, 'h' => 4, _ => 0 };
            if (per == 0)
            {
                if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var dec)) throw new FormatException($"{file}:{k.Line}: '{Excerpt(k.Text)}' is not a constant");
                bits.Clear();
                for (var i = width - 1; i >= 0; i--) bits.Append(i < 63 && ((dec >> i) & 1) == 1 ? '1' : '0');
                break;
            }
            if (d is 'x' or 'z') { bits.Append(d, per); continue; }
            var v = Convert.ToInt32(d.ToString(), 16);
            if (v >= 1 << per) throw new FormatException($"{file}:{k.Line}: '{Excerpt(k.Text)}' has a digit out of its radix");
            for (var i = per - 1; i >= 0; i--) bits.Append(((v >> i) & 1) == 1 ? '1' : '0');
        }
        var s = bits.ToString();
        s = s.Length >= width ? s[^width..] : new string(s.Length > 0 && s[0] is 'x' or 'z' ? s[0] : '0', width - s.Length) + s;
        return s.Select(NetBit.Const).ToList();
    }

    private static string Excerpt(string s) => s.Length <= 40 ? s : s[..40] + "...";

    private static List<Token> Tokenize(string text, string file)
    {
        var tokens = new List<Token>();
        var line = 1;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n') { line++; i++; continue; }
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/') { while (i < text.Length && text[i] != '\n') i++; continue; }
            if ((c == '/' && i + 1 < text.Length && text[i + 1] == '*') || (c == '(' && i + 1 < text.Length && text[i + 1] == '*' && !(i + 2 < text.Length && text[i + 2] == ')')))
            {
                var close = c == '/' ? "*/" : "*)";
                var end = text.IndexOf(close, i + 2, StringComparison.Ordinal);
                if (end < 0) throw new FormatException($"{file}:{line}: a comment or attribute is never closed");
                line += text.AsSpan(i, end - i).Count('\n');
                i = end + 2;
                continue;
            }
            if (c == '\\')
            {
                var start = ++i;
                while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
                tokens.Add(new Token(Kind.Name, text[start..i], line));
                continue;
            }
            if (char.IsAsciiLetter(c) || c == '_' || c == '$')
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '$')) i++;
                tokens.Add(new Token(Kind.Name, text[start..i], line));
                continue;
            }
            if (char.IsAsciiDigit(c) || c == '\'')
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '\'' or '?')) i++;
                tokens.Add(new Token(Kind.Number, text[start..i], line));
                continue;
            }
            if (c == '"')
            {
                var end = text.IndexOf('"', i + 1);
                if (end < 0) throw new FormatException($"{file}:{line}: a string is never closed");
                tokens.Add(new Token(Kind.Text, text[i..(end + 1)], line));
                i = end + 1;
                continue;
            }
            if ("()[]{},;:.=#".Contains(c))
            {
                tokens.Add(new Token(Kind.Punct, c.ToString(), line));
                i++;
                continue;
            }
            throw new FormatException($"{file}:{line}: unexpected character '{c}' in a gate-level netlist");
        }
        tokens.Add(new Token(Kind.End, "", line));
        return tokens;
    }
}
