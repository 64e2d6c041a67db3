namespace FlowRunner.Cli.Tests;

/// <summary>`flowrunner validate` checks the networks a recipe names before anything runs: every error of a description at once (file, line,
/// column), and the layer hls.emit cannot build, with the stage's own formats and bus for an imported model.</summary>
public class NetworkValidateCliTests
{
    [Fact]
    public async Task Validate_reports_every_error_of_the_network_file_and_what_the_hardware_cannot_build()
    {
        var ws = Flowrunner.NewWorkspace();
        File.WriteAllText(Path.Combine(ws, "net.yaml"), """
            name: bad
            input: [28, 28, 1]
            colour: red
            layers:
              - { type: conv2d, kernel: 3, filters: 4, wieght_format: "8.4" }
              - { type: relu }
              - { type: swish }
            """);
        File.WriteAllText(Path.Combine(ws, "r.yaml"), "name: r\nstages:\n  - { id: model, kind: model.train, with: { network: net.yaml } }\n");
        var r = await Flowrunner.RunAsync(ws, "validate", Path.Combine(ws, "r.yaml"));
        Assert.Equal(2, r.ExitCode);
        var net = Path.Combine(ws, "net.yaml");
        Assert.Contains($"stage 'model' (model.train): {net}:3:1: unknown top-level key 'colour'", r.StandardError);
        Assert.Contains($"stage 'model' (model.train): {net}:5:44: unknown layer key 'wieght_format'", r.StandardError);
        Assert.Contains($"stage 'model' (model.train): {net}:7:5: unsupported layer type 'swish'", r.StandardError);
        Assert.Contains("3 error(s)", r.StandardError);

        File.WriteAllText(Path.Combine(ws, "net.yaml"), """
            name: nohw
            input: [8, 8, 1]
            layers:
              - { type: conv2d, kernel: 3, filters: 2 }
              - { type: avgpool2d, pool: 2 }
              - { type: flatten }
              - { type: dense, units: 3 }
            """);
        File.WriteAllText(Path.Combine(ws, "r.yaml"), "name: r\nstages:\n  - { id: model, kind: model.train, with: { network: net.yaml } }\n  - { id: hls, kind: hls.emit, needs: [model] }\n");
        var hw = await Flowrunner.RunAsync(ws, "validate", Path.Combine(ws, "r.yaml"));
        Assert.Equal(2, hw.ExitCode);
        Assert.Contains("stage 'hls' (hls.emit) cannot build network 'nohw' of stage 'model': layer 'avgpool2d1' (", hw.StandardError);
        Assert.False(Directory.Exists(Path.Combine(ws, "runs")));

        // An imported model is planned with the stage's own format and bus: 9 lanes of 16-bit inputs do not fit a 32-bit bus.
        foreach (var f in new[] { "KERAS_3layer.json", "KERAS_3layer_weights.h5" })
            File.Copy(Path.Combine(Flowrunner.RepoRoot, "tests", "fixtures", "models", "keras", f), Path.Combine(ws, f));
        File.WriteAllText(Path.Combine(ws, "r.yaml"), """
            name: r
            stages:
              - { id: model, kind: model.import, with: { file: KERAS_3layer.json } }
              - { id: hls, kind: hls.emit, needs: [model], with: { format: "ac_fixed<16,6,true,AC_RND,AC_SAT>", lanes: 9, vectors_source: random } }
            """);
        var lanes = await Flowrunner.RunAsync(ws, "validate", Path.Combine(ws, "r.yaml"));
        Assert.Equal(2, lanes.ExitCode);
        Assert.Contains("stage 'hls' (hls.emit) cannot build network", lanes.StandardError);
        Assert.Contains("at most 2 lanes", lanes.StandardError);
    }
}
