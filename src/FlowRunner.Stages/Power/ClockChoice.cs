using System.Globalization;

namespace FlowRunner.Stages.Power;

/// <summary>The clock domain the power stage counts latency, power and leakage energy in (its `clock` option): the host processor's
/// (the accelerator sits on the host microcontroller's bus, the reference story's setting), the synthesized maximum frequency, the
/// tech's nominal clock, or a given frequency.</summary>
public sealed record ClockChoice(ClockChoice.Domain Of, double Mhz = 0)
{
    /// <summary>Where the clock comes from.</summary>
    public enum Domain { Host, Fmax, Tech, Fixed }

    /// <summary>The values the option takes, as README and `flowrunner stages` show them.</summary>
    public const string Syntax = "host | fmax | tech | N MHz";

    public static readonly ClockChoice Host = new(Domain.Host);

    /// <summary>Reads `host`, `fmax`, `tech` or a positive frequency such as `13.8 MHz`, `500MHz` or `1 GHz`; null when the text is none of them.</summary>
    public static ClockChoice? Parse(string? text)
    {
        var t = (text ?? "").Trim();
        switch (t.ToLowerInvariant())
        {
            case "host": return Host;
            case "fmax": return new(Domain.Fmax);
            case "tech": return new(Domain.Tech);
        }
        foreach (var (unit, scale) in new[] { ("mhz", 1.0), ("ghz", 1000.0) })
        {
            if (!t.EndsWith(unit, StringComparison.OrdinalIgnoreCase)) continue;
            return double.TryParse(t[..^unit.Length].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f > 0 && double.IsFinite(f)
                ? new(Domain.Fixed, f * scale) : null;
        }
        return null;
    }

    /// <summary>Why a value is not a clock choice, or null when it is (the planner's check of the option at its place in the recipe).</summary>
    public static string? Problem(string text) => Parse(text) is null ? $"must be {Syntax} (a positive frequency), got '{text}'" : null;

    public override string ToString() => Of switch
    {
        Domain.Fixed => Mhz.ToString("0.###", CultureInfo.InvariantCulture) + " MHz",
        _ => Of.ToString().ToLowerInvariant(),
    };
}
