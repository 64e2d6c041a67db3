namespace FlowRunner.Cli.Tests;

/// <summary>The README's main command on the real recipe: the MNIST flow runs end to end with the in-process backends.</summary>
public class MainFlowCliTests
{
    [Fact]
    public async Task The_mnist_flow_runs_and_its_report_shows_the_heatmap()
    {
        var ws = Flowrunner.NewWorkspace();
        var recipe = Path.Combine(Flowrunner.RepoRoot, "flows", "mnist-accel.yaml");
        var r = await Flowrunner.RunAsync(ws, "run", recipe, "--set", "epochs=1", "--set", "qat_epochs=1");
        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);
        Assert.Matches(@"done\s+p000/accuracy inprocess [0-9.]+s accuracy=0\.[89]", r.StandardOutput);
        Assert.Matches(@"done\s+p000/qat_accuracy inprocess [0-9.]+s accuracy=0\.", r.StandardOutput);
        var hls = Directory.GetDirectories(Path.Combine(ws, "runs", "mnist-accel"), "hls", SearchOption.AllDirectories).Single();
        var hlsMetrics = File.ReadAllText(Path.Combine(hls, "metrics.json"));
        Assert.Contains("rtl_cycles_measured", hlsMetrics); // Icarus ran the emitted RTL against the model's vectors
        foreach (var file in new[] { "schedule.json", "accel.cpp", "vectors.txt", "rtl/accel.v", "rtl/rom_dense1.hex", "tb/tb_accel.v" })
            Assert.True(File.Exists(Path.Combine(hls, file)), file);
        Assert.True(File.Exists(Path.Combine(hls, "activity.vcd")), "the simulation dumps the registers for the power stage");
        var power = Directory.GetDirectories(Path.Combine(ws, "runs", "mnist-accel"), "power", SearchOption.AllDirectories).Single();
        Assert.Contains("the analytical model uses it for control_activity", File.ReadAllText(Path.Combine(power, "stage.log")));
        Assert.Matches(@"done\s+p000/memory compiler [0-9.]+s memory_area_um2=", r.StandardOutput);
        var report = Directory.GetFiles(Path.Combine(ws, "runs", "mnist-accel"), "report.html", SearchOption.AllDirectories).Single();
        Assert.Contains("class=\"heatmap\"", File.ReadAllText(report));
        var again = await Flowrunner.RunAsync(ws, "run", recipe, "--set", "epochs=1", "--set", "qat_epochs=1");
        Assert.Contains("everything came from the cache", again.StandardOutput);
        var tooWide = await Flowrunner.RunAsync(ws, "run", recipe, "--set", "epochs=1", "--set", "qat_epochs=1", "--set", "lanes=9");
        Assert.NotEqual(0, tooWide.ExitCode);
        Assert.Contains("at most 4 lanes", tooWide.StandardOutput + tooWide.StandardError);
        Assert.Matches(@"cached\s+p000/model", tooWide.StandardOutput); // the trained model is kept and reused
        var validate = await Flowrunner.RunAsync(ws, "validate", Path.Combine(Flowrunner.RepoRoot, "flows", "mnist-sweep.yaml"));
        Assert.True(validate.ExitCode == 0, validate.StandardError);
    }
}
