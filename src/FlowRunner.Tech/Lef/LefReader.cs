using FlowRunner.Abstractions;
using System.Globalization;

namespace FlowRunner.Tech.Lef;

/// <summary>Reads the macro and site parts of LEF files (cell libraries such as osu018's, and the abstracts <see cref="LefWriter"/> writes); technology sections are skipped.</summary>
public sealed class LefReader
{
    private readonly List<(string Text, int Line)> _tokens;
    private readonly string _file;
    private int _pos;

    private LefReader(string text, string file)
    {
        _file = file;
        _tokens = Tokenize(text);
    }

    public static LefLibrary ReadFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"LEF file '{path}' does not exist", path);
        return Read(File.ReadAllText(path), path);
    }

    public static LefLibrary Read(string text, string file = "<text>") => new LefReader(text, file).ReadLibrary();

    private static List<(string, int)> Tokenize(string text)
    {
        var tokens = new List<(string, int)>();
        var line = 1;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n') { line++; i++; }
            else if (char.IsWhiteSpace(c)) i++;
            else if (c == '#') { while (i < text.Length && text[i] != '\n') i++; }
            else if (c == ';') { tokens.Add((";", line)); i++; }
            else if (c == '"')
            {
                var end = text.IndexOf('"', i + 1);
                if (end < 0) end = text.Length;
                tokens.Add((text[i..Math.Min(end + 1, text.Length)], line));
                i = end + 1;
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != ';') i++;
                tokens.Add((text[start..i], line));
            }
        }
        return tokens;
    }

    private bool AtEnd => _pos >= _tokens.Count;
    private int Line => AtEnd ? (_tokens.Count > 0 ? _tokens[^1].Line : 1) : _tokens[_pos].Line;

    private string Next(string context)
    {
        if (AtEnd) throw new LefFormatException(_file, Line, $"unexpected end of file in {context}");
        return _tokens[_pos++].Text;
    }

    private string Peek() => AtEnd ? "" : _tokens[_pos].Text;

    /// <summary>Skips the rest of a statement, through its ';'.</summary>
    private void SkipStatement(string context)
    {
        while (Next(context) != ";") { }
    }

    /// <summary>Skips a block through `END name` (or a bare `END` when <paramref name="name"/> is null).</summary>
    private void SkipBlock(string? name, string context)
    {
        var startLine = Line;
        while (!AtEnd)
        {
            var t = Next(context);
            if (t != "END") continue;
            if (name is null) return;
            if (Peek() == name) { _pos++; return; }
        }
        throw new LefFormatException(_file, startLine, $"{context} is never closed (missing 'END{(name is null ? "" : " " + name)}')");
    }

    private double Number(string context)
    {
        var line = Line;
        var t = Next(context);
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v : throw new LefFormatException(_file, line, $"expected a number in {context}, found '{FileExcerpt.Token(t)}'");
    }

    private void Expect(string token, string context)
    {
        var line = Line;
        var t = Next(context);
        if (t != token) throw new LefFormatException(_file, line, $"expected '{token}' in {context}, found '{FileExcerpt.Token(t)}'");
    }

    private LefLibrary ReadLibrary()
    {
        var macros = new List<LefMacro>();
        var sites = new List<LefSite>();
        var version = "5.7";
        var dbu = 1000;
        while (!AtEnd)
        {
            var line = Line;
            var t = Next("the library");
            switch (t)
            {
                case "VERSION":
                    version = Next("VERSION");
                    SkipStatement("VERSION");
                    break;
                case "UNITS":
                    while (Peek() != "END")
                    {
                        var u = Next("UNITS");
                        if (u == "DATABASE") { Expect("MICRONS", "UNITS DATABASE"); dbu = (int)Number("UNITS DATABASE MICRONS"); SkipStatement("UNITS"); }
                        else if (u != ";") SkipStatement("UNITS");
                    }
                    _pos++;
                    Expect("UNITS", "END UNITS");
                    break;
                case "SITE":
                    sites.Add(ReadSite());
                    break;
                case "MACRO":
                    macros.Add(ReadMacro(line));
                    break;
                case "LAYER" or "VIA" or "VIARULE" or "NONDEFAULTRULE":
                    {
                        var name = Next(t);
                        SkipBlock(name, $"{FileExcerpt.Token(t)} {FileExcerpt.Token(name)}");
                        break;
                    }
                case "PROPERTYDEFINITIONS" or "SPACING":
                    SkipBlock(t, t);
                    break;
                case "END":
                    if (Peek() == "LIBRARY") return new LefLibrary(macros) { Version = version, DatabaseMicrons = dbu, Sites = sites };
                    throw new LefFormatException(_file, line, $"unexpected 'END {Peek()}' at the top level");
                case ";":
                    break;
                default:
                    SkipStatement(FileExcerpt.Token(t));
                    break;
            }
        }
        return new LefLibrary(macros) { Version = version, DatabaseMicrons = dbu, Sites = sites };
    }

    private LefSite ReadSite()
    {
        var name = Next("SITE");
        string? cls = null;
        double w = 0, h = 0;
        while (true)
        {
            var t = Next($"SITE {name}");
            if (t == "END") { Expect(name, $"SITE {name}"); break; }
            if (t == "CLASS") { cls = Next($"SITE {name} CLASS"); SkipStatement($"SITE {name}"); }
            else if (t == "SIZE") { w = Number($"SITE {name} SIZE"); Expect("BY", $"SITE {name} SIZE"); h = Number($"SITE {name} SIZE"); SkipStatement($"SITE {name}"); }
            else if (t != ";") SkipStatement($"SITE {name}");
        }
        return new LefSite(name, cls, w, h);
    }

    private LefMacro ReadMacro(int line)
    {
        var name = Next("MACRO");
        var ctx = $"MACRO {name}";
        string cls = "CORE";
        string? symmetry = null, site = null;
        double? w = null, h = null;
        var pins = new List<LefPin>();
        var obs = new List<LefShape>();
        while (true)
        {
            var t = Next(ctx);
            switch (t)
            {
                case "END":
                    {
                        var endLine = Line;
                        var end = Next(ctx);
                        if (end != name) throw new LefFormatException(_file, endLine, $"{ctx} ends with 'END {end}'");
                        if (w is null || h is null) throw new LefFormatException(_file, line, $"{ctx} has no SIZE");
                        return new LefMacro(name, cls, w.Value, h.Value)
                        {
                            Pins = pins, Obstructions = obs, Symmetry = symmetry, Site = site, Line = line,
                        };
                    }
                case "CLASS":
                    cls = ReadRest(ctx);
                    break;
                case "SIZE":
                    w = Number($"{ctx} SIZE");
                    Expect("BY", $"{ctx} SIZE");
                    h = Number($"{ctx} SIZE");
                    SkipStatement(ctx);
                    break;
                case "SYMMETRY":
                    symmetry = ReadRest(ctx);
                    break;
                case "SITE":
                    site = ReadRest(ctx);
                    break;
                case "PIN":
                    pins.Add(ReadPin(ctx));
                    break;
                case "OBS":
                    obs.AddRange(ReadShapes($"{ctx} OBS"));
                    break;
                case ";":
                    break;
                default:
                    SkipStatement(ctx);
                    break;
            }
        }
    }

    private string ReadRest(string context)
    {
        var parts = new List<string>();
        for (var t = Next(context); t != ";"; t = Next(context)) parts.Add(t);
        return string.Join(" ", parts);
    }

    private LefPin ReadPin(string macroContext)
    {
        var name = Next($"{macroContext} PIN");
        var ctx = $"{macroContext} PIN {name}";
        string direction = "INPUT", use = "SIGNAL";
        string? shape = null;
        var ports = new List<LefShape>();
        while (true)
        {
            var t = Next(ctx);
            switch (t)
            {
                case "END":
                    {
                        var endLine = Line;
                        var end = Next(ctx);
                        if (end != name) throw new LefFormatException(_file, endLine, $"{ctx} ends with 'END {end}'");
                        return new LefPin(name, direction, use, ports) { Shape = shape };
                    }
                case "DIRECTION": direction = ReadRest(ctx); break;
                case "USE": use = ReadRest(ctx); break;
                case "SHAPE": shape = ReadRest(ctx); break;
                case "PORT": ports.AddRange(ReadShapes($"{ctx} PORT")); break;
                case ";": break;
                default: SkipStatement(ctx); break;
            }
        }
    }

    /// <summary>LAYER and RECT statements up to a bare END (PORT and OBS bodies); polygons and vias are skipped.</summary>
    private List<LefShape> ReadShapes(string ctx)
    {
        var shapes = new List<LefShape>();
        string? layer = null;
        while (true)
        {
            var line = Line;
            var t = Next(ctx);
            switch (t)
            {
                case "END":
                    return shapes;
                case "LAYER":
                    layer = Next(ctx);
                    SkipStatement(ctx);
                    break;
                case "RECT":
                    {
                        if (Peek() == "MASK") { _pos += 2; }
                        var x1 = Number($"{ctx} RECT");
                        var y1 = Number($"{ctx} RECT");
                        var x2 = Number($"{ctx} RECT");
                        var y2 = Number($"{ctx} RECT");
                        SkipStatement(ctx);
                        if (layer is null) throw new LefFormatException(_file, line, $"RECT before any LAYER in {ctx}");
                        shapes.Add(new LefShape(layer, new LefRect(Math.Min(x1, x2), Math.Min(y1, y2), Math.Max(x1, x2), Math.Max(y1, y2))));
                        break;
                    }
                case ";":
                    break;
                default:
                    SkipStatement(ctx);
                    break;
            }
        }
    }
}
