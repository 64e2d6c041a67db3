using System.Text.RegularExpressions;
using FlowRunner.Engine.Expressions;
using FlowRunner.Engine.Results;
using FlowRunner.Engine.Selection;
using FlowRunner.Stages.RunReport;
using FlowRunner.Stages.Tests.RunReport;

namespace FlowRunner.Stages.Tests.Report;

public sealed class ParetoPlotTests
{
    private static PointResult Point(string id, double accuracy, double energy, double area)
    {
        var p = new PointResult("r1", "sweep", id, id, new Dictionary<string, object?>());
        p.Stages.Add(new StageRow("power", "power", "done", null, null, "analytical", 1));
        p.Add("s", "accuracy", accuracy, "");
        p.Add("s", "energy_per_inference_uj", energy, "uJ");
        p.Add("s", "area_um2", area, "um2");
        return p;
    }

    [Fact]
    public void One_point_draws_no_pareto_plot()
    {
        var p = Point("p000", 0.97, 0.05, 180_000);
        Assert.Null(RunReportWriter.ParetoPlot([p], p, [p.PointId], Objective.Default));
    }

    [Fact]
    public void The_plot_draws_the_2d_front_the_constraint_and_readable_percent_ticks()
    {
        // p002 is on the 3-D front only through its small area (17% accuracy at more energy than p000): it must not join the drawn front.
        var points = new[] { Point("p000", 0.98, 0.0498, 180_000), Point("p001", 0.95, 0.031, 120_000), Point("p002", 0.17, 0.06, 20_000), Point("p003", 0.90, 0.07, 200_000) };
        var front3d = Selector.ParetoFront(points, Selector.DefaultParetoGoals).Select(p => p.PointId).ToHashSet();
        Assert.Contains("p002", front3d);
        var objective = new Objective([new Goal("energy_per_inference_uj", false)], [Expression.Parse("accuracy >= 0.9")]);
        var svg = RunReportWriter.ParetoPlot(points, points[1], front3d, objective)!;

        Assert.Equal(4, ChartMarkers.Count(svg));
        Assert.Equal(1, ChartMarkers.Count(svg, "<ellipse fill=\"#1F77B4\""));              // p000 on the 2-D front
        Assert.Equal(1, ChartMarkers.Count(svg, "<ellipse fill=\"#D62728\""));              // p001, the best (also on the 2-D front)
        Assert.Equal(1, ChartMarkers.Count(svg, "<ellipse fill=\"none\" stroke=\"#1F77B4\"")); // p002 ringed, not joined
        Assert.Matches(@"<path fill=""none"" stroke=""#1F77B4"" stroke-width=""1.5""[^>]* d=""M[0-9.]+ [0-9.]+L[0-9.]+ [0-9.]+L", svg); // the staircase
        Assert.Matches(@"<path fill=""#D62728"" d=""(M[^M]+){5,}""", svg);   // the constraint, dashed
        var texts = ChartMarkers.Texts(svg);
        Assert.Contains("accuracy &gt;= 90%", texts);
        Assert.Contains("p000", texts);
        Assert.Contains("p001", texts);
        Assert.DoesNotContain("p003", texts); // labels only on the front and the best
        var ticks = texts.Where(t => Regex.IsMatch(t, @"^-?[0-9.,]+%$")).Select(t => double.Parse(t.TrimEnd('%').Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(ticks.Count >= 3, string.Join(" ", texts));
        Assert.All(ticks, t => Assert.InRange(t, 0, 100));
        Assert.All(ticks, t => Assert.Equal(0, t % 5)); // 1-2-5 steps
        Assert.DoesNotMatch(@"\dE[-+]?\d", svg);
        Assert.DoesNotContain("0.04981", svg); // ticks on 1-2-5 steps, not the data's own values
    }
}
