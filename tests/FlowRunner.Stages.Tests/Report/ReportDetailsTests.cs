using FlowRunner.Engine.Results;
using FlowRunner.Stages.RunReport;

namespace FlowRunner.Stages.Tests.Report;

public sealed class ReportDetailsTests
{
    [Fact]
    public void The_breakdown_shows_each_part_in_uj_and_mw_with_its_share_and_needs_the_split()
    {
        var p = new PointResult("r1", "x", "p000", "word=8", new Dictionary<string, object?>());
        p.Stages.Add(new StageRow("power", "power", "done", null, null, "analytical", 1));
        Assert.Null(ReportDetails.Breakdown([p]));
        foreach (var (k, v) in new[] { ("logic_energy_uj", 0.1), ("memory_energy_uj", 0.2), ("clock_energy_uj", 0.05), ("leakage_energy_uj", 0.15),
                     ("logic_power_mw", 1.0), ("memory_power_mw", 2.0), ("clock_power_mw", 0.5), ("leakage_mw", 1500.0) })
            p.Add("power", k, v, "");
        var html = ReportDetails.Breakdown([p])!;
        Assert.Contains("<th>logic (uJ)</th><th>memory (uJ)</th><th>clock (uJ)</th><th>leakage (uJ)</th>", html);
        Assert.Contains("<td>0.5</td>", html);          // the total
        Assert.Contains("<td>1,500</td>", html);        // numbers for people
        Assert.Contains("width:40%;", html);            // memory's share of 0.5 uJ
        Assert.Contains("title=\"leakage 30%\"", html);
    }
}
