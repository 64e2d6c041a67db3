using CliWrap;
using CliWrap.Buffered;
using System.Text.Json;

namespace FlowRunner.Cli.Tests;

/// <summary>`results` columns and widths, one name per metric, unknown names in `--where`, `--columns` and `subject_to`, parser errors,
/// and `run --to`, through the real command line.</summary>
public class QueryCliTests
{
    private const string Recipe = """
        name: q
        params: { who: "a", bound: 9 }
        stages:
          - { id: g, kind: sample.greet, with: { name: "${params.who}" } }
          - { id: h, kind: sample.greet, needs: [g], with: { name: "${params.who}xyz" } }
        sweep:
          list: [{ who: "ab" }, { who: "abcd" }]
          objective: { minimize: letters, subject_to: "letters >= bound" }
        """;

    [Fact]
    public async Task Results_show_each_name_once_choose_columns_and_reject_unknown_names_with_a_suggestion()
    {
        var plugins = await EngineCliTests.PluginFolder();
        var ws = Flowrunner.NewWorkspace();
        File.WriteAllText(Path.Combine(ws, "q.yaml"), Recipe);
        var run = await Flowrunner.RunAsync(ws, "--plugins", plugins, "run", "q.yaml");
        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);

        // g and h both report letters, with different values: the plain name is g's, h's shows as h.letters; g.letters repeats the plain one.
        var csv = (await Flowrunner.RunAsync(ws, "results", "--run", "q", "--format", "csv")).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = csv[0].Split(',');
        Assert.Equal(header.Length, header.Distinct().Count());
        Assert.Equal(["run", "point", "status", "who", "bound", "letters", "h.letters"], header);
        Assert.EndsWith(",p000,ok,ab,9,7,10", csv[1]);

        var chosen = await Flowrunner.RunAsync(ws, "results", "--run", "q", "--format", "csv", "--columns", "point,h.letters");
        Assert.Equal(0, chosen.ExitCode);
        Assert.StartsWith("run,point,h.letters\n", chosen.StandardOutput.ReplaceLineEndings("\n"));

        var typo = await Flowrunner.RunAsync(ws, "results", "--run", "q", "--where", "leters > 1");
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("unknown name 'leters'", typo.StandardError);
        Assert.Contains("did you mean 'letters'?", typo.StandardError);
        var badColumn = await Flowrunner.RunAsync(ws, "results", "--run", "q", "--columns", "point,lettrs");
        Assert.Equal(2, badColumn.ExitCode);
        Assert.Contains("did you mean 'letters'?", badColumn.StandardError);
        var qualified = await Flowrunner.RunAsync(ws, "results", "--run", "q", "--format", "json", "--where", "h.letters > 10");
        Assert.Equal(1, JsonDocument.Parse(qualified.StandardOutput).RootElement.GetArrayLength());

        var narrow = await Flowrunner.Command(ws, "results", "--run", "q").WithEnvironmentVariables(e => e.Set("CI", "true").Set("COLUMNS", "40"))
            .ExecuteBufferedAsync();
        Assert.Equal(0, narrow.ExitCode);
        Assert.Contains("do not fit in 40 characters: ", narrow.StandardOutput);
        Assert.DoesNotContain("…", narrow.StandardOutput);
        Assert.All(narrow.StandardOutput.Split('\n').Where(l => l.StartsWith('│')), l => Assert.True(l.Length <= 40, l));

        var best = await Flowrunner.RunAsync(ws, "best", "q");
        Assert.True(best.ExitCode == 0, best.StandardOutput + best.StandardError);
        Assert.Single(best.StandardOutput.Split('\n'), l => l.Contains("│ letters "));
        Assert.DoesNotContain("g.letters", best.StandardOutput);

        File.WriteAllText(Path.Combine(ws, "q.yaml"), Recipe.Replace("letters >= bound", "leters >= bound"));
        var badConstraint = await Flowrunner.RunAsync(ws, "best", Path.Combine(ws, "q.yaml"));
        Assert.Equal(2, badConstraint.ExitCode);
        Assert.Contains("subject_to: unknown name 'leters'", badConstraint.StandardError);
        Assert.Contains("did you mean 'letters'?", badConstraint.StandardError);
    }

    [Fact]
    public async Task Parser_errors_exit_2_and_run_to_stops_after_the_named_stage()
    {
        var plugins = await EngineCliTests.PluginFolder();
        var ws = Flowrunner.NewWorkspace();
        File.WriteAllText(Path.Combine(ws, "q.yaml"), Recipe);
        var unknownOption = await Flowrunner.RunAsync(ws, "run", "q.yaml", "--bogus");
        Assert.Equal(2, unknownOption.ExitCode);
        Assert.Contains("--bogus", unknownOption.StandardError);
        Assert.Equal(2, (await Flowrunner.RunAsync(ws, "run")).ExitCode);                     // missing argument
        Assert.Equal(2, (await Flowrunner.RunAsync(ws, "run", "q.yaml", "-j", "two")).ExitCode); // bad argument
        Assert.Equal(2, (await Flowrunner.RunAsync(ws, "--plugins", plugins, "run", "q.yaml", "--to", "hh")).ExitCode);

        var to = await Flowrunner.RunAsync(ws, "--plugins", plugins, "run", "q.yaml", "--to", "g");
        Assert.True(to.ExitCode == 0, to.StandardOutput + to.StandardError);
        Assert.Contains("2 design point(s), 2 stage(s)", to.StandardOutput);
        Assert.DoesNotContain("/h ", to.StandardOutput);
    }

    [Fact]
    public async Task The_bash_completion_script_completes_commands_options_and_option_values_from_flowrunner_itself()
    {
        var bin = Flowrunner.NewWorkspace();
        var wrapper = Path.Combine(bin, "flowrunner");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec dotnet '{Flowrunner.Dll}' \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var script = Path.Combine(Flowrunner.RepoRoot, "src", "FlowRunner.Cli", "Completion", "flowrunner.bash");
        async Task<string> Complete(params string[] words)
        {
            var line = string.Join(" ", words);
            var body = $"source '{script}'; COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}; COMP_WORDS=({string.Join(" ", words.Select(w => $"'{w}'"))}); " +
                       $"COMP_CWORD={words.Length - 1}; _flowrunner_complete; echo \"${{COMPREPLY[*]}}\"";
            var r = await CliWrap.Cli.Wrap("bash").WithArguments(["-c", body]).WithWorkingDirectory(bin)
                .WithEnvironmentVariables(e => e.Set("PATH", bin + ":" + Environment.GetEnvironmentVariable("PATH")))
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            Assert.True(r.ExitCode == 0, r.StandardError);
            return r.StandardOutput.Trim();
        }
        Assert.Equal("bench best", await Complete("flowrunner", "be"));
        Assert.Equal("--columns", await Complete("flowrunner", "results", "--col"));
        Assert.Equal("csv json table", await Complete("flowrunner", "results", "--format", ""));
    }
}
