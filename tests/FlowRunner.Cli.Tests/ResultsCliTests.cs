using System.Text.Json;

namespace FlowRunner.Cli.Tests;

/// <summary>`results` and `best` on a real sweep run through the command line (plug-in stages from the sample plug-in).</summary>
public class ResultsCliTests
{
    [Fact]
    public async Task Results_filter_and_best_writes_a_runnable_recipe_and_all_failed_has_no_winner()
    {
        var plugins = await EngineCliTests.PluginFolder();
        var ws = Flowrunner.NewWorkspace();
        File.WriteAllText(Path.Combine(ws, "s.yaml"), """
            name: s
            params: { who: "a" }
            stages:
              - { id: g, kind: sample.greet, with: { name: "${params.who}" } }
            sweep:
              list: [{ who: "ab" }, { who: "abcd" }, { who: "abcdefgh" }]
              objective: { minimize: letters, subject_to: "letters >= 9" }
            """);
        var run = await Flowrunner.RunAsync(ws, "--plugins", plugins, "run", "s.yaml");
        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
        Assert.Matches(@"report: .*report\.html", run.StandardOutput);

        var json = await Flowrunner.RunAsync(ws, "results", "--run", "s", "--format", "json", "--where", "letters > 8");
        Assert.Equal(0, json.ExitCode);
        var rows = JsonDocument.Parse(json.StandardOutput).RootElement;
        Assert.Equal(2, rows.GetArrayLength());
        Assert.Equal(9, rows[0].GetProperty("metrics").GetProperty("letters").GetDouble()); // "hello, abcd" has 9 letters, "hello, ab" 7

        var best = await Flowrunner.RunAsync(ws, "best", Path.Combine(ws, "s.yaml"));
        Assert.True(best.ExitCode == 0, best.StandardOutput + best.StandardError);
        Assert.Contains("p001", best.StandardOutput);
        var winner = Path.Combine(ws, "s.best.yaml");
        Assert.Contains("who: abcd", File.ReadAllText(winner));
        var rerun = await Flowrunner.RunAsync(ws, "--plugins", plugins, "run", winner);
        Assert.True(rerun.ExitCode == 0, rerun.StandardOutput + rerun.StandardError);
        Assert.Contains("everything came from the cache", rerun.StandardOutput);

        File.WriteAllText(Path.Combine(ws, "f.yaml"), "name: f\nparams: { m: x }\nstages:\n  - { id: b, kind: sample.fail, with: { message: \"${params.m}\" } }\nsweep:\n  grid: { m: [one, two] }\n");
        Assert.Equal(1, (await Flowrunner.RunAsync(ws, "--plugins", plugins, "run", "f.yaml")).ExitCode);
        var none = await Flowrunner.RunAsync(ws, "best", "f");
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("every design point failed", none.StandardError);
        Assert.Contains("failed at b: two", none.StandardError);
    }
}
