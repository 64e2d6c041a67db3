using System.Globalization;
using System.Text.RegularExpressions;
using FlowRunner.Floorplan.Model;

namespace FlowRunner.Floorplan.Bookshelf;

/// <summary>Reads GSRC/MCNC block-packing benchmarks in the UCLA Bookshelf format: `.blocks` (hard and soft blocks, terminals), `.nets`, `.pl`.</summary>
/// <remarks>
/// `.blocks`: `name hardrectilinear 4 (x, y) ...` (only rectangles), `name softrectangular area minAspect maxAspect`, `name terminal`,
/// with `NumSoftRectangularBlocks`, `NumHardRectilinearBlocks`, `NumTerminals` headers. `.nets`: `NumNets`, `NumPins`, then
/// `NetDegree : k [name]` followed by k pin lines `name B [: dx dy]`. `.pl`: `name x y [: orientation] [/FIXED]`; terminals take
/// their position from it, blocks only when marked /FIXED. Pins sit at block centres, as the benchmark's HPWL convention has it.
/// </remarks>
public static partial class BookshelfReader
{
    /// <summary>Reads FILE.blocks and, when present beside it, FILE.nets and FILE.pl.</summary>
    public static FloorplanProblem Read(string blocksPath)
    {
        if (!File.Exists(blocksPath)) throw new FloorplanException($"{blocksPath}: no such file");
        var stem = Path.Combine(Path.GetDirectoryName(blocksPath) ?? ".", Path.GetFileNameWithoutExtension(blocksPath));
        var (blocks, terminalNames) = ReadBlocks(blocksPath);
        var pl = stem + ".pl";
        var terminals = terminalNames.Select(t => new Terminal(t, 0, 0)).ToList();
        if (File.Exists(pl)) ReadPl(pl, blocks, terminals);
        var nets = File.Exists(stem + ".nets") ? ReadNets(stem + ".nets", blocks, terminals) : [];
        return new FloorplanProblem(Path.GetFileNameWithoutExtension(blocksPath), blocks, terminals, nets);
    }

    private static (List<FloorplanBlock>, List<string>) ReadBlocks(string path)
    {
        var blocks = new List<FloorplanBlock>();
        var terminals = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        int? soft = null, hard = null, term = null;
        var lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = Strip(raw);
            if (line.Length == 0 || lineNo == 1 && line.Contains("blocks", StringComparison.OrdinalIgnoreCase)) continue;
            var at = $"{path}:{lineNo}: ";
            if (Header(line) is var (key, value))
            {
                switch (key)
                {
                    case "NumSoftRectangularBlocks": soft = value; break;
                    case "NumHardRectilinearBlocks": hard = value; break;
                    case "NumTerminals": term = value; break;
                    default: throw new FloorplanException($"{at}unknown header '{key}'");
                }
                continue;
            }
            var parts = line.Split((char[])[' ', '\t'], 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2) throw new FloorplanException($"{at}expected `name hardrectilinear|softrectangular|terminal ...`, got '{raw.Trim()}'");
            var name = parts[0];
            if (!names.Add(name)) throw new FloorplanException($"{at}'{name}' is defined twice");
            switch (parts[1].ToLowerInvariant())
            {
                case "terminal":
                    terminals.Add(name);
                    break;
                case "hardrectilinear":
                    blocks.Add(Hard(name, parts.Length > 2 ? parts[2] : "", at) with { Source = $"{path}:{lineNo}" });
                    break;
                case "softrectangular":
                    var nums = (parts.Length > 2 ? parts[2] : "").Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                    if (nums.Length != 3 || !TryNumber(nums[0], out var area) || !TryNumber(nums[1], out var lo) || !TryNumber(nums[2], out var hi))
                        throw new FloorplanException($"{at}soft block '{name}': expected `softrectangular AREA MIN_ASPECT MAX_ASPECT`");
                    if (!(area > 0)) throw new FloorplanException($"{at}soft block '{name}' has zero or negative area {area}");
                    if (!(lo > 0 && lo <= hi)) throw new FloorplanException($"{at}soft block '{name}': aspect bounds must satisfy 0 < min <= max, got {lo} {hi}");
                    blocks.Add(FloorplanBlock.SoftRegion(name, area, lo, hi) with { Source = $"{path}:{lineNo}" });
                    break;
                default:
                    throw new FloorplanException($"{at}unknown block type '{parts[1]}' (expected hardrectilinear, softrectangular or terminal)");
            }
        }
        var hardCount = blocks.Count(b => !b.Soft);
        var softCount = blocks.Count(b => b.Soft);
        if (hard is int h && h != hardCount) throw new FloorplanException($"{path}: NumHardRectilinearBlocks says {h} but {hardCount} are defined");
        if (soft is int s && s != softCount) throw new FloorplanException($"{path}: NumSoftRectangularBlocks says {s} but {softCount} are defined");
        if (term is int t && t != terminals.Count) throw new FloorplanException($"{path}: NumTerminals says {t} but {terminals.Count} are defined");
        if (blocks.Count == 0) throw new FloorplanException($"{path}: no blocks defined");
        return (blocks, terminals);
    }

    private static FloorplanBlock Hard(string name, string rest, string at)
    {
        var head = rest.Split((char[])[' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
        if (head.Length < 2 || !int.TryParse(head[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var count))
            throw new FloorplanException($"{at}block '{name}': expected `hardrectilinear N (x, y) ...`");
        var points = PointPattern().Matches(head[1]).Select(m => (X: Number(m.Groups[1].Value, at), Y: Number(m.Groups[2].Value, at))).ToList();
        if (points.Count != count) throw new FloorplanException($"{at}block '{name}': says {count} vertices but lists {points.Count}");
        if (count != 4) throw new FloorplanException($"{at}block '{name}': only rectangles (4 vertices) are supported, got {count}");
        var xs = points.Select(p => p.X).Distinct().Count();
        var ys = points.Select(p => p.Y).Distinct().Count();
        var w = points.Max(p => p.X) - points.Min(p => p.X);
        var hgt = points.Max(p => p.Y) - points.Min(p => p.Y);
        if (w <= 0 || hgt <= 0) throw new FloorplanException($"{at}block '{name}' has zero size {w} x {hgt}");
        if (xs != 2 || ys != 2) throw new FloorplanException($"{at}block '{name}': the vertices do not form an axis-aligned rectangle");
        return new FloorplanBlock(name, w, hgt);
    }

    private static void ReadPl(string path, List<FloorplanBlock> blocks, List<Terminal> terminals)
    {
        var blockIndex = blocks.Select((b, i) => (b.Name, i)).ToDictionary(t => t.Name, t => t.i, StringComparer.Ordinal);
        var termIndex = terminals.Select((t, i) => (t.Name, i)).ToDictionary(t => t.Name, t => t.i, StringComparer.Ordinal);
        var lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = Strip(raw);
            if (line.Length == 0 || lineNo == 1 && line.StartsWith("UCLA", StringComparison.OrdinalIgnoreCase)) continue;
            var at = $"{path}:{lineNo}: ";
            var parts = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3 || !TryNumber(parts[1], out var x) || !TryNumber(parts[2], out var y))
                throw new FloorplanException($"{at}expected `name x y [: orientation] [/FIXED]`, got '{raw.Trim()}'");
            var isFixed = parts.Skip(3).Any(p => p.Equals("/FIXED", StringComparison.OrdinalIgnoreCase));
            if (termIndex.TryGetValue(parts[0], out var ti)) terminals[ti] = terminals[ti] with { X = x, Y = y };
            else if (blockIndex.TryGetValue(parts[0], out var bi)) { if (isFixed) blocks[bi] = blocks[bi] with { FixedAt = (x, y), Source = $"{path}:{lineNo}" }; }
            else throw new FloorplanException($"{at}'{parts[0]}' is neither a block nor a terminal of the .blocks file");
        }
    }

    private static List<Net> ReadNets(string path, List<FloorplanBlock> blocks, List<Terminal> terminals)
    {
        var blockIndex = blocks.Select((b, i) => (b.Name, i)).ToDictionary(t => t.Name, t => t.i, StringComparer.Ordinal);
        var termIndex = terminals.Select((t, i) => (t.Name, i)).ToDictionary(t => t.Name, t => t.i, StringComparer.Ordinal);
        var nets = new List<Net>();
        int? numNets = null, numPins = null;
        var pinsSeen = 0;
        var lineNo = 0;
        int remaining = 0, declaredAt = 0;
        string netName = "";
        List<int> nb = [], nt = [];
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = Strip(raw);
            if (line.Length == 0 || lineNo == 1 && line.StartsWith("UCLA", StringComparison.OrdinalIgnoreCase)) continue;
            var at = $"{path}:{lineNo}: ";
            if (remaining == 0 && Header(line) is var (key, value))
            {
                switch (key)
                {
                    case "NumNets": numNets = value; continue;
                    case "NumPins": numPins = value; continue;
                    case "NetDegree":
                        if (value < 1) throw new FloorplanException($"{at}NetDegree must be at least 1, got {value}");
                        remaining = value;
                        declaredAt = lineNo;
                        var tail = line.Split(':', 2)[1].Trim().Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                        netName = tail.Length > 1 ? tail[1] : $"net{nets.Count}";
                        nb = [];
                        nt = [];
                        continue;
                    default: throw new FloorplanException($"{at}unknown header '{key}'");
                }
            }
            if (remaining == 0) throw new FloorplanException($"{at}pin line outside a net (expected `NetDegree : k`), got '{raw.Trim()}'");
            var pin = line.Split((char[])[' ', '\t', ':'], StringSplitOptions.RemoveEmptyEntries)[0];
            if (blockIndex.TryGetValue(pin, out var bi)) nb.Add(bi);
            else if (termIndex.TryGetValue(pin, out var ti)) nt.Add(ti);
            else throw new FloorplanException($"{at}net pin '{pin}' is neither a block nor a terminal of the .blocks file");
            pinsSeen++;
            if (--remaining == 0) nets.Add(new Net(netName, nb, nt));
        }
        if (remaining > 0) throw new FloorplanException($"{path}:{declaredAt}: the net declares more pins than follow it (the file ends {remaining} short)");
        if (numNets is int n && n != nets.Count) throw new FloorplanException($"{path}: NumNets says {n} but {nets.Count} nets are listed");
        if (numPins is int p && p != pinsSeen) throw new FloorplanException($"{path}: NumPins says {p} but {pinsSeen} pins are listed");
        return nets;
    }

    private static (string Key, int Value)? Header(string line)
    {
        var m = HeaderPattern().Match(line);
        if (!m.Success) return null;
        return int.TryParse(m.Groups[2].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? (m.Groups[1].Value, v) : null;
    }

    private static string Strip(string raw)
    {
        var i = raw.IndexOf('#');
        return (i >= 0 ? raw[..i] : raw).Trim();
    }

    private static bool TryNumber(string s, out double v) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v) && double.IsFinite(v);

    private static double Number(string s, string at) =>
        TryNumber(s, out var v) ? v : throw new FloorplanException($"{at}'{s}' is not a number");

    [GeneratedRegex(@"\(\s*([-+0-9.eE]+)\s*,\s*([-+0-9.eE]+)\s*\)")]
    private static partial Regex PointPattern();

    [GeneratedRegex(@"^(Num\w+|NetDegree)\s*:\s*(-?\d+)")]
    private static partial Regex HeaderPattern();
}
