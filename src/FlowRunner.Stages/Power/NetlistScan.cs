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

    public static IReadOnlyList<NetlistInstance> Read(string text)
    {
        text = Synthesis.StaTiming.WithoutInstanceParameters(text);
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
