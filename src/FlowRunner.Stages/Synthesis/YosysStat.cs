using System.Globalization;
using System.Text.RegularExpressions;
using FlowRunner.Abstractions;

namespace FlowRunner.Stages.Synthesis;

/// <summary>What Yosys's `stat -liberty` reported for the top module: chip area (Liberty units, um2), cells by type, and the cell types whose area it did not know (black boxes).</summary>
public sealed partial record YosysStat(string Module, double ChipArea, int CellCount, IReadOnlyDictionary<string, int> CellsByType, IReadOnlyList<string> UnknownAreaTypes)
{
    /// <summary>Parses the last `stat` section of a Yosys log (synth prints one without areas first); an error names the log when there is none.</summary>
    public static YosysStat Parse(string log, string source = "yosys log")
    {
        var lines = log.Replace("\r", "").Split('\n');
        var areaLine = Array.FindLastIndex(lines, l => l.TrimStart().StartsWith("Chip area for module", StringComparison.Ordinal));
        if (areaLine < 0) throw new StageFailedException($"{source}: no 'Chip area for module' line: did `stat -liberty` run?");
        var header = Array.FindLastIndex(lines, areaLine, l => HeaderLine().IsMatch(l));
        if (header < 0) throw new StageFailedException($"{source}:{areaLine + 1}: a chip area with no '=== module ===' header before it");
        var module = HeaderLine().Match(lines[header]).Groups[1].Value;
        var area = AreaLine().Match(lines[areaLine]);
        if (!area.Success) throw new StageFailedException($"{source}:{areaLine + 1}: cannot read the chip area in '{lines[areaLine].Trim()}'");

        var cells = new Dictionary<string, int>(StringComparer.Ordinal);
        var unknown = new List<string>();
        var count = -1;
        for (var i = header + 1; i < areaLine; i++)
        {
            var l = lines[i];
            var total = CellsLine().Match(l);
            if (total.Success)
            {
                count = int.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture);
                // The cell types follow, indented deeper, until a blank line.
                for (i++; i < areaLine && CellTypeLine().Match(lines[i]) is { Success: true } c; i++)
                    cells[c.Groups[1].Value.TrimStart('\\')] = int.Parse(c.Groups[2].Value, CultureInfo.InvariantCulture);
                i--;
                continue;
            }
            var u = UnknownLine().Match(l);
            if (u.Success) unknown.Add(u.Groups[1].Value);
        }
        if (count < 0) throw new StageFailedException($"{source}:{header + 1}: the stat section of '{module}' has no 'Number of cells' line");
        return new YosysStat(module, double.Parse(area.Groups[1].Value, CultureInfo.InvariantCulture), count, cells, unknown);
    }

    [GeneratedRegex(@"^===\s+(\S+)\s+===\s*$")]
    private static partial Regex HeaderLine();

    [GeneratedRegex(@"Chip area for module\s+'[^']*':\s+([0-9.eE+-]+)")]
    private static partial Regex AreaLine();

    [GeneratedRegex(@"^\s+Number of cells:\s+(\d+)\s*$")]
    private static partial Regex CellsLine();

    [GeneratedRegex(@"^\s{4,}(\S+)\s+(\d+)\s*$")]
    private static partial Regex CellTypeLine();

    [GeneratedRegex(@"Area for cell type \\?(\S+) is unknown")]
    private static partial Regex UnknownLine();
}
