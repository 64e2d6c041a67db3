using System.Net;
using System.Text;
using FlowRunner.Abstractions;
using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Results;
using FlowRunner.Hls.Schedule;
using FlowRunner.Stages.Hls;
using FlowRunner.Stages.Power;

namespace FlowRunner.Stages.RunReport;

/// <summary>The report's detail sections: energy and power per part (logic, memory, clock, leakage) for every point, the best point's rows per
/// layer (cycles, MACs, energy, memory) from hls.emit's schedule.json and the power stage's power.json, and links to every stage's folder,
/// log and artifacts (relative to the run folder, so the report works offline and moved with its run).</summary>
public static class ReportDetails
{
    private static readonly (string Part, string Energy, string Power)[] Parts =
    [
        ("logic", "logic_energy_uj", "logic_power_mw"), ("memory", "memory_energy_uj", "memory_power_mw"),
        ("clock", "clock_energy_uj", "clock_power_mw"), ("leakage", "leakage_energy_uj", "leakage_mw"),
    ];

    private static readonly string[] Colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"];

    /// <summary>Energy per inference and power by part for each point that has the split, with a bar of the shares; null when none has it.</summary>
    public static string? Breakdown(IReadOnlyList<PointResult> points)
    {
        // The clock part is optional: OpenSTA counts the clock pins in the logic.
        var rows = points.Where(p => p.Succeeded && Parts.All(x => x.Part == "clock" || p.Metrics.ContainsKey(x.Energy))).ToList();
        if (rows.Count == 0) return null;
        var sb = new StringBuilder("<div class=\"scroll\"><table class=\"breakdown\"><tr><th class=\"l\">point</th>");
        foreach (var (part, _, _) in Parts) sb.Append("<th>").Append(part).Append(" (uJ)</th>");
        foreach (var (part, _, _) in Parts) sb.Append("<th>").Append(part).Append(" (mW)</th>");
        sb.Append("<th>total (uJ)</th><th class=\"l\">shares of the energy</th></tr>");
        foreach (var p in rows)
        {
            var energies = Parts.Select(x => p.Metrics.GetValueOrDefault(x.Energy)).ToList();
            var total = energies.Sum();
            sb.Append("<tr><td class=\"l\">").Append(E($"{p.PointId} [{p.Label}]")).Append("</td>");
            foreach (var e in energies) sb.Append("<td>").Append(Figures.Format(e)).Append("</td>");
            foreach (var (_, _, power) in Parts) sb.Append("<td>").Append(p.Metrics.TryGetValue(power, out var w) ? Figures.Format(w) : "").Append("</td>");
            sb.Append("<td>").Append(Figures.Format(total)).Append("</td><td class=\"l\"><div class=\"bar\">");
            for (var i = 0; i < Parts.Length; i++)
            {
                var share = total > 0 ? energies[i] / total * 100 : 0;
                sb.Append("<span style=\"width:").Append(Figures.Format(share)).Append("%;background:").Append(Colours[i]).Append("\" title=\"")
                    .Append(Parts[i].Part).Append(' ').Append(Figures.Format(share)).Append("%\"></span>");
            }
            sb.Append("</div></td></tr>");
        }
        sb.Append("</table></div><p class=\"legend\">");
        for (var i = 0; i < Parts.Length; i++)
            sb.Append("<span class=\"key\" style=\"background:").Append(Colours[i]).Append("\"></span>").Append(Parts[i].Part).Append(' ');
        return sb.Append("· logic is the MAC array, adders, data registers and control; memory the macros' reads and writes; clock the clock tree; leakage over the inference.</p>").ToString();
    }

    /// <summary>The point's rows per layer: cycles, MACs, the MAC array's energy, the energy and bits of the memories serving the layer; null
    /// when the point has no readable schedule.json (and power.json for the energies).</summary>
    public static string? Layers(RunSummary s, string pointId)
    {
        var hls = Stage(s, pointId, HlsEmitStage.KindName, Views.Schedule.Name);
        if (hls is null) return null;
        ScheduleRecord schedule;
        try { schedule = ScheduleFile.Read(Path.Combine(hls.Directory!, hls.Artifacts.First(a => a.Name == Views.Schedule.Name).RelativePath)).Record; }
        catch (Exception e) when (e is StageFailedException or IOException) { return null; }
        PowerBreakdown? power = null;
        if (Stage(s, pointId, PowerStage.KindName, Views.Power.Name) is { } ps)
            try { power = PowerBreakdown.FromJson(File.ReadAllText(Path.Combine(ps.Directory!, ps.Artifacts.First(a => a.Name == Views.Power.Name).RelativePath))); }
            catch (Exception e) when (e is StageFailedException or IOException or System.Text.Json.JsonException) { }
        var sb = new StringBuilder("<div class=\"scroll\"><table class=\"layers\"><tr><th class=\"l\">layer</th><th class=\"l\">kind</th><th>cycles</th><th>share of cycles</th>")
            .Append("<th>MACs</th><th>MAC array energy (nJ)</th><th>memory energy (nJ)</th><th>memory (kbit)</th><th class=\"l\">memories</th></tr>");
        var totalCycles = Math.Max(1, schedule.Layers.Sum(l => l.Cycles));
        foreach (var l in schedule.Layers)
        {
            var mems = schedule.Memories.Where(m => m.Layer == l.Name).ToList();
            var array = power?.Analytical?.Layers.FirstOrDefault(x => x.Name == l.Name) is { } le ? (le.MultiplierPj + le.AdderPj + le.RegisterPj) / 1000 : (double?)null;
            var memory = power is null ? (double?)null : power.Memories.Where(m => mems.Any(x => x.Name == m.Name)).Sum(m => m.EnergyPj) / 1000;
            sb.Append("<tr><td class=\"l\">").Append(E(l.Name)).Append("</td><td class=\"l\">").Append(E(l.Kind)).Append("</td><td>").Append(Figures.Format(l.Cycles))
                .Append("</td><td>").Append(Figures.Format(l.Cycles * 100.0 / totalCycles, 3)).Append("%</td><td>").Append(Figures.Format(l.Macs))
                .Append("</td><td>").Append(array is { } a ? Figures.Format(a) : "").Append("</td><td>").Append(memory is { } m ? Figures.Format(m) : "")
                .Append("</td><td>").Append(Figures.Format(mems.Sum(x => (double)x.Depth * x.Width) / 1024)).Append("</td><td class=\"l\">")
                .Append(E(string.Join(", ", mems.Select(x => x.Name)))).Append("</td></tr>");
        }
        sb.Append("<tr><td class=\"l\"><b>inference</b></td><td></td><td><b>").Append(Figures.Format(schedule.CyclesPerInference)).Append("</b></td><td></td><td>")
            .Append(Figures.Format(schedule.Layers.Sum(l => l.Macs))).Append("</td><td></td><td></td><td>")
            .Append(Figures.Format(schedule.Memories.Sum(x => (double)x.Depth * x.Width) / 1024)).Append("</td><td></td></tr>");
        return sb.Append("</table></div>").ToString();
    }

    /// <summary>Every stage of the run with its status, adapter and time, and links to its folder, stage.log and artifacts.</summary>
    public static string Links(RunSummary s)
    {
        var sb = new StringBuilder("<div class=\"scroll\"><table class=\"stages\"><tr><th class=\"l\">point</th><th class=\"l\">stage</th><th class=\"l\">kind</th>")
            .Append("<th class=\"l\">status</th><th class=\"l\">adapter</th><th>time (s)</th><th class=\"l\">folder and log</th><th class=\"l\">artifacts</th></tr>");
        foreach (var r in s.Stages.OrderBy(r => r.PointId, StringComparer.Ordinal).ThenBy(r => r.Position))
        {
            sb.Append("<tr><td class=\"l\">").Append(E(r.PointId)).Append("</td><td class=\"l\">").Append(E(r.StageId)).Append("</td><td class=\"l\">").Append(E(r.Kind))
                .Append("</td><td class=\"l ").Append(E(r.Status)).Append("\">").Append(E(r.Status)).Append("</td><td class=\"l\">").Append(E(r.Adapter ?? ""))
                .Append("</td><td>").Append(r.Status == StageStatus.Cached ? "cached" : Figures.Format(r.DurationSeconds, 3)).Append("</td><td class=\"l\">");
            if (r.Directory is { } dir)
            {
                var rel = Href(s.RunDirectory, dir);
                sb.Append("<a href=\"").Append(E(rel)).Append("/\">folder</a>");
                if (File.Exists(Path.Combine(dir, "stage.log"))) sb.Append(" · <a href=\"").Append(E(rel)).Append("/stage.log\">log</a>");
                sb.Append("</td><td class=\"l\">").Append(string.Join(" · ", r.Artifacts.Select(a =>
                    $"<a href=\"{E(rel + "/" + a.RelativePath.Replace('\\', '/'))}\" title=\"{E(a.Description ?? "")}\">{E(a.Name)}</a>")));
            }
            else sb.Append("</td><td>");
            sb.Append("</td></tr>");
        }
        return sb.Append("</table></div>").ToString();
    }

    private static StageRecord? Stage(RunSummary s, string pointId, string kind, string artifact) =>
        s.Stages.FirstOrDefault(r => r.PointId == pointId && r.Succeeded && RunPlanner.Matches(r.Kind, kind) && r.Directory is not null
            && r.Artifacts.Any(a => a.Name == artifact));

    /// <summary>A relative link from the run folder, each segment URL-escaped.</summary>
    private static string Href(string from, string to) =>
        string.Join('/', Path.GetRelativePath(from, to).Split(Path.DirectorySeparatorChar).Select(Uri.EscapeDataString));

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
