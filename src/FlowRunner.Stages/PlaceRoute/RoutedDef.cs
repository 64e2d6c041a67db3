using System.Globalization;

namespace FlowRunner.Stages.PlaceRoute;

/// <summary>A placed component of a DEF: instance, cell, lower-left corner (um) and orientation.</summary>
public sealed record DefComponent(string Name, string Cell, double XUm, double YUm, string Orientation);

/// <summary>What the routed DEF holds: die, components, pins, nets, routed wire length by layer and vias.</summary>
public sealed record RoutedDef(string Design, int DatabaseMicrons, (double X1, double Y1, double X2, double Y2) DieUm,
    IReadOnlyList<DefComponent> Components, int Pins, int Nets, int RoutedNets, IReadOnlyDictionary<string, double> WireLengthUmByLayer, int Vias)
{
    public double WireLengthUm => WireLengthUmByLayer.Values.Sum();

    public double DieWidthUm => DieUm.X2 - DieUm.X1;
    public double DieHeightUm => DieUm.Y2 - DieUm.Y1;

    /// <summary>
    /// Reads a DEF's DIEAREA, COMPONENTS, PINS count and the NETS section's ROUTED/NEW wiring (qrouter's output: `layer ( x y ) ( x' * ) [VIA]`,
    /// `*` repeating the previous coordinate). Wire length is the sum of the segments' Manhattan lengths; a via is any name after a point.
    /// Special nets (power) are not counted.
    /// </summary>
    public static RoutedDef Parse(string text, string source = "def")
    {
        var tokens = Tokenize(text);
        var design = "";
        var dbu = 100;
        var die = (0.0, 0.0, 0.0, 0.0);
        var components = new List<DefComponent>();
        int pins = 0, nets = 0, routed = 0, vias = 0;
        var length = new Dictionary<string, double>(StringComparer.Ordinal);
        var i = 0;
        string T(int k) => k < tokens.Count ? tokens[k].Text : "";
        double Num(int k) => double.TryParse(T(k), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
            : throw new FormatException($"{source}:{(k < tokens.Count ? tokens[k].Line : 0)}: expected a number, got '{T(k)}'");
        while (i < tokens.Count)
        {
            switch (T(i))
            {
                case "DESIGN" when design.Length == 0: design = T(i + 1); i += 2; break;
                case "UNITS" when T(i + 1) == "DISTANCE": dbu = (int)Num(i + 3); i += 4; break;
                case "DIEAREA": die = (Num(i + 2), Num(i + 3), Num(i + 6), Num(i + 7)); i += 9; break;
                case "PINS": pins = (int)Num(i + 1); i = Skip(tokens, i, "PINS"); break;
                case "COMPONENTS":
                    i += 3;
                    while (i < tokens.Count && T(i) != "END")
                    {
                        if (T(i) != "-") { i++; continue; }
                        var name = T(i + 1);
                        var cell = T(i + 2);
                        var j = i + 3;
                        double x = 0, y = 0; var orient = "N";
                        while (j < tokens.Count && T(j) != ";")
                        {
                            if (T(j) is "PLACED" or "FIXED" && T(j + 1) == "(") { x = Num(j + 2) / dbu; y = Num(j + 3) / dbu; orient = T(j + 5); j += 6; }
                            else j++;
                        }
                        components.Add(new DefComponent(name, cell, x, y, orient));
                        i = j + 1;
                    }
                    i += 2;
                    break;
                case "NETS" when i > 0 && T(i - 1) != "END":
                    nets = (int)Num(i + 1);
                    i += 3;
                    while (i < tokens.Count && !(T(i) == "END" && T(i + 1) == "NETS"))
                    {
                        if (T(i) != "-") { i++; continue; }
                        var j = i + 2;
                        var wired = false;
                        string? layer = null;
                        double px = 0, py = 0;
                        var havePoint = false;
                        while (j < tokens.Count && T(j) != ";")
                        {
                            var t = T(j);
                            if (t is "ROUTED" or "NEW") { layer = T(j + 1); havePoint = false; wired = true; j += 2; continue; }
                            if (layer is not null && t == "(")
                            {
                                var x = T(j + 1) == "*" ? px : Num(j + 1);
                                var y = T(j + 2) == "*" ? py : Num(j + 2);
                                if (havePoint)
                                    length[layer] = length.GetValueOrDefault(layer) + (Math.Abs(x - px) + Math.Abs(y - py)) / dbu;
                                px = x; py = y; havePoint = true;
                                j += 4;
                                continue;
                            }
                            if (layer is not null && t != "+" && havePoint && !t.StartsWith('(')) vias++;
                            if (t == "+") layer = null;
                            j++;
                        }
                        if (wired) routed++;
                        i = j + 1;
                    }
                    i += 2;
                    break;
                case "SPECIALNETS": i = Skip(tokens, i, "SPECIALNETS"); break;
                default: i++; break;
            }
        }
        if (design.Length == 0) throw new FormatException($"{source}: no DESIGN statement: not a DEF file");
        return new RoutedDef(design, dbu, (die.Item1 / dbu, die.Item2 / dbu, die.Item3 / dbu, die.Item4 / dbu), components, pins, nets, routed, length, vias);
    }

    private static int Skip(List<(string Text, int Line)> t, int i, string section)
    {
        for (var k = i + 1; k + 1 < t.Count; k++)
            if (t[k].Text == "END" && t[k + 1].Text == section) return k + 2;
        return t.Count;
    }

    private static List<(string Text, int Line)> Tokenize(string text)
    {
        var list = new List<(string, int)>();
        var line = 1;
        var start = -1;
        for (var k = 0; k <= text.Length; k++)
        {
            var ch = k < text.Length ? text[k] : ' ';
            if (char.IsWhiteSpace(ch))
            {
                if (start >= 0) { list.Add((text[start..k], line)); start = -1; }
                if (ch == '\n') line++;
            }
            else if (start < 0) start = k;
        }
        return list;
    }
}
