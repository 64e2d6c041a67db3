namespace FlowRunner.Cli.Tests;

/// <summary>A plug-in's declared views through the command line: `validate` refuses a stage whose needed view no stage upstream writes.</summary>
public class PluginContractCliTests
{
    [Fact]
    public async Task Validate_refuses_a_plugin_stage_that_needs_a_view_nobody_writes_naming_the_stage_the_view_and_the_place()
    {
        var plugins = await EngineCliTests.PluginFolder();
        var ws = Flowrunner.NewWorkspace();
        File.WriteAllText(Path.Combine(ws, "v.yaml"), "name: v\nstages:\n  - { id: hi, kind: sample.greet }\n  - { id: check, kind: sample.check_layout, needs: [hi] }\n");
        var r = await Flowrunner.RunAsync(ws, "--plugins", plugins, "validate", "v.yaml");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("v.yaml:4:5: stage 'check' (sample.check_layout) needs view 'sample.layout', which no stage upstream writes", r.StandardError);
        Assert.False(Directory.Exists(Path.Combine(ws, "runs")));
    }
}
