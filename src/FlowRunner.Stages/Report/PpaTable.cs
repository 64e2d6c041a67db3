using System.Globalization;
using System.Net;
using System.Text;
using FlowRunner.Engine.Results;

namespace FlowRunner.Stages.Report;

/// <summary>One row of the PPA table: a design (the software baseline or a hardware point) and its figures; null where unknown.</summary>
public sealed record PpaRow(string Design, string Format, int? Lanes, int? Multipliers, double? LatencyUs, double? PowerMw, double? AreaUm2,
    double? EnergyUj, double? Speedup, double? EnergyRatio, double? Accuracy, double? QatAccuracy)
{
    /// <summary>The clock latency, power and energy are counted at (the power stage's `clock` domain; the software core's own for software).</summary>
    public double? ClockMhz { get; init; }

    /// <summary>The same cycles at synth's fmax, shown beside the chosen clock's figures.</summary>
    public double? FmaxLatencyUs { get; init; }

    public double? FmaxSpeedup { get; init; }
}

/// <summary>The reference story's table: software baseline first, then hardware points, as Markdown, CSV or an HTML table.</summary>
public static class PpaTable
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "design", "format", "lanes", "multipliers", "clock_mhz", "latency_us", "power_mw", "area_um2", "energy_per_inference_uj",
        "speedup_vs_software", "energy_ratio_vs_software", "fmax_latency_us", "fmax_speedup_vs_software", "accuracy", "qat_accuracy",
    ];

    private static readonly IReadOnlyList<string> Headings =
    [
        "design", "format", "lanes", "multipliers", "clock (MHz)", "latency (us)", "power (mW)", "area (um2)", "energy / inference (uJ)",
        "speed-up vs software", "energy ratio vs software", "latency at fmax (us)", "speed-up at fmax", "accuracy (PTQ)", "accuracy (QAT)",
    ];

    /// <summary>The software row of a point's power metrics (speed-up and energy ratio 1 by definition).</summary>
    public static PpaRow? Software(IReadOnlyDictionary<string, double> m, string core = "rv32imf")
    {
        if (!m.TryGetValue("software_latency_us", out var latency)) return null;
        return new PpaRow($"software ({core})", "float32", null, null, latency, Get(m, "software_power_mw"), Get(m, "software_area_um2"),
            Get(m, "software_energy_per_inference_uj"), 1, 1, Get(m, "float_accuracy"), null) { ClockMhz = Get(m, "software_clock_mhz") };
    }

    /// <summary>A hardware row from a point's metrics (plain metric names, as the run report keys them).</summary>
    public static PpaRow Hardware(string design, IReadOnlyDictionary<string, double> m, string? format = null) => new(design,
        format ?? (m.TryGetValue("word_bits", out var w) && m.TryGetValue("int_bits", out var i) ? $"ac_fixed<{w:0},{i:0}>" : ""),
        Get(m, "lanes") is { } l ? (int)l : null, Get(m, "multipliers") is { } mu ? (int)mu : null,
        Get(m, "latency_us"), Get(m, "power_mw"), Get(m, "area_um2"), Get(m, "energy_per_inference_uj"),
        Get(m, "speedup_vs_software"), Get(m, "energy_ratio_vs_software"), Get(m, "accuracy"), Get(m, "qat_accuracy"))
    {
        ClockMhz = Get(m, "clock_ns") is { } ns && ns > 0 ? 1000 / ns : null,
        FmaxLatencyUs = Get(m, "fmax_latency_us"),
        FmaxSpeedup = Get(m, "fmax_speedup_vs_software"),
    };

    private static double? Get(IReadOnlyDictionary<string, double> m, string key) => m.TryGetValue(key, out var v) ? v : null;

    private static IEnumerable<string> Cells(PpaRow r) =>
    [
        r.Design, r.Format, I(r.Lanes), I(r.Multipliers), N(r.ClockMhz), N(r.LatencyUs), N(r.PowerMw), N(r.AreaUm2), N(r.EnergyUj),
        N(r.Speedup), N(r.EnergyRatio), N(r.FmaxLatencyUs), N(r.FmaxSpeedup), P(r.Accuracy), P(r.QatAccuracy),
    ];

    private static string I(int? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "";
    private static string N(double? v) => v is { } x ? Figures.Format(x) : "";
    private static string P(double? v) => v is { } x ? (x * 100).ToString("F2", CultureInfo.InvariantCulture) + "%" : "";

    /// <summary>What the table's ratios and clocks mean (under the Markdown table and the report's).</summary>
    public const string Note = "Speed-up and energy ratio are the software baseline's latency and energy per inference over the row's (above 1: the hardware wins). "
        + "Latency, power and energy are counted at the clock column's frequency, the power stage's `clock` (host: the software core's clock, the accelerator "
        + "on the host's bus); latency and speed-up at fmax are the same cycles at synthesis's maximum frequency. "
        + "Software: the network in float32 on the host core of tech/software, modelled from operation counts.";

    public static string Markdown(string title, IReadOnlyList<PpaRow> rows)
    {
        var sb = new StringBuilder();
        sb.Append("# ").AppendLine(title).AppendLine();
        sb.Append("| ").Append(string.Join(" | ", Headings)).AppendLine(" |");
        sb.Append('|').Append(string.Concat(Headings.Select(_ => " --- |"))).AppendLine();
        foreach (var r in rows) sb.Append("| ").Append(string.Join(" | ", Cells(r).Select(c => c.Replace("|", "\\|")))).AppendLine(" |");
        sb.AppendLine().AppendLine(Note);
        return sb.ToString();
    }

    /// <summary>CSV with raw numbers (invariant culture, full precision) under the metric names of <see cref="Columns"/>.</summary>
    public static string Csv(IReadOnlyList<PpaRow> rows)
    {
        static string R(double? v) => v?.ToString("R", CultureInfo.InvariantCulture) ?? "";
        static string Q(string s) => s.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
        var sb = new StringBuilder().AppendLine(string.Join(",", Columns));
        foreach (var r in rows)
            sb.AppendLine(string.Join(",", Q(r.Design), Q(r.Format), I(r.Lanes), I(r.Multipliers), R(r.ClockMhz), R(r.LatencyUs), R(r.PowerMw), R(r.AreaUm2),
                R(r.EnergyUj), R(r.Speedup), R(r.EnergyRatio), R(r.FmaxLatencyUs), R(r.FmaxSpeedup), R(r.Accuracy), R(r.QatAccuracy)));
        return sb.ToString();
    }

    public static string Html(IReadOnlyList<PpaRow> rows)
    {
        var sb = new StringBuilder("<table class=\"ppa-software\"><tr>");
        foreach (var h in Headings) sb.Append("<th>").Append(WebUtility.HtmlEncode(h)).Append("</th>");
        sb.Append("</tr>");
        foreach (var r in rows)
        {
            sb.Append("<tr>");
            var first = true;
            foreach (var c in Cells(r))
            {
                sb.Append(first ? "<td class=\"l\">" : "<td>").Append(WebUtility.HtmlEncode(c)).Append("</td>");
                first = false;
            }
            sb.Append("</tr>");
        }
        return sb.Append("</table>").ToString();
    }
}
