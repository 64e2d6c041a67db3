using System.Globalization;

namespace FlowRunner.Stages.GateSim;

/// <summary>The counts file <see cref="ToggleCounterVerilog"/>'s module writes: clock cycles, transitions per net, reads and writes per memory,
/// by index in the order the module was generated with.</summary>
public sealed record ToggleCounts(long Cycles, long[] Toggles, (long Reads, long Writes)[] Memories)
{
    /// <exception cref="FormatException">Not a complete counts file for <paramref name="nets"/> nets and <paramref name="memories"/> memories, naming the file and line.</exception>
    public static ToggleCounts Parse(string text, string file, int nets, int memories)
    {
        var lines = text.Split('\n');
        var head = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (head.Length != 7 || head[0] != "flowrunner-toggles-1" || head[1] != "cycles" || head[3] != "nets" || head[5] != "memories"
            || !long.TryParse(head[2], NumberStyles.None, CultureInfo.InvariantCulture, out var cycles))
            throw new FormatException($"{file}:1: not a toggle counts file (flowrunner-toggles-1 cycles C nets N memories M)");
        if (head[4] != nets.ToString(CultureInfo.InvariantCulture) || head[6] != memories.ToString(CultureInfo.InvariantCulture))
            throw new FormatException($"{file}:1: counts of {head[4]} nets and {head[6]} memories, the simulation counted {nets} and {memories}");
        var toggles = Enumerable.Repeat(-1L, nets).ToArray();
        var traffic = Enumerable.Repeat((-1L, -1L), memories).ToArray();
        for (var i = 1; i < lines.Length; i++)
        {
            var t = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (t.Length == 0) continue;
            long N(int k) => long.TryParse(t[k], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
                : throw new FormatException($"{file}:{i + 1}: '{t[k]}' is not a count");
            if (t[0] == "t" && t.Length == 3 && N(1) < nets) toggles[N(1)] = N(2);
            else if (t[0] == "m" && t.Length == 4 && N(1) < memories) traffic[N(1)] = (N(2), N(3));
            else throw new FormatException($"{file}:{i + 1}: expected 't INDEX COUNT' or 'm INDEX READS WRITES'");
        }
        var missing = Array.IndexOf(toggles, -1L);
        if (missing >= 0) throw new FormatException($"{file}: no count for net {missing}: the file was cut short");
        if (traffic.Any(x => x.Item1 < 0)) throw new FormatException($"{file}: a memory has no count: the file was cut short");
        return new ToggleCounts(cycles, toggles, traffic);
    }
}
