using FlowRunner.Abstractions;
using FlowRunner.Engine.Results;
using FlowRunner.Stages.Model;
using FlowRunner.Stages.Power;
using FlowRunner.Stages.Report;
using FlowRunner.Stages.RunReport;
using FlowRunner.Stages.Tests.Power;

namespace FlowRunner.Stages.Tests.Report;

public sealed class ReportStageTests(PowerFixture fx) : IClassFixture<PowerFixture>
{
    /// <summary>A model.accuracy stage's output with its accuracy view, which records whether the weights it measured were QAT-trained.</summary>
    private StageOutput Accuracy(string id, double accuracy, bool qatTrained, string format = "ac_fixed<8,4,true,AC_RND,AC_SAT>")
    {
        var dir = fx.Folder(id);
        File.WriteAllText(Path.Combine(dir, AccuracyRecord.FileName), new AccuracyRecord(format, "full precision",
            format, format, 100, accuracy, 0.981, []) { QatTrained = qatTrained }.ToJson());
        return new(id, "model.accuracy", "inprocess", dir,
            [new Metric("accuracy", accuracy), new Metric("float_accuracy", 0.981), new Metric("word_bits", 8), new Metric("int_bits", 4)],
            [new Artifact("accuracy", AccuracyRecord.FileName)]);
    }

    [Fact]
    public async Task A_point_gets_a_software_row_and_a_hardware_row_with_both_accuracies()
    {
        var powerDir = fx.Folder("power");
        var power = await new AnalyticalPowerAdapter().RunAsync(
            fx.Context("power", PowerStage.KindName, "analytical", powerDir, new() { ["images"] = 10L }, [fx.Hls, fx.Memory, fx.Model]), CancellationToken.None);
        var powerOut = new StageOutput("power", PowerStage.KindName, "analytical", powerDir, power.Metrics, power.Artifacts);
        var dir = fx.Folder("report");
        var hls = new StageOutput("hls", "hls.emit", "emit", fx.Hls.Directory, [new Metric("lanes", 2), new Metric("multipliers", 18)], fx.Hls.Artifacts);
        var c = fx.Context("report", ReportStage.KindName, "inprocess", dir, new(),
            [powerOut, Accuracy("accuracy", 0.9712, qatTrained: false), Accuracy("qat_accuracy", 0.9755, qatTrained: true), hls, fx.Memory, fx.Model]);
        var result = await new ReportAdapter().RunAsync(c, CancellationToken.None);
        double M(string n) => result.Metrics.Single(m => m.Name == n).Value;
        Assert.Equal(0.9712, M("accuracy"));
        Assert.Equal(0.9755, M("qat_accuracy"));
        Assert.Equal(power.Metrics.Single(m => m.Name == "energy_per_inference_uj").Value, M("energy_per_inference_uj"));

        var csv = File.ReadAllLines(Path.Combine(dir, "ppa.csv"));
        Assert.Equal(string.Join(",", PpaTable.Columns), csv[0]);
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("software (rv32imf),float32,,,", csv[1]);
        var sw = csv[1].Split(',');
        var col = PpaTable.Columns.ToList();
        Assert.InRange(double.Parse(sw[col.IndexOf("latency_us")], System.Globalization.CultureInfo.InvariantCulture), 139_000, 209_000); // the story's 174 ms +- 20%
        Assert.Equal("13.8", sw[col.IndexOf("clock_mhz")][..4]);
        var hw = csv[2].Replace("\"ac_fixed<8,4,true,AC_RND,AC_SAT>\"", "F").Split(',');
        Assert.Equal(["2", "18"], hw[2..4]);
        Assert.Equal("0.9755", hw[col.IndexOf("qat_accuracy")]);
        Assert.Contains("ac_fixed<8,4,true,AC_RND,AC_SAT>", csv[2]);
        var md = File.ReadAllText(Path.Combine(dir, "ppa.md"));
        Assert.Contains("| software (rv32imf) | float32 |", md);
        Assert.Contains("97.55%", md);

        // A QAT stage measured at another format than the point's (a sweep sharing one fine-tuning) gives the row no QAT cell.
        var other = fx.Context("report", ReportStage.KindName, "inprocess", fx.Folder("report-other"), new(),
            [powerOut, Accuracy("accuracy", 0.9712, qatTrained: false), Accuracy("qat_accuracy", 0.9755, qatTrained: true, "ac_fixed<4,3,true,AC_RND,AC_SAT>"), hls, fx.Memory, fx.Model]);
        var otherResult = await new ReportAdapter().RunAsync(other, CancellationToken.None);
        Assert.DoesNotContain(otherResult.Metrics, m => m.Name == "qat_accuracy");
        Assert.Contains(otherResult.Metrics, m => m.Name == "accuracy");
    }

    [Fact]
    public void The_run_report_rows_put_software_first_and_take_each_points_qat_accuracy()
    {
        PointResult Point(string id, double latency, double energy)
        {
            var p = new PointResult("r1", "mnist-accel", id, $"word={id}", new Dictionary<string, object?>());
            p.Stages.Add(new StageRow("power", "power", "done", null, null, "analytical", 1));
            foreach (var (k, v) in new[] { ("accuracy", 0.97), ("word_bits", 8.0), ("int_bits", 4.0), ("latency_us", latency), ("power_mw", 2.0), ("area_um2", 50_000.0),
                         ("energy_per_inference_uj", energy), ("software_latency_us", 174_000.0), ("software_power_mw", 0.73), ("software_area_um2", 10_000.0),
                         ("software_energy_per_inference_uj", 128.0), ("speedup_vs_software", 174_000 / latency), ("energy_ratio_vs_software", 128 / energy) })
                p.Add("s", k, v, "");
            p.Add("report", "qat_accuracy", 0.976, "");
            return p;
        }
        var rows = RunReportWriter.SoftwareRows([Point("p000", 2000, 1.5), Point("p001", 1500, 1.2)]);
        Assert.Equal(["software (rv32imf)", "p000 [word=p000]", "p001 [word=p001]"], rows.Select(r => r.Design));
        Assert.Equal(174_000, rows[0].LatencyUs);
        Assert.Equal(0.976, rows[1].QatAccuracy);
        Assert.Equal(87, rows[1].Speedup);
        Assert.Contains("<table class=\"ppa-software\">", PpaTable.Html(rows));
    }
}
