using FlowRunner.Tech.Lef;
using FlowRunner.Tech.Liberty;

namespace FlowRunner.Tech.Memories;

/// <summary>The Liberty and LEF views of a macro, bsg_fakeram style: a black box with area, leakage, pin capacitance, clock-to-Q = access time, minimum period = cycle time, energy per read and write; pins on the bottom edge and obstructions over the rest.</summary>
public static class MacroViews
{
    /// <summary>The edge the signal pins sit on, as recorded in memory.json.</summary>
    public const string PinEdge = "bottom";

    /// <summary>A one-cell Liberty library for the macro, through the one black-box writer (<see cref="BlackboxLiberty"/>) with its energy tables.</summary>
    public static LibertyGroup Liberty(MacroInstance macro, MemoryKind kind, TechDescription tech)
    {
        var s = macro.Shape;
        var v = tech.Memory.Views;
        var t = tech.Memory.For(kind).Timing;
        var aw = LogicalMemory.AddressWidth(macro.Words);
        var pins = new List<BlackboxPin> { new("clk", "input"), new("ce", "input") };
        if (kind == MemoryKind.Sram) pins.Add(new("we", "input"));
        pins.Add(new("addr", "input", aw - 1, 0, true));
        if (kind == MemoryKind.Sram) pins.Add(new("din", "input", macro.Width - 1, 0, true));
        pins.Add(new("dout", "output", macro.Width - 1, 0, true));
        // Energy per access is charged on the rising clock edge under the condition that makes the access.
        IReadOnlyList<(string, double)> energies = kind == MemoryKind.Sram
            ? [("ce & !we", s.ReadEnergyPj), ("ce & we", s.WriteEnergyPj)]
            : [("ce", s.ReadEnergyPj)];
        var cell = new BlackboxCell(macro.Name, pins, "clk", new BlackboxTiming(t.SetupNs, t.HoldNs, s.AccessNs, Math.Max(s.AccessNs * 0.1, 0.01)))
        {
            AreaUm2 = s.AreaUm2,
            LeakageNw = s.LeakageUw * 1000,
            InputCapacitancePf = v.PinCapacitancePf,
            OutputMaxCapacitancePf = v.PinCapacitancePf * 50,
            MinPeriodNs = s.CycleNs,
            ClockEnergies = energies,
        };
        return BlackboxLiberty.Library(macro.Name, tech.SupplyV, [cell]);
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
