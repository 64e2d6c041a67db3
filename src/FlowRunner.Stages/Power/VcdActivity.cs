using System.Globalization;

namespace FlowRunner.Stages.Power;

/// <summary>One register bit's activity: toggles per clock cycle and the share of the time it is high.</summary>
public sealed record RegisterActivity(double Rate, double Duty);

/// <summary>Register activity measured by an Icarus VCD (hls.emit's activity.vcd): per bit, 0/1 transitions per clock cycle and the time
/// share spent high, over the dump (up to $dumpoff); the cycles are the rising edges of the dumped `clk`. Keys are the names Yosys gives a
/// flip-flop's output net: <c>name[bit]</c> for a vector register, <c>name</c> for a single bit.</summary>
public sealed class VcdActivity
{
    public required long Cycles { get; init; }
    public required IReadOnlyDictionary<string, RegisterActivity> ByNet { get; init; }

    /// <summary>The mean rate of the bits whose net name passes <paramref name="select"/>; null when none does.</summary>
    public double? MeanRate(Func<string, bool> select)
    {
        var rates = ByNet.Where(kv => select(kv.Key)).Select(kv => kv.Value.Rate).ToList();
        return rates.Count == 0 ? null : rates.Average();
    }

    private static void CheckEnding(string path)
    {
        using var f = File.OpenRead(path);
        if (f.Length == 0) throw new FormatException($"{path}: empty: the simulation wrote no VCD");
        var n = (int)Math.Min(f.Length, 256);
        var tail = new byte[n];
        f.Seek(-n, SeekOrigin.End);
        f.ReadExactly(tail);
        var text = System.Text.Encoding.ASCII.GetString(tail);
        var lines = text.Split('\n');
        var last = lines.Length >= 2 ? lines[^2].Trim() : "";
        var complete = text.EndsWith('\n') && (last == "$end" || (last.Length > 1 && last[0] == '#' && last.Skip(1).All(char.IsAsciiDigit)));
        if (!complete)
        {
            var lineCount = File.ReadLines(path).Count();
            var fragment = text.EndsWith('\n') ? last : lines[^1].Trim();
            throw new FormatException($"{path}:{lineCount}: the VCD ends with '{fragment}', not with $end or a final #time: it was cut short (a full disk?)");
        }
    }

    private sealed class Signal(string name, int msb, int lsb, bool ranged)
    {
        public readonly string Name = name;
        public int Width => Bits.Length;
        public readonly char[] Bits = Enumerable.Repeat('x', Math.Abs(msb - lsb) + 1).ToArray();
        public readonly long[] Toggles = new long[Math.Abs(msb - lsb) + 1];
        public readonly long[] HighSince = Enumerable.Repeat(-1L, Math.Abs(msb - lsb) + 1).ToArray();
        public readonly long[] HighTime = new long[Math.Abs(msb - lsb) + 1];

        /// <summary>The net name of bit i of the value string (i = 0 is the most significant written bit).</summary>
        public string NetOf(int i) => ranged || Width > 1 ? $"{Name}[{(msb >= lsb ? msb - i : msb + i)}]" : Name;
    }

    /// <summary>Reads a VCD; a malformed or truncated one is a <see cref="FormatException"/> naming the file and line.</summary>
    /// <remarks>Icarus ends a complete dump with a line break after `$end` (the block $dumpoff writes) or after the final `#time` (at
    /// $finish); vvp still exits 0 when a full disk cuts the file short, so a dump that ends any other way is refused as truncated.</remarks>
    public static VcdActivity Read(string path)
    {
        CheckEnding(path);
        var byId = new Dictionary<string, List<Signal>>(StringComparer.Ordinal);
        Signal? clock = null;
        long time = 0, end = -1, cycles = 0;
        var lineNo = 0;
        var inHeader = true;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            if (inHeader)
            {
                if (line.StartsWith("$var", StringComparison.Ordinal))
                {
                    var t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (t.Length < 5 || !int.TryParse(t[2], CultureInfo.InvariantCulture, out var width))
                        throw new FormatException($"{path}:{lineNo}: a $var needs a type, width, id and name: '{line}'");
                    int msb = width - 1, lsb = 0;
                    var ranged = false;
                    var name = t[4];
                    if (t.Length > 5 && t[5].StartsWith('['))
                    {
                        var r = t[5].Trim('[', ']').Split(':');
                        msb = int.Parse(r[0], CultureInfo.InvariantCulture);
                        lsb = r.Length > 1 ? int.Parse(r[1], CultureInfo.InvariantCulture) : msb;
                        ranged = true;
                    }
                    var s = new Signal(name, msb, lsb, ranged);
                    if (!byId.TryGetValue(t[3], out var list)) byId[t[3]] = list = [];
                    list.Add(s);
                    if (name == "clk" && s.Width == 1) clock ??= s;
                }
                else if (line.StartsWith("$enddefinitions", StringComparison.Ordinal)) inHeader = false;
                continue;
            }
            if (line[0] == '#')
            {
                if (!long.TryParse(line.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out time))
                    throw new FormatException($"{path}:{lineNo}: a time stamp must be #<integer>: '{line}'");
                continue;
            }
            if (line.StartsWith("$dumpoff", StringComparison.Ordinal)) { end = time; break; }
            if (line[0] == '$') continue; // $dumpvars, $end, $comment ...
            string value, id;
            if (line[0] is 'b' or 'B')
            {
                var space = line.IndexOf(' ');
                if (space < 0) throw new FormatException($"{path}:{lineNo}: a vector change needs 'b<bits> <id>': '{line}'");
                value = line[1..space];
                id = line[(space + 1)..].Trim();
            }
            else if (line[0] is '0' or '1' or 'x' or 'X' or 'z' or 'Z')
            {
                value = line[..1];
                id = line[1..];
            }
            else if (line[0] is 'r' or 'R') continue;
            else throw new FormatException($"{path}:{lineNo}: not a VCD value change: '{line}'");
            if (!byId.TryGetValue(id, out var signals)) throw new FormatException($"{path}:{lineNo}: unknown signal id '{id}'");
            foreach (var s in signals)
            {
                // Shorter values extend to the left with 0, or with x/z when they start with one.
                var pad = value.Length < s.Width ? (value[0] is 'x' or 'X' or 'z' or 'Z' ? char.ToLowerInvariant(value[0]) : '0') : '0';
                for (var i = 0; i < s.Width; i++)
                {
                    var k = i - (s.Width - value.Length);
                    var c = k < 0 ? pad : char.ToLowerInvariant(value[k]);
                    var old = s.Bits[i];
                    if (c == old) continue;
                    if ((old == '0' && c == '1') || (old == '1' && c == '0'))
                    {
                        s.Toggles[i]++;
                        if (s == clock && c == '1') cycles++;
                    }
                    if (old == '1') { s.HighTime[i] += time - s.HighSince[i]; s.HighSince[i] = -1; }
                    if (c == '1') s.HighSince[i] = time;
                    s.Bits[i] = c;
                }
            }
        }
        if (inHeader) throw new FormatException($"{path}: no $enddefinitions: not a VCD (or cut short)");
        if (clock is null) throw new FormatException($"{path}: no 1-bit 'clk' signal to count cycles by");
        if (end < 0) end = time;
        if (cycles == 0 || end <= 0) throw new FormatException($"{path}: the clock never rose: no cycles to measure activity over");
        var result = new Dictionary<string, RegisterActivity>(StringComparer.Ordinal);
        foreach (var s in byId.Values.SelectMany(l => l).Where(s => s != clock))
            for (var i = 0; i < s.Width; i++)
            {
                var high = s.HighTime[i] + (s.HighSince[i] >= 0 ? end - s.HighSince[i] : 0);
                result[s.NetOf(i)] = new RegisterActivity(Math.Min(1, (double)s.Toggles[i] / cycles), Math.Clamp((double)high / end, 0, 1));
            }
        return new VcdActivity { Cycles = cycles, ByNet = result };
    }
}
