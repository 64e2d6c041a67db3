using System.Globalization;
using System.Text.RegularExpressions;

namespace FlowRunner.Stages.PlaceRoute;

/// <summary>What qrouter's `standard_route` log says: routes completed, nets that failed in the first pass, and the nets still unrouted at the end
/// (its "List of failed nets", else the "Failed to route net" lines).</summary>
/// <param name="FailedFirstPass">"Failed net routes: N" after stage 1 (nets rerouted by rip-up in stages 2 and 3: the router's congestion figure).</param>
/// <param name="FinalFailed">Nets left unrouted: 0 after "Final: No failed routes!", N after "Final: Failed net routes: N".</param>
public sealed partial record QrouterLog(int RoutesCompleted, int FailedFirstPass, int FinalFailed, int Nets, IReadOnlyList<string> FailedNets)
{
    /// <summary>Parses the log; throws <see cref="FormatException"/> naming the source when it has no final verdict (qrouter stopped early).</summary>
    public static QrouterLog Parse(string log, string source = "qrouter log")
    {
        var lines = log.Replace("\r", "").Split('\n');
        int? final = null;
        var completed = 0;
        int? firstPass = null;
        var stage = 0;
        var nets = 0;
        var failedNets = new List<string>();
        var listed = new List<string>();
        var inList = false;
        foreach (var line in lines)
        {
            var l = line.Trim();
            if (inList)
            {
                // "List of failed nets follows:" then one indented name a line.
                if (line.StartsWith(' ') && l.Length > 0 && !l.Contains(' ')) { listed.Add(l); continue; }
                inList = false;
            }
            if (l.StartsWith("List of failed nets follows", StringComparison.Ordinal)) { inList = true; continue; }
            if (l.StartsWith("Final: No failed routes", StringComparison.Ordinal)) final = 0;
            else if (FinalFailedLine().Match(l) is { Success: true } f) final = Int(f.Groups[1].Value);
            else if (CompletedLine().Match(l) is { Success: true } c)
            {
                completed = Int(c.Groups[2].Value);
                stage = Int(c.Groups[1].Value);
            }
            // The first "Failed net routes" follows stage 1: how many nets the first pass could not route.
            else if (FailedRoutesLine().Match(l) is { Success: true } fr && stage == 1 && firstPass is null) firstPass = Int(fr.Groups[1].Value);
            else if (NetsLine().Match(l) is { Success: true } n) nets = Int(n.Groups[1].Value);
            else if (l.StartsWith("Failed to route net ", StringComparison.Ordinal) && !l.Contains("restoring", StringComparison.Ordinal))
                failedNets.Add(l["Failed to route net ".Length..].Trim());
        }
        if (final is null)
            throw new FormatException($"{source}: no \"Final:\" line: qrouter did not finish routing. Last lines:{Environment.NewLine}{Tail(lines)}");
        return new QrouterLog(completed, firstPass ?? 0, final.Value, nets, (listed.Count > 0 ? listed : failedNets).Distinct(StringComparer.Ordinal).ToList());
    }

    internal static string Tail(IEnumerable<string> lines, int count = 15) =>
        string.Join(Environment.NewLine, lines.Select(l => l.TrimEnd()).Where(l => l.Length > 0).TakeLast(count).Select(l => "  | " + l));

    private static int Int(string s) => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^Final: Failed net routes: (\d+)")]
    private static partial Regex FinalFailedLine();

    [GeneratedRegex(@"^Progress: Stage (\d) total routes completed: (\d+)")]
    private static partial Regex CompletedLine();

    [GeneratedRegex(@"^Failed net routes: (\d+)")]
    private static partial Regex FailedRoutesLine();

    [GeneratedRegex(@"^Processed (\d+) nets total")]
    private static partial Regex NetsLine();
}
