using System.Globalization;
using System.Text.RegularExpressions;

namespace FlowRunner.Tech.Liberty;

/// <summary>A library's units, as SI scale factors: a value in the file times the factor gives seconds, farads, watts, volts, amperes.</summary>
public sealed partial record LibertyUnits(double Time, double Capacitance, double LeakagePower, double Voltage, double Current)
{
    /// <summary>The units Liberty assumes when a library names none (1 ns, 1 pF, 1 nW, 1 V, 1 mA).</summary>
    public static LibertyUnits Default { get; } = new(1e-9, 1e-12, 1e-9, 1.0, 1e-3);

    /// <summary>Internal energy in tables is capacitance times voltage squared, in the library's units.</summary>
    public double Energy => Capacitance * Voltage * Voltage;

    internal static LibertyUnits From(LibertyGroup library, string file)
    {
        double Unit(string name, string baseUnit, double fallback)
        {
            var a = library.Attribute(name);
            return a is null ? fallback : ParseUnit(a.Text, baseUnit) ?? throw new LibertyFormatException(file, a.Line, $"cannot read {name} '{a.Text}' (expected e.g. \"1n{baseUnit}\")");
        }

        var cap = Default.Capacitance;
        if (library.Attribute("capacitive_load_unit") is { } c)
        {
            if (c.Values.Count != 2 || !double.TryParse(c.Values[0].Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
                || ParseUnit("1" + c.Values[1].Text.Trim(), "f") is not { } scale)
                throw new LibertyFormatException(file, c.Line, "capacitive_load_unit must read (number, ff|pf)");
            cap = n * scale;
        }
        return new LibertyUnits(
            Unit("time_unit", "s", Default.Time), cap, Unit("leakage_power_unit", "W", Default.LeakagePower),
            Unit("voltage_unit", "V", Default.Voltage), Unit("current_unit", "A", Default.Current));
    }

    /// <summary>"1ns" with base "s" gives 1e-9; "10ps" 1e-11; "1kohm" with base "ohm" 1e3. Case matters only for M (mega) against m (milli).</summary>
    internal static double? ParseUnit(string text, string baseUnit)
    {
        var m = UnitPattern().Match(text.Trim());
        if (!m.Success) return null;
        var number = double.Parse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        var rest = m.Groups[2].Value;
        if (!rest.EndsWith(baseUnit, StringComparison.OrdinalIgnoreCase)) return null;
        var prefix = rest[..^baseUnit.Length];
        double? scale = prefix switch
        {
            "" => 1, "f" or "F" => 1e-15, "p" or "P" => 1e-12, "n" or "N" => 1e-9, "u" or "U" => 1e-6, "m" => 1e-3,
            "k" or "K" => 1e3, "M" => 1e6, _ => null,
        };
        return scale is null ? null : number * scale;
    }

    [GeneratedRegex(@"^([0-9.eE+-]+)\s*([A-Za-z]+)$")]
    private static partial Regex UnitPattern();
}
