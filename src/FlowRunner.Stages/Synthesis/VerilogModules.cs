using System.Text.RegularExpressions;
using FlowRunner.Abstractions;

namespace FlowRunner.Stages.Synthesis;

/// <summary>A port of a module header: direction, name and bit range (msb/lsb; both 0 for a single bit).</summary>
public sealed record VerilogPort(string Direction, string Name, int Msb, int Lsb)
{
    public int Width => Math.Abs(Msb - Lsb) + 1;
    public bool IsBus { get; init; }
}

/// <summary>A module found in a Verilog file: its name, its ANSI-style ports and the line it starts on.</summary>
public sealed record VerilogModule(string Name, string File, int Line, IReadOnlyList<VerilogPort> Ports);

/// <summary>Finds the modules of a Verilog file and the ports of their ANSI headers, enough to stub memory modules; not a Verilog parser.</summary>
public static partial class VerilogModules
{
    [GeneratedRegex(@"^\s*module\s+([A-Za-z_][A-Za-z0-9_$]*)", RegexOptions.Multiline)]
    private static partial Regex ModuleStart();

    [GeneratedRegex(@"\b(input|output|inout)\b\s*(?:wire\b|reg\b|logic\b|signed\b|\s)*(?:\[\s*([^\]:]+?)\s*:\s*([^\]]+?)\s*\])?\s*([A-Za-z_][A-Za-z0-9_$]*)")]
    private static partial Regex Port();

    public static IReadOnlyList<VerilogModule> Read(string file)
    {
        if (!System.IO.File.Exists(file)) throw new StageFailedException($"RTL file '{file}' does not exist");
        var text = StripComments(System.IO.File.ReadAllText(file));
        var result = new List<VerilogModule>();
        foreach (Match m in ModuleStart().Matches(text))
        {
            var line = text.AsSpan(0, m.Index).Count('\n') + 1;
            var header = Header(text, m.Index + m.Length);
            var ports = new List<VerilogPort>();
            foreach (Match p in Port().Matches(header))
            {
                var bus = p.Groups[2].Success;
                var msb = bus ? Number(p.Groups[2].Value, file, line, p.Groups[4].Value) : 0;
                var lsb = bus ? Number(p.Groups[3].Value, file, line, p.Groups[4].Value) : 0;
                ports.Add(new VerilogPort(p.Groups[1].Value, p.Groups[4].Value, msb, lsb) { IsBus = bus });
            }
            result.Add(new VerilogModule(m.Groups[1].Value, file, line, ports));
        }
        return result;
    }

    /// <summary>The port list: from the first '(' that is not a parameter list `#(` up to its matching ')'.</summary>
    private static string Header(string text, int from)
    {
        var i = from;
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        if (i < text.Length && text[i] == '#')
        {
            i = text.IndexOf('(', i);
            i = Matching(text, i) + 1;
        }
        var open = text.IndexOf('(', i);
        var semicolon = text.IndexOf(';', i);
        if (open < 0 || (semicolon >= 0 && semicolon < open)) return "";
        return text[(open + 1)..Matching(text, open)];
    }

    private static int Matching(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')' && --depth == 0) return i;
        }
        return text.Length;
    }

    private static int Number(string s, string file, int line, string port) =>
        int.TryParse(s, out var n) ? n
            : throw new StageFailedException($"{file}:{line}: port '{port}': the range bound '{s}' is not a number; memory modules must have numeric port ranges to be kept as black boxes");

    private static string StripComments(string text)
    {
        // Keep line breaks so line numbers stay right.
        text = Regex.Replace(text, @"/\*.*?\*/", m => new string('\n', m.Value.Count(c => c == '\n')), RegexOptions.Singleline);
        return Regex.Replace(text, @"//[^\n]*", "");
    }
}
