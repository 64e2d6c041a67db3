using FlowRunner.Stages.GateSim;
using FlowRunner.Tech.Liberty;
using FlowRunner.Tech.Netlist;

namespace FlowRunner.Stages.Power;

/// <summary>A memory instance's energy per access and leakage, for <see cref="GateLevelPower"/>.</summary>
public sealed record MacroEnergy(double ReadPj, double WritePj, double LeakageUw);

/// <summary>Gate-level power of one netlist from per-net toggle counts (sim.gate's gate_activity), in mW over the simulated time, by kind.</summary>
public sealed record GatePower(double SwitchingMw, double InternalMw, double LeakageMw, double MemoryMw, double MemoryLeakageMw, double ClockMw,
    double WireCapacitancePf, double PinCapacitancePf, int Nets, int Cells, int UnmatchedNets)
{
    public double TotalMw => SwitchingMw + InternalMw + LeakageMw + MemoryMw + MemoryLeakageMw;
}

/// <summary>Power from simulated activity the way PrimeTime PX computes it in averaged mode from a VCD (Synopsys, "PrimeTime PX User Guide",
/// averaged power analysis; the Liberty Reference Manual, internal_power and leakage_power), over the simulated time T = cycles x clock:
/// <list type="bullet">
/// <item>Switching: every net, 0.5 C V^2 per transition (a transition charges or discharges C once: E = C V^2 / 2), C = the input-pin
/// capacitances of its sinks (Liberty `capacitance`) plus its wire capacitance (pre-route: the estimate the caller gives, post-route: the routed RC).</item>
/// <item>Internal: every output pin's internal_power table per output transition, looked up at the net's load and the related input's
/// transition, rise_power and fall_power averaged (the counts do not tell rises from falls; over a run they are equal within one), the arcs
/// of several related pins weighted by those pins' transitions (PX's state- and path-dependent weighting by toggle share); `when` conditions
/// are averaged. Input-pin tables (a flip-flop's clock pin) per input transition, at its transition.</item>
/// <item>Transitions: a net's slew is its driver's rise/fall_transition table at the net's load and a nominal input slew (the middle of the
/// library's transition index), one level deep instead of PX's full slew propagation.</item>
/// <item>Leakage: every cell's cell_leakage_power (state-independent; PX weights `when` states by duty).</item>
/// <item>Memories: reads and writes counted in the simulation times the macros' energy per access (memory.json), plus their leakage.</item>
/// <item>Clock: the switching and internal power of the clock net and the nets driven by clock buffers, reported as part of the above.</item>
/// </list></summary>
public static class GateLevelPower
{
    /// <param name="wirePf">Wire capacitance of a net (by its representative bit), pF.</param>
    /// <param name="macros">Energy of each memory cell name; memory instances of other cells are charged nothing.</param>
    public static GatePower Compute(GateNetlist netlist, GateActivity activity, LibertyLibrary library, double supplyV, Func<NetBit, int, double> wirePf,
        IReadOnlyDictionary<string, MacroEnergy> macros)
    {
        var rep = netlist.Nets();
        NetBit Net(NetBit b) => rep.GetValueOrDefault(b, b);
        var units = library.Units;
        var toPj = units.Energy / 1e-12;
        var capToPf = units.Capacitance / 1e-12;
        var seconds = activity.Cycles * activity.ClockNs; // ns
        if (seconds <= 0) throw new FormatException($"{activity.NetlistFile}: no simulated time (cycles {activity.Cycles}, clock {activity.ClockNs} ns)");

        string Name(NetBit b) => netlist.Wires.TryGetValue(b.Wire!, out var w) && w.Ranged ? $"{b.Wire}[{b.Index}]" : b.Wire!;
        var byName = activity.Nets.ToDictionary(n => n.Net, n => n.Toggles, StringComparer.Ordinal);
        var toggles = new Dictionary<NetBit, long>();
        var unmatched = 0;
        foreach (var b in rep.Values.Where(b => !b.IsConstant).Distinct())
            if (byName.TryGetValue(Name(b), out var t)) toggles[b] = t; else unmatched++;
        long T(NetBit b) => toggles.GetValueOrDefault(Net(b));

        // Loads and drivers.
        var pinCap = new Dictionary<NetBit, double>();
        var fanout = new Dictionary<NetBit, int>();
        var drivers = new Dictionary<NetBit, (LibertyCell Cell, LibertyPin Pin)>();
        foreach (var inst in netlist.Cells)
        {
            if (library.Cell(inst.Cell) is not { } cell) continue;
            foreach (var (pin, bits) in inst.Pins)
            {
                if (bits.Count != 1 || bits[0].IsConstant || cell.Pin(pin) is not { } lp) continue;
                var n = Net(bits[0]);
                if (lp.Direction == PinDirection.Input) { pinCap[n] = pinCap.GetValueOrDefault(n) + lp.Capacitance * capToPf; fanout[n] = fanout.GetValueOrDefault(n) + 1; }
                else if (lp.Direction == PinDirection.Output) drivers[n] = (cell, lp);
            }
        }
        double Load(NetBit n) => pinCap.GetValueOrDefault(n) + wirePf(n, fanout.GetValueOrDefault(n));

        // Nominal input slew: the middle of the library's transition axis (library time unit).
        var slewAxis = library.Cells.SelectMany(c => c.Pins).SelectMany(p => p.Timings).Select(t => t.Tables.GetValueOrDefault("rise_transition")).OfType<LibertyTable>()
            .Select(t => IsTransition(t.Variable1) ? t.Index1 : t.Index2).FirstOrDefault(i => i.Count > 0) ?? [0.1];
        var nominal = slewAxis[slewAxis.Count / 2];
        var slew = new Dictionary<NetBit, double>();
        double Slew(NetBit n)
        {
            if (slew.TryGetValue(n, out var s)) return s;
            s = nominal;
            if (drivers.TryGetValue(n, out var d))
            {
                var tables = d.Pin.Timings.SelectMany(t => new[] { t.Tables.GetValueOrDefault("rise_transition"), t.Tables.GetValueOrDefault("fall_transition") }).OfType<LibertyTable>().ToList();
                if (tables.Count > 0) s = tables.Average(t => At(t, nominal, Load(n) / capToPf));
            }
            return slew[n] = Math.Max(0, s);
        }

        double switching = 0, internalPj = 0, clockPj = 0;
        var clockNets = new HashSet<NetBit>();
        if (netlist.Wires.ContainsKey("clk")) clockNets.Add(Net(new NetBit("clk", 0)));
        // Clock buffers' outputs are clock nets too (the fanout trees place.route adds); their switching counts as clock.
        var buffers = netlist.Cells.Select(i => (Inst: i, Cell: library.Cell(i.Cell))).Where(x => x.Cell is { } c && c.Inputs.Count() == 1 && c.Outputs.Count() == 1)
            .Select(x => (In: x.Inst.Pins.GetValueOrDefault(x.Cell!.Inputs.First().Name), Out: x.Inst.Pins.GetValueOrDefault(x.Cell.Outputs.First().Name)))
            .Where(x => x.In is { Count: 1 } && x.Out is { Count: 1 }).Select(x => (In: Net(x.In![0]), Out: Net(x.Out![0]))).ToList();
        for (var grown = true; grown;)
        {
            grown = false;
            foreach (var (input, output) in buffers)
                if (clockNets.Contains(input) && clockNets.Add(output)) grown = true;
        }
        foreach (var (n, t) in toggles)
        {
            var e = 0.5 * Load(n) * supplyV * supplyV * t; // pF V^2 = pJ
            switching += e;
        }
        foreach (var inst in netlist.Cells)
        {
            if (library.Cell(inst.Cell) is not { } cell) continue;
            NetBit? PinNet(string pin) => inst.Pins.TryGetValue(pin, out var bits) && bits.Count == 1 && !bits[0].IsConstant ? Net(bits[0]) : null;
            foreach (var lp in cell.Pins)
            {
                if (lp.InternalPower.Count == 0 || PinNet(lp.Name) is not { } n) continue;
                double energy;
                if (lp.Direction == PinDirection.Output)
                {
                    var arcs = lp.InternalPower.GroupBy(g => g.RelatedPin ?? "").Select(g =>
                    {
                        var related = g.Key.Length > 0 ? PinNet(g.Key) : null;
                        var s = related is { } r ? Slew(r) : nominal;
                        var pj = g.Average(a => Average(a, s, Load(n) / capToPf)) * toPj;
                        return (Weight: related is { } rr ? T(rr) : 0L, Pj: pj);
                    }).ToList();
                    var weight = arcs.Sum(a => (double)a.Weight);
                    energy = weight > 0 ? arcs.Sum(a => a.Pj * a.Weight) / weight : arcs.Average(a => a.Pj);
                }
                else energy = lp.InternalPower.Average(a => Average(a, Slew(n), 0)) * toPj;
                var pj2 = energy * T(n);
                internalPj += pj2;
                if (lp.IsClock || clockNets.Contains(n)) clockPj += pj2;
            }
        }
        foreach (var n in clockNets) clockPj += 0.5 * Load(n) * supplyV * supplyV * T(n);

        var leakage = netlist.Cells.Sum(i => library.Cell(i.Cell)?.LeakagePower ?? 0) * units.LeakagePower * 1e3; // W -> mW
        double memoryPj = 0, memoryLeakUw = 0;
        foreach (var m in activity.Memories)
        {
            if (!macros.TryGetValue(m.Cell, out var e)) continue;
            memoryPj += m.Reads * e.ReadPj + m.Writes * e.WritePj;
        }
        foreach (var inst in netlist.Cells)
            if (macros.TryGetValue(inst.Cell, out var e)) memoryLeakUw += e.LeakageUw;
        return new GatePower(switching / seconds, internalPj / seconds, leakage, memoryPj / seconds, memoryLeakUw / 1000, clockPj / seconds,
            toggles.Keys.Sum(n => wirePf(n, fanout.GetValueOrDefault(n))), pinCap.Values.Sum(), toggles.Count, netlist.Cells.Count, unmatched);
    }

    private static bool IsTransition(string? variable) => variable is not null && variable.Contains("transition", StringComparison.Ordinal);

    /// <summary>A table at (transition, load) whichever order its template gives its variables (library units).</summary>
    private static double At(LibertyTable t, double transition, double load)
    {
        if (t.Index2.Count == 0) return t.Lookup(IsTransition(t.Variable1) || t.Variable1 is null ? transition : load);
        return IsTransition(t.Variable1) ? t.Lookup(transition, load) : t.Lookup(load, transition);
    }

    private static double Average(LibertyInternalPower a, double transition, double load)
    {
        var rise = a.RisePower is { } r ? At(r, transition, load) : 0;
        var fall = a.FallPower is { } f ? At(f, transition, load) : rise;
        return (rise + (a.FallPower is null ? rise : fall)) / 2;
    }
}
