namespace FlowRunner.Tech.Liberty;

/// <summary>A pin of a black-box cell: one bit, or a bus [msb:lsb]; "input" or "output".</summary>
public sealed record BlackboxPin(string Name, string Direction, int Msb = 0, int Lsb = 0, bool IsBus = false);

/// <summary>Timing of a black box around its clock (ns): setup (and hold, when given) of every other input, clock-to-output and output slew of
/// every output.</summary>
public sealed record BlackboxTiming(double SetupNs, double? HoldNs, double ClockToOutputNs, double OutputTransitionNs);

/// <summary>One black-box cell: pins, the clock pin (none: no timing arcs), timing, area and leakage, and, when the cell has them, energy
/// tables: per access condition (`when`, e.g. "ce &amp; !we") the energy charged on the rising clock edge.</summary>
public sealed record BlackboxCell(string Name, IReadOnlyList<BlackboxPin> Pins, string? Clock, BlackboxTiming Timing)
{
    public double AreaUm2 { get; init; }

    /// <summary>Leakage in nW; null: none written.</summary>
    public double? LeakageNw { get; init; }

    public double InputCapacitancePf { get; init; } = 0.002;

    /// <summary>The outputs' max_capacitance; null: none written.</summary>
    public double? OutputMaxCapacitancePf { get; init; }

    /// <summary>The clock's minimum period (and half of it as the minimum pulse widths); null: none written.</summary>
    public double? MinPeriodNs { get; init; }

    /// <summary>Energy per access on the rising clock edge under its condition; empty: a timing-only cell.</summary>
    public IReadOnlyList<(string When, double EnergyPj)> ClockEnergies { get; init; } = [];
}

/// <summary>The one writer of black-box Liberty libraries, in the units of the generated standard cells (ns, pF, nW, V): synth's memory black
/// boxes for OpenSTA (timing only, from the RTL's ports) and the memory compiler's macro and logical-memory views (with area, leakage and
/// energy tables). Every cell is a macro that is never mapped to (dont_use, dont_touch).</summary>
public static class BlackboxLiberty
{
    public static LibertyGroup Library(string name, double voltage, IReadOnlyList<BlackboxCell> cells)
    {
        var lib = LibertyLibraryHeader.Create(name, voltage);
        foreach (var (msb, lsb) in cells.SelectMany(c => c.Pins).Where(p => p.IsBus).Select(p => (p.Msb, p.Lsb)).Distinct().OrderBy(x => x))
            lib.AddGroup("type", BusType(msb, lsb))
                .Set("base_type", "array").Set("data_type", "bit")
                .Set("bit_width", Math.Abs(msb - lsb) + 1).Set("bit_from", msb).Set("bit_to", lsb)
                .Set("downto", msb >= lsb ? "true" : "false");
        foreach (var c in cells) lib.Add(Cell(c));
        return lib;
    }

    private static string BusType(int msb, int lsb) => $"bus_{msb}_{lsb}";

    private static LibertyGroup Cell(BlackboxCell c)
    {
        var cell = new LibertyGroup("cell", c.Name).Set("area", Math.Round(c.AreaUm2, 4)).Set("is_macro_cell", "true").Set("dont_touch", "true").Set("dont_use", "true");
        if (c.LeakageNw is { } leakage) cell.Set("cell_leakage_power", Math.Round(leakage, 6));
        var t = c.Timing;
        foreach (var p in c.Pins)
        {
            var pin = p.IsBus ? cell.AddGroup("bus", p.Name).Set("bus_type", BusType(p.Msb, p.Lsb)) : cell.AddGroup("pin", p.Name);
            pin.Set("direction", p.Direction);
            if (p.Direction == "input")
            {
                pin.Set("capacitance", c.InputCapacitancePf);
                if (p.Name == c.Clock)
                {
                    pin.Set("clock", "true");
                    if (c.MinPeriodNs is { } period)
                        pin.Set("min_period", Math.Round(period, 4)).Set("min_pulse_width_high", Math.Round(period / 2, 4)).Set("min_pulse_width_low", Math.Round(period / 2, 4));
                    foreach (var (when, energy) in c.ClockEnergies)
                        pin.Add(new LibertyGroup("internal_power").SetQuoted("when", when)
                            .Add(LibertyTable.Scalar(Math.Round(energy, 6)).ToGroup("rise_power")).Add(LibertyTable.Scalar(0).ToGroup("fall_power")));
                    continue;
                }
                if (c.Clock is null) continue;
                foreach (var (type, ns) in new[] { ("setup_rising", (double?)t.SetupNs), ("hold_rising", t.HoldNs) })
                {
                    if (ns is not { } value) continue;
                    var constraint = LibertyTable.Scalar(Math.Round(value, 4));
                    pin.AddGroup("timing").SetQuoted("related_pin", c.Clock).Set("timing_type", type)
                        .Add(constraint.ToGroup("rise_constraint")).Add(constraint.ToGroup("fall_constraint"));
                }
            }
            else if (p.Direction == "output")
            {
                pin.Set("capacitance", 0);
                if (c.OutputMaxCapacitancePf is { } max) pin.Set("max_capacitance", max);
                if (c.Clock is null) continue;
                var access = LibertyTable.Scalar(Math.Round(t.ClockToOutputNs, 4));
                var slew = LibertyTable.Scalar(Math.Round(t.OutputTransitionNs, 4));
                pin.AddGroup("timing").SetQuoted("related_pin", c.Clock).Set("timing_type", "rising_edge").Set("timing_sense", "non_unate")
                    .Add(access.ToGroup("cell_rise")).Add(access.ToGroup("cell_fall"))
                    .Add(slew.ToGroup("rise_transition")).Add(slew.ToGroup("fall_transition"));
            }
        }
        return cell;
    }
}
