using System.Globalization;
using System.Text.RegularExpressions;

namespace FlowRunner.Cli.Tests;

/// <summary>The README's main command on the real recipe: the MNIST flow runs end to end with the in-process backends, a point per format.</summary>
public class MainFlowCliTests
{
    [Fact]
    public async Task The_mnist_flow_runs_a_point_per_format_and_its_report_holds_the_storys_table()
    {
        var ws = Flowrunner.NewWorkspace();
        var recipe = Path.Combine(Flowrunner.RepoRoot, "flows", "mnist-accel.yaml");
        // One float epoch and a 400-image fine-tuning collapse QAT at ac_fixed<4,3> (10%, no better than post-training): keep going.
        string[] quick = ["--set", "epochs=1", "--set", "qat_epochs=1", "--set", "qat_train_limit=400", "--set", "activity_images=50", "--set", "on_collapse=warn"];
        var r = await Flowrunner.RunAsync(ws, ["run", recipe, .. quick]);
        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);
        Assert.Matches(@"done\s+p003/accuracy inprocess [0-9.]+s accuracy=0\.[89]", r.StandardOutput); // ac_fixed<8,4>
        Assert.Matches(@"done\s+p004/qat_accuracy inprocess [0-9.]+s accuracy=0\.", r.StandardOutput);
        Assert.Single(Regex.Matches(r.StandardOutput, @"done\s+p00\d/model ")); // one float training shared by the five formats
        var run = Directory.GetDirectories(Path.Combine(ws, "runs", "mnist-accel")).Single();

        // The story's table: software, then one row per format with its own lanes and both accuracies at that format.
        var header = File.ReadLines(Path.Combine(run, "ppa.csv")).First().Split(',').ToList();
        var csv = File.ReadAllLines(Path.Combine(run, "ppa.csv")).Skip(1).Select(l => Regex.Split(l, ",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)").Select(c => c.Trim('"')).ToArray()).ToList();
        Assert.Equal(6, csv.Count);
        Assert.StartsWith("software", csv[0][0]);
        Assert.Equal(["ac_fixed<32,16>", "ac_fixed<16,8>", "ac_fixed<10,5>", "ac_fixed<8,4>", "ac_fixed<4,3>"], csv.Skip(1).Select(c => c[1]));
        Assert.Equal(["1", "2", "3", "4", "8"], csv.Skip(1).Select(c => c[2]));
        double Cell(string[] row, string column) => double.Parse(row[header.IndexOf(column)], CultureInfo.InvariantCulture);
        var qat = csv.Skip(1).Select(c => Cell(c, "qat_accuracy")).ToList();
        // Counted in the host's clock, as the story does (the accelerator sits on the MCU's bus), with the fmax figure beside it.
        Assert.All(csv, c => Assert.Equal(13.8, Cell(c, "clock_mhz"), 6));
        Assert.All(csv.Skip(1), c => Assert.Equal(Cell(csv[0], "latency_us") / Cell(c, "latency_us"), Cell(c, "speedup_vs_software"), 6));
        Assert.All(csv.Skip(1), c => Assert.True(Cell(c, "fmax_speedup_vs_software") > 5 * Cell(c, "speedup_vs_software")));
        Assert.All(qat, a => Assert.InRange(a, 0.1, 1));
        Assert.True(qat.Distinct().Count() > 1, "each row has the QAT accuracy of its own format");
        Assert.Equal(6, File.ReadAllLines(Path.Combine(run, "ppa.md")).Count(l => l.StartsWith("| software") || l.StartsWith("| p00")));

        var hls = Path.Combine(run, "p003", "hls");
        var hlsMetrics = File.ReadAllText(Path.Combine(hls, "metrics.json"));
        Assert.Contains("rtl_cycles_measured", hlsMetrics); // Icarus ran the emitted RTL against the model's vectors
        foreach (var file in new[] { "schedule.json", "accel.cpp", "vectors.txt", "rtl/accel.v", "rtl/rom_dense1.hex", "tb/tb_accel.v" })
            Assert.True(File.Exists(Path.Combine(hls, file)), file);
        Assert.True(File.Exists(Path.Combine(hls, "activity.vcd")), "the simulation dumps the registers for the power stage");
        Assert.Contains("the analytical model uses it for control_activity", File.ReadAllText(Path.Combine(run, "p003", "power", "stage.log")));
        Assert.Matches(@"done\s+p003/memory compiler [0-9.]+s memory_area_um2=", r.StandardOutput);
        var report = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.Contains("class=\"plot heatmap\"", report);
        Assert.Contains("class=\"plot scatter\"", report); // five points: a Pareto plot
        Assert.Contains("2-D Pareto front", report);
        Assert.Contains("id=\"breakdown\"", report);   // energy and power by logic, memory, clock and leakage
        Assert.Matches(@"(?s)<h2>Per layer: p00\d \[word=\d+ int=\d+\]</h2>.*<td class=""l"">conv2d1</td><td class=""l"">conv2d</td><td>[1-9][0-9]?,[0-9]{3}</td>", report);
        Assert.Contains("href=\"p003/hls/stage.log\"", report);
        Assert.Contains("href=\"p003/hls/schedule.json\"", report);
        Assert.DoesNotMatch(@"<td>[0-9.]+E[-+]?[0-9]+</td>", report);
        var again = await Flowrunner.RunAsync(ws, ["run", recipe, .. quick]);
        Assert.Contains("everything came from the cache", again.StandardOutput);
        var tooWide = await Flowrunner.RunAsync(ws, ["run", recipe, .. quick, "--point", "p003", "--set", "lanes=9"]);
        Assert.NotEqual(0, tooWide.ExitCode);
        Assert.Contains("at most 4 lanes", tooWide.StandardOutput + tooWide.StandardError);
        Assert.Matches(@"cached\s+p003/model", tooWide.StandardOutput); // the trained model is kept and reused
        var validate = await Flowrunner.RunAsync(ws, "validate", Path.Combine(Flowrunner.RepoRoot, "flows", "mnist-sweep.yaml"));
        Assert.True(validate.ExitCode == 0, validate.StandardError);
        var nightly = await Flowrunner.RunAsync(ws, "schedule", "--list", "--recipes", Path.Combine(Flowrunner.RepoRoot, "flows"), "--count", "2");
        Assert.True(nightly.ExitCode == 0, nightly.StandardError);
        Assert.Contains("mnist-nightly", nightly.StandardOutput); // the shipped nightly recipe shows its fire times out of the box
        Assert.Equal(2, nightly.StandardOutput.Split('\n').Count(l => l.Contains("02:00:00")));
    }
}
