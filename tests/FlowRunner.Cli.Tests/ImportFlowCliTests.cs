using System.Text.Json;

namespace FlowRunner.Cli.Tests;

/// <summary>The shipped bring-your-own-model recipes run for real: an imported model without a dataset goes to hardware, an imported model
/// with one runs the whole flow, and the stages that need labelled data are refused before anything runs when there is none.</summary>
public class ImportFlowCliTests
{
    // The shipped recipes read the models from tests/fixtures, outside flows/ and the test's workspace.
    private static readonly string[] Fixtures = ["--allow-path", Path.Combine(Flowrunner.RepoRoot, "tests", "fixtures", "models")];

    private static double Metric(string stageFolder, string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(stageFolder, "metrics.json"))).RootElement.EnumerateArray()
            .Single(m => m.GetProperty("name").GetString() == name).GetProperty("value").GetDouble();

    /// <summary>Runs a shipped recipe in a new workspace; every stage must succeed. Returns its one design point's folder.</summary>
    private static async Task<string> RunShippedAsync(string recipe, int stages)
    {
        var ws = Flowrunner.NewWorkspace();
        var r = await Flowrunner.RunAsync(ws, ["run", Path.Combine(Flowrunner.RepoRoot, "flows", recipe + ".yaml"), .. Fixtures]);
        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);
        Assert.Contains($"succeeded: {stages} done", r.StandardOutput);
        return Path.Combine(Directory.GetDirectories(Path.Combine(ws, "runs", recipe)).Single(), "p000");
    }

    [Fact]
    public async Task The_jet_tagger_imported_without_a_dataset_runs_every_hardware_stage()
    {
        var run = await RunShippedAsync("import-mlp", 7);
        Assert.False(File.Exists(Path.Combine(run, "model", "dataset.json")), "no dataset was named, none is written");
        Assert.Equal(16 * 64 + 64 + 64 * 32 + 32 + 32 * 32 + 32 + 32 * 5 + 5, Metric(Path.Combine(run, "model"), "parameters"));
        // Icarus ran the RTL on the seeded random vectors against the bit-accurate model.
        Assert.Equal(4, Metric(Path.Combine(run, "hls"), "rtl_images_checked"));
        Assert.Contains("vectors_source\": \"random\"", File.ReadAllText(Path.Combine(run, "hls", "stage.log")));
        Assert.Contains("the model has no dataset: activity on the 200 input vectors of hls.emit's vectors.txt", File.ReadAllText(Path.Combine(run, "power", "stage.log")));
        Assert.Equal(200, Metric(Path.Combine(run, "power"), "activity_images"));
        Assert.InRange(Metric(Path.Combine(run, "power"), "operand_toggle_rate"), 0.05, 0.95);
        Assert.True(Metric(Path.Combine(run, "floorplan"), "die_area_um2") > Metric(Path.Combine(run, "synth"), "logic_area_um2"));
        Assert.True(File.Exists(Path.Combine(run, "..", "report.html")));
    }

    [Fact]
    public async Task Stages_that_need_labelled_data_are_refused_at_validate_when_the_import_names_no_dataset()
    {
        var ws = Flowrunner.NewWorkspace();
        foreach (var f in new[] { "KERAS_3layer.json", "KERAS_3layer_weights.h5" })
            File.Copy(Path.Combine(Flowrunner.RepoRoot, "tests", "fixtures", "models", "keras", f), Path.Combine(ws, f));
        var recipe = Path.Combine(ws, "r.yaml");
        File.WriteAllText(recipe, """
            name: r
            stages:
              - { id: model, kind: model.import, with: { file: KERAS_3layer.json } }
              - { id: accuracy, kind: model.accuracy, needs: [model] }
              - { id: qat, kind: model.accuracy, needs: [model], with: { qat_epochs: 1 } }
              - { id: profile, kind: model.profile, needs: [model] }
              - { id: sweep, kind: accuracy.sweep, needs: [model] }
              - { id: hls, kind: hls.emit, needs: [model] }
            """);
        var r = await Flowrunner.RunAsync(ws, "validate", recipe);
        Assert.Equal(2, r.ExitCode);
        foreach (var (stage, kind, line) in new[] { ("accuracy", "model.accuracy", 4), ("qat", "model.accuracy", 5), ("profile", "model.profile", 6), ("sweep", "accuracy.sweep", 7) })
            Assert.Contains($"r.yaml:{line}:5: stage '{stage}' ({kind}) needs view 'dataset', which its upstream model.import writes only when `dataset` names one (not none)", r.StandardError);
        Assert.Contains("stage 'hls' (hls.emit) needs view 'dataset' (vectors_source: dataset", r.StandardError);
        Assert.Contains("5 error(s); nothing was run", r.StandardError);
        Assert.False(Directory.Exists(Path.Combine(ws, "runs")));

        // The hardware alone, on random vectors, is a valid recipe.
        File.WriteAllText(recipe, """
            name: r
            stages:
              - { id: model, kind: model.import, with: { file: KERAS_3layer.json, dataset: none } }
              - { id: hls, kind: hls.emit, needs: [model], with: { vectors_source: random } }
            """);
        var ok = await Flowrunner.RunAsync(ws, "validate", recipe);
        Assert.True(ok.ExitCode == 0, ok.StandardError);
    }

    [Fact]
    public async Task The_import_example_runs_the_whole_flow_on_the_imported_qkeras_model()
    {
        var run = await RunShippedAsync("import-example", 11);
        Assert.InRange(Metric(Path.Combine(run, "accuracy"), "accuracy"), 0.9, 1); // the QKeras model as trained, bit-accurately
        Assert.InRange(Metric(Path.Combine(run, "qat_accuracy"), "accuracy"), 0.9, 1); // fine-tuned from the imported weights
        Assert.Contains("quantization-aware fine-tuning", File.ReadAllText(Path.Combine(run, "qat_accuracy", "stage.log")));
        Assert.True(File.Exists(Path.Combine(run, "profile", "profile.json")));
        Assert.Contains("qat ac_fixed<8,4,true,AC_RND,AC_SAT>: ", File.ReadAllText(Path.Combine(run, "sweep", "stage.log"))); // the sweep's QAT point
        Assert.Equal(2, Metric(Path.Combine(run, "hls"), "rtl_images_checked")); // the RTL equals the model on real digits
        Assert.Contains("input ac_fixed<2,0,false,AC_RND_CONV,AC_SAT>", File.ReadAllText(Path.Combine(run, "hls", "stage.log")));
        Assert.True(Metric(Path.Combine(run, "power"), "energy_per_inference_uj") > 0);
        Assert.True(Metric(Path.Combine(run, "floorplan"), "die_area_um2") > 0);
        var report = File.ReadAllText(Path.Combine(run, "..", "report.html"));
        Assert.Contains("q_dense_2", report);
    }
}
