using System.Text.Json;

namespace FlowRunner.Cli.Tests;

/// <summary>Regression tracking between consecutive runs of a recipe, through the command line.</summary>
public class RegressionCliTests
{
    [Fact]
    public async Task A_metric_beyond_its_limit_fails_the_run_with_fail_on_regression_and_is_written_down()
    {
        var plugins = await EngineCliTests.PluginFolder();
        var ws = Flowrunner.NewWorkspace();
        File.WriteAllText(Path.Combine(ws, "r.yaml"), """
            name: reg
            params: { who: "ab" }
            stages:
              - { id: g, kind: sample.greet, with: { name: "${params.who}" } }
            regression:
              letters: { max_rise: 1 }
            """);
        var first = await Flowrunner.RunAsync(ws, "--plugins", plugins, "run", "r.yaml", "--fail-on-regression");
        Assert.True(first.ExitCode == 0, first.StandardOutput + first.StandardError);
        Assert.Contains("no earlier run", first.StandardOutput);

        var small = await Flowrunner.RunAsync(ws, "--plugins", plugins, "run", "r.yaml", "--set", "who=abc", "--fail-on-regression");
        Assert.Equal(0, small.ExitCode); // one more letter is within the limit

        var big = await Flowrunner.RunAsync(ws, "--plugins", plugins, "run", "r.yaml", "--set", "who=abcdefg", "--fail-on-regression");
        Assert.Equal(3, big.ExitCode);
        Assert.Contains("g.letters: 8 -> 12 rose 4 (limit 1)", big.StandardOutput);
        var runDir = Directory.GetDirectories(Path.Combine(ws, "runs", "reg")).OrderBy(d => File.GetCreationTimeUtc(Path.Combine(d, "run.json"))).Last();
        using var verdict = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "regression.json")));
        Assert.Equal("fail", verdict.RootElement.GetProperty("verdict").GetString());
        Assert.Contains("Regression against the previous run", File.ReadAllText(Path.Combine(runDir, "report.html")));

        File.WriteAllText(Path.Combine(ws, "bad.yaml"), "name: bad\nstages: []\nregression:\n  letters: { max_rize: 1 }\n");
        var bad = await Flowrunner.RunAsync(ws, "validate", "bad.yaml");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("bad.yaml:4:14: unknown regression limit 'max_rize' (did you mean 'max_rise'?)", bad.StandardError);
    }
}
