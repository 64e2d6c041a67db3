using System.Globalization;

namespace FlowRunner.Engine.Results;

/// <summary>Numbers for people, in tables and reports: thousands separators from 1,000 up, four significant digits below, never
/// E-notation (0.0498, not 4.981E-02), invariant culture so a report reads the same on every machine.</summary>
public static class Figures
{
    public static string Format(double v, int significant = 4)
    {
        if (double.IsNaN(v)) return "";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return "0";
        var a = Math.Abs(v);
        if (a >= 1000) return v.ToString("N0", CultureInfo.InvariantCulture);
        var magnitude = (int)Math.Floor(Math.Log10(a));
        var decimals = Math.Clamp(significant - 1 - magnitude, 0, 12);
        var text = Math.Round(v, decimals).ToString("F" + decimals, CultureInfo.InvariantCulture);
        if (text.Contains('.')) text = text.TrimEnd('0').TrimEnd('.');
        return text is "-0" or "0" && a > 0 ? (v > 0 ? "<1e-12" : ">-1e-12") : text;
    }

    /// <summary>A parameter or metric value as text: numbers by <see cref="Format(double, int)"/>, other values as written.</summary>
    public static string Format(object? v) => v switch
    {
        null => "",
        double d => Format(d),
        float f => Format((double)f),
        long or int => Convert.ToInt64(v, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    };
}
