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
        Assert.Matches(@"(?m)^dead space: \d+\.\d\d %$", r.StandardOutput);
    }

    [Fact]
    public async Task Fixed_outline_prints_the_packing_dead_space_and_the_outline_dead_space()
    {
        var ws = Flowrunner.NewWorkspace();
        var r = await Flowrunner.RunAsync(ws, "floorplan", "bench", "ami33", "--outline", "fixed", "--moves", "0.3");
        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);
        var packing = double.Parse(System.Text.RegularExpressions.Regex.Match(r.StandardOutput, @"(?m)^dead space: (\d+\.\d\d) %$").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var outline = double.Parse(System.Text.RegularExpressions.Regex.Match(r.StandardOutput, @"(?m)^outline dead space: (\d+\.\d\d) %$").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        // The outline holds 10% more than the blocks: its dead space is 1 - 1/1.1, and the packing inside it leaves no more.
        Assert.Equal(9.09, outline, 2);
        Assert.InRange(packing, 0, outline);
    }

    [Fact]
    public async Task Floorplan_generate_writes_a_seeded_case_that_floorplan_bench_reads()
    {
        var ws = Flowrunner.NewWorkspace();
        var r = await Flowrunner.RunAsync(ws, "floorplan", "generate", "40", "--seed", "9", "--output", "cases");
        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);
        var blocks = Path.Combine(ws, "cases", "hard40.blocks");
        Assert.Contains("NumHardRectilinearBlocks : 40", File.ReadAllText(blocks));
        Assert.True(File.Exists(Path.Combine(ws, "cases", "hard40.nets")) && File.Exists(Path.Combine(ws, "cases", "hard40.pl")));
        var again = await Flowrunner.RunAsync(ws, "floorplan", "generate", "40", "--seed", "9", "--output", "again");
        Assert.Equal(File.ReadAllText(blocks), File.ReadAllText(Path.Combine(ws, "again", "hard40.blocks")));
        var bench = await Flowrunner.RunAsync(ws, "floorplan", "bench", blocks, "--moves", "0.2", "--wl-weight", "0");
        Assert.True(bench.ExitCode == 0, bench.StandardOutput + bench.StandardError);
        Assert.Contains("hard40: 40 blocks", bench.StandardOutput);
    }

    [Fact]
    public async Task Bench_floorplan_quick_json_prints_one_json_object_with_named_figures_and_published_peers()
    {
        var ws = Flowrunner.NewWorkspace();
        var r = await Flowrunner.RunAsync(ws, "bench", "floorplan", "--quick", "--json");
        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);
        using var doc = System.Text.Json.JsonDocument.Parse(r.StandardOutput);
        var root = doc.RootElement;
        Assert.Equal("floorplan", root.GetProperty("bench").GetString());
        Assert.True(root.GetProperty("quick").GetBoolean());
        var figures = root.GetProperty("figures").EnumerateArray().ToList();
        Assert.NotEmpty(figures);
        Assert.All(figures, f =>
        {
            Assert.False(string.IsNullOrEmpty(f.GetProperty("name").GetString()));
            Assert.True(double.IsFinite(f.GetProperty("value").GetDouble()));
            Assert.False(string.IsNullOrEmpty(f.GetProperty("unit").GetString()));
            Assert.True(f.GetProperty("threads").GetInt32() >= 1);
        });
        var ami49 = figures.Single(f => f.GetProperty("name").GetString() == "ami49, free, area only: area");
        Assert.Equal("mm2", ami49.GetProperty("unit").GetString());
        Assert.Equal(36.16, ami49.GetProperty("peer").GetDouble());
        Assert.Equal("best published", ami49.GetProperty("peer_name").GetString());
        Assert.Equal(ami49.GetProperty("value").GetDouble() / 36.16, ami49.GetProperty("ratio").GetDouble(), 9);
        Assert.Contains(figures, f => f.GetProperty("name").GetString() == "hard100, fixed 10% ws, + 0.2 WL: outline dead space");
        // The tables went to stderr, not into the JSON.
        Assert.Contains("Floor planning", r.StandardError);
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
