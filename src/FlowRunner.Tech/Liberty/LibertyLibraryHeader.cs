namespace FlowRunner.Tech.Liberty;

/// <summary>The top of a generated Liberty library: units (1 ns, 1 pF, 1 nW, 1 V, 1 mA), operating conditions and thresholds.</summary>
/// <remarks>The same units as the OSU 0.18 um library, so generated cells and macros mix with it and with each other.</remarks>
public static class LibertyLibraryHeader
{
    public static LibertyGroup Create(string name, double voltage)
    {
        var lib = new LibertyGroup("library", name);
        lib.SetComplex("technology", LibertyValue.Bare("cmos"));
        lib.Set("delay_model", "table_lookup");
        lib.SetQuoted("time_unit", "1ns");
        lib.SetQuoted("voltage_unit", "1V");
        lib.SetQuoted("current_unit", "1mA");
        lib.SetQuoted("pulling_resistance_unit", "1kohm");
        lib.SetQuoted("leakage_power_unit", "1nW");
        lib.SetComplex("capacitive_load_unit", LibertyValue.Bare("1"), LibertyValue.Bare("pf"));
        foreach (var edge in new[] { "rise", "fall" })
        {
            lib.Set($"slew_upper_threshold_pct_{edge}", 80);
            lib.Set($"slew_lower_threshold_pct_{edge}", 20);
            lib.Set($"input_threshold_pct_{edge}", 50);
            lib.Set($"output_threshold_pct_{edge}", 50);
        }
        lib.Set("nom_process", 1);
        lib.Set("nom_voltage", voltage);
        lib.Set("nom_temperature", 25);
        lib.Set("default_cell_leakage_power", 0);
        lib.Set("default_fanout_load", 1);
        lib.Set("default_inout_pin_cap", 0);
        lib.Set("default_input_pin_cap", 0);
        lib.Set("default_output_pin_cap", 0);
        // OpenSTA resolves default_operating_conditions as it reads: the group must come first.
        lib.AddGroup("operating_conditions", "typical")
            .Set("process", 1).Set("voltage", voltage).Set("temperature", 25);
        lib.Set("default_operating_conditions", "typical");
        return lib;
    }

    /// <summary>A two-index delay template: input transition by output load.</summary>
    public static LibertyGroup DelayTemplate(string name, IReadOnlyList<double> transitions, IReadOnlyList<double> loads)
    {
        var t = new LibertyGroup("lu_table_template", name)
            .Set("variable_1", "input_net_transition")
            .Set("variable_2", "total_output_net_capacitance");
        t.SetComplex("index_1", LibertyValue.List(transitions));
        t.SetComplex("index_2", LibertyValue.List(loads));
        return t;
    }
}
