namespace FlowRunner.Cli.Tests;

/// <summary>`validate` on recipes whose YAML has the wrong structure (a list where a map is expected, a map where a single value is, at
/// every kind of key): each problem is one `error: file:line:col:` line, exit 2, never an exception (issue 16).</summary>
public class ValidateStructureCliTests
{
    private const string Stage = "stages:\n  - { id: a, kind: report }\n";

    [Theory]
    [InlineData("name: r\nstages:\n  a: 1\n", "3:3", "`stages:` list")]
    [InlineData("name: r\nstages: hello\n", "2:9", "`stages:` list")]
    [InlineData("name: r\nstages:\n  - [a, b]\n", "3:5", "each stage is a map")]
    [InlineData("name: r\nstages:\n  - { id: { x: 1 }, kind: report }\n", "3:11", "`id:` must be a single value")]
    [InlineData("name: r\nstages:\n  - { id: a, kind: report, with: [1, 2] }\n", "3:34", "`with:` must be a map")]
    [InlineData("name: r\nstages:\n  - { id: a, kind: report, with: { title: { a: 1 } } }\n", "3:43", "option 'title' must be text, got a map")]
    [InlineData("name: r\nstages:\n  - { id: a, kind: model.train, with: { epochs: [1, 2] } }\n", "3:49", "option 'epochs' must be an integer, got a list")]
    [InlineData("name: r\nsweep: [1, 2]\n" + Stage, "2:8", "`sweep:` must be a map")]
    [InlineData("name: r\nparams: { x: 1 }\nsweep: { grid: [1, 2] }\n" + Stage, "3:16", "`grid:`")]
    [InlineData("name: r\nparams: [1, 2]\n" + Stage, "2:9", "`params:` must be a map")]
    [InlineData("name: r\nextends: [a.yaml]\n" + Stage, "2:10", "`extends:` takes the path of another recipe")]
    [InlineData("name: r\nextends: { a: 1 }\n" + Stage, "2:10", "`extends:` takes the path of another recipe")]
    [InlineData("name: [r]\n" + Stage, "1:7", "`name:` must be a single value")]
    [InlineData("name: r\nretry: [1]\n" + Stage, "2:8", "`retry:` must be a map")]
    [InlineData("- a\n- b\n", "1:1", "a recipe must be a map")]
    [InlineData("name: r\ndescription: { a: 1 }\n" + Stage, "2:14", "`description:` must be text")]
    [InlineData("name: r\nstages:\n  - { id: a, kind: report, description: [x] }\n", "3:41", "`description:` must be text")]
    public async Task A_structure_error_is_one_line_naming_file_line_and_column(string yaml, string place, string says)
    {
        var ws = Flowrunner.NewWorkspace();
        var file = Path.Combine(ws, "r.yaml");
        File.WriteAllText(file, yaml);
        var r = await Flowrunner.RunAsync(ws, "validate", "r.yaml");
        Assert.Equal(2, r.ExitCode);
        var all = r.StandardOutput + r.StandardError;
        Assert.DoesNotContain("Exception", all);
        Assert.DoesNotContain("   at ", all);
        var errors = all.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Matches(@"^error: \S+\.yaml:\d+:\d+: \S", e));
        Assert.Contains(errors, e => e.StartsWith($"error: {file}:{place}: ", StringComparison.Ordinal) && e.Contains(says, StringComparison.Ordinal));
    }
}
