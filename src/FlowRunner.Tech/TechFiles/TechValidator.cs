using FlowRunner.Tech.Memories;

namespace FlowRunner.Tech;

/// <summary>Checks a loaded tech description for missing or impossible values, pointing at the key's line.</summary>
internal sealed class TechValidator
{
    private readonly TechDescription _tech;
    private readonly YamlKeyLines _lines;

    private TechValidator(TechDescription tech, YamlKeyLines lines)
    {
        _tech = tech;
        _lines = lines;
    }

    public static void Validate(TechDescription tech, YamlKeyLines lines) => new TechValidator(tech, lines).Run();

    private void Fail(string key, string message) => throw new TechFormatException(_tech.File, _lines.LineOf(key), key, message);

    private void Positive(string key, double value)
    {
        if (!(value > 0)) Fail(key, $"must be a positive number (is it missing?), got {value}");
    }

    private void NonNegative(string key, double value)
    {
        if (!(value >= 0)) Fail(key, $"must be zero or more, got {value}");
    }

    private void Run()
    {
        if (string.IsNullOrWhiteSpace(_tech.Name)) Fail("name", "is required");
        Positive("node_nm", _tech.NodeNm);
        Positive("supply_v", _tech.SupplyV);
        Positive("clock_ns", _tech.ClockNs);
        Positive("rows.height_um", _tech.Rows.HeightUm);
        Positive("rows.site_um", _tech.Rows.SiteUm);
        NonNegative("wire.capacitance_ff_per_um", _tech.Wire.CapacitanceFfPerUm);
        NonNegative("wire.energy_pj_per_bit_mm", _tech.Wire.EnergyPjPerBitMm);
        StdCells();
        for (var i = 0; i < _tech.Operations.IntAdd.Count; i++) Positive($"operations.int_add[{i}].width", _tech.Operations.IntAdd[i].Width);
        for (var i = 0; i < _tech.Operations.IntMul.Count; i++) Positive($"operations.int_mul[{i}].width", _tech.Operations.IntMul[i].Width);
        Template("memory.sram", _tech.Memory.Sram);
        Template("memory.rom", _tech.Memory.Rom);
        var v = _tech.Memory.Views;
        if (string.IsNullOrWhiteSpace(v.PinLayer)) Fail("memory.views.pin_layer", "is required (the LEF layer of the macro pins)");
        Positive("memory.views.pin_width_um", v.PinWidthUm);
        Positive("memory.views.pin_length_um", v.PinLengthUm);
        Positive("memory.views.pin_pitch_um", v.PinPitchUm);
        Positive("memory.views.pin_capacitance_pf", v.PinCapacitancePf);
        Positive("memory.views.grid_um", v.GridUm);
        if (v.PowerPins.Count != 2) Fail("memory.views.power_pins", "must name the power and the ground pin, e.g. [vdd, gnd]");
        NonNegative("memory.banking.mux_area_um2_per_bit", _tech.Memory.Banking.MuxAreaUm2PerBit);
        NonNegative("memory.banking.mux_energy_pj_per_bit", _tech.Memory.Banking.MuxEnergyPjPerBit);
    }

    private void StdCells()
    {
        var s = _tech.StdCells;
        if (s.Generate)
        {
            var c = _tech.Cells;
            if (c is null || c.List.Count == 0) { Fail("cells", "stdcells.generate is true, so `cells:` must list the cells to derive"); return; }
            if (string.IsNullOrWhiteSpace(c.Library)) Fail("cells.library", "is required (the generated library's name)");
            Positive("cells.unit.area_um2", c.Unit.AreaUm2);
            Positive("cells.unit.input_cap_pf", c.Unit.InputCapPf);
            Positive("cells.unit.tau_ns", c.Unit.TauNs);
            NonNegative("cells.unit.energy_pj", c.Unit.EnergyPj);
            NonNegative("cells.unit.leakage_nw", c.Unit.LeakageNw);
            if (c.Axes.TransitionNs.Count < 1 || c.Axes.LoadPf.Count < 1) Fail("cells.axes", "needs transition_ns and load_pf points");
            for (var i = 0; i < c.List.Count; i++)
            {
                var cell = c.List[i];
                var key = $"cells.list[{i}]";
                if (string.IsNullOrWhiteSpace(cell.Name)) Fail($"{key}.name", "is required");
                Positive($"{key}.ge", cell.Ge);
                if (cell.Outputs.Count == 0) Fail($"{key}.outputs", $"cell {cell.Name} has no outputs");
                foreach (var (pin, function) in cell.Outputs)
                {
                    if (cell.Sequential is not null) continue;
                    try
                    {
                        var f = Liberty.LibertyFunction.Parse(function);
                        var unknown = f.Variables.Except(cell.Inputs).ToList();
                        if (unknown.Count > 0) Fail($"{key}.outputs", $"{cell.Name}.{pin} = \"{function}\" reads {string.Join(", ", unknown)}, which are not among its inputs");
                    }
                    catch (FormatException e) when (e is not TechFormatException)
                    {
                        Fail($"{key}.outputs", e.Message);
                    }
                }
            }
        }
        else if (string.IsNullOrWhiteSpace(s.Liberty))
            Fail("stdcells.liberty", "is required unless stdcells.generate is true");
    }

    private void Template(string key, MemoryTemplate t)
    {
        Positive($"{key}.bitcell.width_um", t.Bitcell.WidthUm);
        Positive($"{key}.bitcell.height_um", t.Bitcell.HeightUm);
        Positive($"{key}.rows.min", t.Rows.Min);
        if (t.Rows.Max < t.Rows.Min) Fail($"{key}.rows.max", $"must be at least rows.min ({t.Rows.Min})");
        if (t.ColumnMux.Count == 0) Fail($"{key}.column_mux", "must list the column mux options, e.g. [1, 2, 4, 8, 16]");
        foreach (var m in t.ColumnMux)
            if (m < 1 || (m & (m - 1)) != 0) Fail($"{key}.column_mux", $"{m} is not a power of two");
        Positive($"{key}.width.min", t.Width.Min);
        if (t.Width.Max < t.Width.Min) Fail($"{key}.width.max", $"must be at least width.min ({t.Width.Min})");
        Positive($"{key}.energy.anchor_width", t.Energy.AnchorWidth);
        Positive($"{key}.energy.anchor_depth", t.Energy.AnchorDepth);
        Positive($"{key}.energy.anchor_read_pj", t.Energy.AnchorReadPj);
        if (!(t.Energy.DepthExponent > 0 && t.Energy.DepthExponent <= 2)) Fail($"{key}.energy.depth_exponent", "must be in (0, 2]");
        if (!(t.Energy.FixedPj >= 0 && t.Energy.FixedPj < t.Energy.AnchorReadPj)) Fail($"{key}.energy.fixed_pj", "must be at least 0 and below anchor_read_pj");
        Positive($"{key}.energy.write_to_read", t.Energy.WriteToRead);
        NonNegative($"{key}.leakage.per_bit_nw", t.Leakage.PerBitNw);
        NonNegative($"{key}.leakage.per_periphery_um2_nw", t.Leakage.PerPeripheryUm2Nw);
        Positive($"{key}.timing.base_ns", t.Timing.BaseNs);
        if (!(t.Timing.CycleToAccess >= 1)) Fail($"{key}.timing.cycle_to_access", "must be at least 1");
        NonNegative($"{key}.periphery.decoder_base_um", t.Periphery.DecoderBaseUm);
        NonNegative($"{key}.periphery.column_base_um", t.Periphery.ColumnBaseUm);
    }
}
