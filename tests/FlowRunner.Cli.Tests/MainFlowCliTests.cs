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
        var report = Directory.GetFiles(Path.Combine(ws, "runs", "mnist-accel"), "report.html", SearchOption.AllDirectories).Single();
        Assert.Contains("class=\"heatmap\"", File.ReadAllText(report));
        var again = await Flowrunner.RunAsync(ws, "run", recipe, "--set", "epochs=1", "--set", "qat_epochs=1");
        Assert.Contains("everything came from the cache", again.StandardOutput);
        var validate = await Flowrunner.RunAsync(ws, "validate", Path.Combine(Flowrunner.RepoRoot, "flows", "mnist-sweep.yaml"));
        Assert.True(validate.ExitCode == 0, validate.StandardError);
    }
}
