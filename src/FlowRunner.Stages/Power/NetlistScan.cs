using System.Text.RegularExpressions;

namespace FlowRunner.Stages.Power;

/// <summary>The cell instances of a flat gate-level Verilog netlist (Yosys `write_verilog -noattr`): instance name, cell name and the nets on
/// its pins. Enough to find flip-flops and their output nets, and the memory macros, for activity annotation.</summary>
public sealed record NetlistInstance(string Name, string Cell, IReadOnlyDictionary<string, string> Pins);

/// <summary>Scans a netlist for instances (no full Verilog parser: Yosys writes one `CELL NAME ( .PIN(net), ... );` statement an instance).</summary>
public static class NetlistScan
{
    private static readonly Regex Instance = new(@"^\s*(\\?\S+)\s+(\\?\S+)\s*\((?<body>[^;]*)\);", RegexOptions.Multiline);
    private static readonly Regex Pin = new(@"\.(\w+)\s*\(\s*([^()]*?)\s*\)");
    private static readonly HashSet<string> Keywords = ["module", "input", "output", "wire", "reg", "assign", "inout", "endmodule"];

    private static readonly Regex ParameterOverride = new(@"(?<=^\s*\\?\S+\s+)#\s*\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)\s*", RegexOptions.Multiline);

    /// <summary>The netlist without parameter overrides on instances (`rom #(.INIT_FILE("x.hex")) u (...)`): OpenSTA 2.0.17's Verilog reader
    /// rejects them, and they change nothing for timing or power of a black box.</summary>
    public static string StripParameters(string text) => ParameterOverride.Replace(text, "");

    public static IReadOnlyList<NetlistInstance> Read(string text)
    {
        text = StripParameters(text);
        var result = new List<NetlistInstance>();
        foreach (Match m in Instance.Matches(text))
        {
            var cell = m.Groups[1].Value;
            if (Keywords.Contains(cell)) continue;
            var pins = new Dictionary<string, string>();
            foreach (Match p in Pin.Matches(m.Groups["body"].Value)) pins[p.Groups[1].Value] = p.Groups[2].Value;
            if (pins.Count == 0) continue;
            result.Add(new NetlistInstance(m.Groups[2].Value, cell, pins));
        }
        return result;
    }
}
