using FlowRunner.Engine.Recipes;
using Quartz;

namespace FlowRunner.Engine.Schedules;

/// <summary>What to do when the machine was off (or the service stopped) at a recipe's fire time.</summary>
public enum MisfirePolicy { RunOnce, Skip }

/// <summary>A recipe's `schedule:` block: a Quartz cron expression (with seconds), the misfire policy, overrides and whether it is on.</summary>
/// <remarks>`schedule: { cron: "0 0 2 * * ?", misfire: run-once, set: [word=6], enabled: true, time_zone: UTC }`.</remarks>
public sealed record ScheduleSpec(string Cron, MisfirePolicy Misfire, IReadOnlyList<string> Set, bool Enabled, TimeZoneInfo TimeZone)
{
    public static readonly IReadOnlyList<string> Keys = ["cron", "misfire", "set", "enabled", "time_zone"];

    /// <summary>The schedule of a recipe, or null when it has none; problems are added to <paramref name="errors"/> with their places.</summary>
    public static ScheduleSpec? From(YMap? block, List<RecipeError> errors)
    {
        if (block is null) return null;
        foreach (var (k, km, _) in block.Entries.Where(e => !Keys.Contains(e.Key)))
            errors.Add(new RecipeError(km, $"unknown schedule key '{k}'{RecipeLoader.Suggest(k, Keys)} (keys: {string.Join(", ", Keys)})"));
        if (block["cron"] is not YScalar cronNode || cronNode.Text.Length == 0)
        {
            errors.Add(new RecipeError(block.Mark, "`schedule:` needs `cron:`, a Quartz cron expression with seconds, e.g. \"0 0 2 * * ?\" (02:00 every day)"));
            return null;
        }
        try
        {
            _ = CronExpression.Parse(cronNode.Text);
            if (OutOfRange(cronNode.Text) is { } why) throw new FormatException(why);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            errors.Add(new RecipeError(cronNode.Mark, $"cron '{cronNode.Text}': {e.Message} (Quartz format: seconds minutes hours day-of-month month day-of-week [year])"));
            return null;
        }
        var misfire = MisfirePolicy.RunOnce;
        if (block["misfire"] is YScalar m)
        {
            if (m.Text == "run-once") misfire = MisfirePolicy.RunOnce;
            else if (m.Text == "skip") misfire = MisfirePolicy.Skip;
            else errors.Add(new RecipeError(m.Mark, $"`misfire:` is run-once (a missed fire runs once at start) or skip, not '{m.Text}'"));
        }
        var set = new List<string>();
        switch (block["set"])
        {
            case null: break;
            case YSeq seq: set.AddRange(seq.Items.OfType<YScalar>().Select(s => s.Text)); break;
            case YScalar one: set.Add(one.Text); break;
            case var n: errors.Add(new RecipeError(n.Mark, "`set:` lists parameter overrides such as word=6")); break;
        }
        var enabled = block["enabled"]?.ToPlain() is not false;
        var zone = TimeZoneInfo.Local;
        if (block["time_zone"] is YScalar tz)
        {
            try { zone = TimeZoneInfo.FindSystemTimeZoneById(tz.Text); }
            catch (TimeZoneNotFoundException) { errors.Add(new RecipeError(tz.Mark, $"unknown time zone '{tz.Text}'")); }
        }
        return new ScheduleSpec(cronNode.Text, misfire, set, enabled, zone);
    }

    private static readonly (string Field, int Min, int Max)[] Fields =
        [("seconds", 0, 59), ("minutes", 0, 59), ("hours", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 1, 7), ("year", 1970, 2199)];

    /// <summary>Quartz quietly accepts some out-of-range numbers (minute 99 fires at minute 0); a recipe with one is an error instead.</summary>
    private static string? OutOfRange(string cron)
    {
        var parts = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length && i < Fields.Length; i++)
            foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(parts[i], @"(?<![/#\dLW])\d+"))
                if (int.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture) is var v && (v < Fields[i].Min || v > Fields[i].Max))
                    return $"{Fields[i].Field} value {v} is outside {Fields[i].Min}-{Fields[i].Max}";
        return null;
    }

    /// <summary>The next fire times after a moment.</summary>
    public IEnumerable<DateTimeOffset> NextFireTimes(DateTimeOffset after, int count)
    {
        var cron = new CronExpression(Cron, TimeZone);
        var t = after;
        for (var i = 0; i < count; i++)
        {
            if (cron.GetNextValidTimeAfter(t) is not { } next) yield break;
            yield return next;
            t = next;
        }
    }
}
