using FlowRunner.Tech.Lef;
using FlowRunner.Tech.Liberty;

namespace FlowRunner.Tech.Memories;

/// <summary>The Liberty and LEF views of a macro, bsg_fakeram style: a black box with area, leakage, pin capacitance, clock-to-Q = access time, minimum period = cycle time, energy per read and write; pins on the bottom edge and obstructions over the rest.</summary>
public static class MacroViews
{
    /// <summary>The edge the signal pins sit on, as recorded in memory.json.</summary>
    public const string PinEdge = "bottom";

    /// <summary>A one-cell Liberty library for the macro, in the units of the generated standard cells (ns, pF, nW, V).</summary>
    public static LibertyGroup Liberty(MacroInstance macro, MemoryKind kind, TechDescription tech)
    {
        var s = macro.Shape;
        var v = tech.Memory.Views;
        var t = tech.Memory.For(kind).Timing;
        var aw = LogicalMemory.AddressWidth(macro.Words);
        var lib = LibertyLibraryHeader.Create(macro.Name, tech.SupplyV);
        foreach (var width in new[] { aw, macro.Width }.Distinct())
            lib.AddGroup("type", BusType(width))
                .Set("base_type", "array").Set("data_type", "bit").Set("bit_width", width)
                .Set("bit_from", width - 1).Set("bit_to", 0).Set("downto", "true");

        var cell = lib.AddGroup("cell", macro.Name)
            .Set("area", Math.Round(s.AreaUm2, 4))
            .Set("dont_touch", "true")
            .Set("dont_use", "true")
            .Set("cell_leakage_power", Math.Round(s.LeakageUw * 1000, 6));

        var clk = cell.AddGroup("pin", "clk").Set("direction", "input").Set("capacitance", v.PinCapacitancePf)
            .Set("clock", "true").Set("min_period", Math.Round(s.CycleNs, 4))
            .Set("min_pulse_width_high", Math.Round(s.CycleNs / 2, 4)).Set("min_pulse_width_low", Math.Round(s.CycleNs / 2, 4));
        // Energy per access is charged on the rising clock edge under the condition that makes the access.
        if (kind == MemoryKind.Sram)
        {
            clk.Add(ClockEnergy("ce & !we", s.ReadEnergyPj));
            clk.Add(ClockEnergy("ce & we", s.WriteEnergyPj));
        }
        else clk.Add(ClockEnergy("ce", s.ReadEnergyPj));

        Input(cell.AddGroup("pin", "ce"), v, t);
        if (kind == MemoryKind.Sram) Input(cell.AddGroup("pin", "we"), v, t);
        Input(cell.AddGroup("bus", "addr").Set("bus_type", BusType(aw)), v, t);
        if (kind == MemoryKind.Sram) Input(cell.AddGroup("bus", "din").Set("bus_type", BusType(macro.Width)), v, t);

        var dout = cell.AddGroup("bus", "dout").Set("bus_type", BusType(macro.Width))
            .Set("direction", "output").Set("capacitance", 0).Set("max_capacitance", v.PinCapacitancePf * 50);
        var access = LibertyTable.Scalar(Math.Round(s.AccessNs, 4));
        var slew = LibertyTable.Scalar(Math.Round(Math.Max(s.AccessNs * 0.1, 0.01), 4));
        dout.AddGroup("timing").SetQuoted("related_pin", "clk").Set("timing_type", "rising_edge").Set("timing_sense", "non_unate")
            .Add(access.ToGroup("cell_rise")).Add(access.ToGroup("cell_fall"))
            .Add(slew.ToGroup("rise_transition")).Add(slew.ToGroup("fall_transition"));
        return lib;
    }

    private static string BusType(int width) => $"bus_{width}";

    private static LibertyGroup ClockEnergy(string when, double energyPj)
    {
        var e = LibertyTable.Scalar(Math.Round(energyPj, 6));
        var zero = LibertyTable.Scalar(0);
        return new LibertyGroup("internal_power").SetQuoted("when", when).Add(e.ToGroup("rise_power")).Add(zero.ToGroup("fall_power"));
    }

    private static void Input(LibertyGroup pin, MacroViewSpec v, MemoryTimingSpec t)
    {
        pin.Set("direction", "input").Set("capacitance", v.PinCapacitancePf);
        foreach (var (type, ns) in new[] { ("setup_rising", t.SetupNs), ("hold_rising", t.HoldNs) })
        {
            var c = LibertyTable.Scalar(Math.Round(ns, 4));
            pin.AddGroup("timing").SetQuoted("related_pin", "clk").Set("timing_type", type)
                .Add(c.ToGroup("rise_constraint")).Add(c.ToGroup("fall_constraint"));
        }
    }

    /// <summary>The LEF abstract: CLASS BLOCK, signal pins along the bottom edge at the pin pitch, power stripes at the top, obstructions over the rest.</summary>
    public static LefMacro Lef(MacroInstance macro, MemoryKind kind, MacroViewSpec v)
    {
        var s = macro.Shape;
        var w = s.WidthUm;
        var h = s.HeightUm;
        var names = new List<(string Name, string Direction, string Use)> { ("clk", "INPUT", "CLOCK"), ("ce", "INPUT", "SIGNAL") };
        if (kind == MemoryKind.Sram) names.Add(("we", "INPUT", "SIGNAL"));
        var aw = LogicalMemory.AddressWidth(macro.Words);
        names.AddRange(Enumerable.Range(0, aw).Select(i => ($"addr[{i}]", "INPUT", "SIGNAL")));
        if (kind == MemoryKind.Sram) names.AddRange(Enumerable.Range(0, macro.Width).Select(i => ($"din[{i}]", "INPUT", "SIGNAL")));
        names.AddRange(Enumerable.Range(0, macro.Width).Select(i => ($"dout[{i}]", "OUTPUT", "SIGNAL")));

        // Spread the pins over the bottom edge, each centred on a track (a multiple of the pin pitch, so on the grid);
        // the characterizer made the macro wide enough for one pin a pitch, and steps of at least one pitch never collide.
        var step = Math.Max(v.PinPitchUm, w / (names.Count + 1));
        var pins = names.Select((p, i) =>
        {
            var x = Math.Round(Math.Round((i + 1) * step / v.PinPitchUm) * v.PinPitchUm, 4);
            var rect = new LefRect(x - v.PinWidthUm / 2, 0, x + v.PinWidthUm / 2, v.PinLengthUm);
            return new LefPin(p.Name, p.Direction, p.Use, [new LefShape(v.PinLayer, rect)]);
        }).ToList();

        var stripe = v.PowerStripeUm;
        pins.Add(new LefPin(v.PowerPins[0], "INOUT", "POWER", [new LefShape(v.PowerLayer, new LefRect(0, h - stripe, w, h))]));
        pins.Add(new LefPin(v.PowerPins[1], "INOUT", "GROUND", [new LefShape(v.PowerLayer, new LefRect(0, h - 3 * stripe, w, h - 2 * stripe))]));

        var obs = v.ObstructionLayers.Select(layer => layer == v.PinLayer
            ? new LefShape(layer, new LefRect(0, v.PinLengthUm + v.PinWidthUm, w, h))
            : new LefShape(layer, new LefRect(0, 0, w, h))).ToList();
        return new LefMacro(macro.Name, "BLOCK", w, h) { Pins = pins, Obstructions = obs, Symmetry = "X Y R90" };
    }
}
