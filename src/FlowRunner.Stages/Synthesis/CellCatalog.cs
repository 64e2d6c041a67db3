using FlowRunner.Tech.Liberty;

namespace FlowRunner.Stages.Synthesis;

/// <summary>The reference cells of a Liberty library that the analytical model counts in (AND2, XOR2, MUX2, full adder, flip-flop, NAND2),
/// found by their function rather than their names so that any library works; and a reference gate delay.</summary>
public sealed class CellCatalog
{
    public required LibertyLibrary Library { get; init; }
    public required double And2Um2 { get; init; }
    public required double Xor2Um2 { get; init; }
    public required double Mux2Um2 { get; init; }
    public required double FullAdderUm2 { get; init; }
    public required double FlipFlopUm2 { get; init; }

    /// <summary>Delay of the smallest NAND2 driving four of its own inputs (a FO4-like unit), in ns: the unit the calibrated delays are counted in.</summary>
    public required double GateDelayNs { get; init; }

    /// <summary>Clock-to-output plus setup of the smallest flip-flop, in ns: the register overhead of every clocked path.</summary>
    public required double RegisterOverheadNs { get; init; }

    /// <summary>Names of the cells used, for the report.</summary>
    public required IReadOnlyDictionary<string, string> CellNames { get; init; }

    public static CellCatalog From(LibertyLibrary lib)
    {
        var names = new Dictionary<string, string>();
        LibertyCell Need(string role, LibertyCell? c) =>
            c ?? throw new InvalidOperationException($"{lib.File}: no {role} cell found (the analytical model counts area in it)");
        var and2 = Need("AND2", Smallest(lib, 2, [t => t[0] && t[1]]));
        var xor2 = Need("XOR2", Smallest(lib, 2, [t => t[0] ^ t[1]]));
        var nand2 = Need("NAND2", Smallest(lib, 2, [t => !(t[0] && t[1])]));
        // An inverting mux (osu018 MUX2X1) costs the same as a plain one.
        var mux2 = Need("MUX2", Smallest(lib, 3, [t => t[2] ? t[1] : t[0]], invertible: true));
        var fa = Smallest(lib, 3, [t => t[0] ^ t[1] ^ t[2], t => (t[0] && t[1]) || (t[0] && t[2]) || (t[1] && t[2])]);
        var ff = Need("flip-flop", lib.Cells.Where(c => !c.DontUse && c.Group.Group("ff") is { } g && g.Attribute("clear") is null && g.Attribute("preset") is null)
            .OrderBy(c => c.Area).ThenBy(c => c.Group.Group("ff")!.Text("clocked_on")?.Contains('!') == true).ThenBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault());
        names["and2"] = and2.Name;
        names["xor2"] = xor2.Name;
        names["nand2"] = nand2.Name;
        names["mux2"] = mux2.Name;
        names["dff"] = ff.Name;
        // A library without a full adder cell (or abc, which skips multi-output cells) builds it from two XOR2s and a majority of three gates.
        var faArea = fa?.Area ?? 2 * xor2.Area + 3 * nand2.Area;
        names["fa"] = fa?.Name ?? $"2 {xor2.Name} + 3 {nand2.Name}";

        var load = 4 * (nand2.Inputs.Select(p => p.Capacitance).DefaultIfEmpty(0).Average());
        return new CellCatalog
        {
            Library = lib,
            And2Um2 = and2.Area,
            Xor2Um2 = xor2.Area,
            Mux2Um2 = mux2.Area,
            FullAdderUm2 = faArea,
            FlipFlopUm2 = ff.Area,
            GateDelayNs = Delay(nand2, "combinational", load),
            RegisterOverheadNs = Delay(ff, "rising_edge", load) + Setup(ff),
            CellNames = names,
        };
    }

    /// <summary>The smallest usable combinational cell with exactly <paramref name="inputs"/> inputs whose outputs compute the given functions, for some order of its inputs.</summary>
    private static LibertyCell? Smallest(LibertyLibrary lib, int inputs, IReadOnlyList<Func<bool[], bool>> functions, bool invertible = false) =>
        lib.Cells.Where(c => !c.DontUse && !c.IsSequential && c.Inputs.Count() == inputs && c.Outputs.Count() == functions.Count)
            .Where(c => Matches(c, functions) || (invertible && Matches(c, functions.Select(f => (Func<bool[], bool>)(t => !f(t))).ToList())))
            .OrderBy(c => c.Area).ThenBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault();

    private static bool Matches(LibertyCell cell, IReadOnlyList<Func<bool[], bool>> functions)
    {
        var pins = cell.Inputs.Select(p => p.Name).ToList();
        var outputs = new List<LibertyFunction>();
        foreach (var o in cell.Outputs)
        {
            if (o.Function is null) return false;
            try { outputs.Add(LibertyFunction.Parse(o.Function)); }
            catch (Exception) { return false; }
        }
        foreach (var order in Permutations(pins.Count))
        {
            // Every wanted function must be computed by a distinct output.
            var used = new bool[outputs.Count];
            var all = true;
            foreach (var f in functions)
            {
                var k = Enumerable.Range(0, outputs.Count).FirstOrDefault(i => !used[i] && SameTable(outputs[i], pins, order, f), -1);
                if (k < 0) { all = false; break; }
                used[k] = true;
            }
            if (all) return true;
        }
        return false;
    }

    private static bool SameTable(LibertyFunction f, List<string> pins, int[] order, Func<bool[], bool> wanted)
    {
        for (var m = 0; m < 1 << pins.Count; m++)
        {
            var x = Enumerable.Range(0, pins.Count).Select(i => (m >> i & 1) == 1).ToArray();
            // Wanted input i is the cell's pin order[i].
            var byPin = new Dictionary<string, bool>();
            for (var i = 0; i < pins.Count; i++) byPin[pins[order[i]]] = x[i];
            if (f.Evaluate(n => byPin.GetValueOrDefault(n)) != wanted(x)) return false;
        }
        return true;
    }

    private static IEnumerable<int[]> Permutations(int n)
    {
        if (n == 0) { yield return []; yield break; }
        foreach (var rest in Permutations(n - 1))
            for (var at = 0; at <= rest.Length; at++)
                yield return [.. rest[..at], n - 1, .. rest[at..]];
    }

    /// <summary>Mean of the rise and fall delays of the cell's arcs of the given type, at the smallest input transition of the tables and the given load.</summary>
    private static double Delay(LibertyCell cell, string timingType, double load)
    {
        var values = new List<double>();
        foreach (var arc in cell.Outputs.SelectMany(o => o.Timings).Where(t => t.TimingType == timingType))
            foreach (var table in new[] { arc.CellRise, arc.CellFall })
                if (table is not null) values.Add(At(table, load));
        return values.Count == 0 ? 0 : values.Average();
    }

    private static double Setup(LibertyCell ff)
    {
        var values = ff.Inputs.SelectMany(p => p.Timings).Where(t => t.TimingType.StartsWith("setup", StringComparison.Ordinal))
            .SelectMany(t => new[] { t.Tables.GetValueOrDefault("rise_constraint"), t.Tables.GetValueOrDefault("fall_constraint") })
            .OfType<LibertyTable>().Select(t => t.Values[0, 0]).ToList();
        return values.Count == 0 ? 0 : values.Max();
    }

    private static double At(LibertyTable t, double load)
    {
        var loadFirst = t.Variable1?.Contains("capacitance", StringComparison.Ordinal) == true;
        var transitionAxis = loadFirst ? t.Index2 : t.Index1;
        var transition = transitionAxis.Count > 0 ? transitionAxis[0] : 0;
        return loadFirst ? t.Lookup(load, transition) : t.Lookup(transition, load);
    }
}
