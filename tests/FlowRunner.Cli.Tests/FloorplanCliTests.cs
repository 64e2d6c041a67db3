namespace FlowRunner.Cli.Tests;

/// <summary>`flowrunner floorplan bench FILE` on the shipped MCNC benchmarks, and its errors.</summary>
public class FloorplanCliTests
{
    [Fact]
    public async Task Floorplan_bench_packs_ami33_by_name_and_prints_area_dead_space_and_wirelength()
    {
        var ws = Flowrunner.NewWorkspace();
        var r = await Flowrunner.RunAsync(ws, "floorplan", "bench", Path.Combine(Flowrunner.RepoRoot, "flows", "floorplan-benchmarks", "ami33"), "--seed", "3");
        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);
        var text = r.StandardOutput.ToLowerInvariant();
        Assert.Contains("ami33", text);
        Assert.Contains("dead", text);
        Assert.Contains("hpwl", text);
        Assert.Contains("legal true", text);
    }

    [Fact]
    public async Task Floorplan_bench_on_a_missing_file_fails_with_a_clear_error()
    {
        var ws = Flowrunner.NewWorkspace();
        var r = await Flowrunner.RunAsync(ws, "floorplan", "bench", "no-such-benchmark");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("no-such-benchmark", r.StandardOutput + r.StandardError);
    }
}
