using System.Globalization;
using CliWrap;
using CliWrap.Buffered;

namespace FlowRunner.Cli.Tests;

/// <summary>`flowrunner model import` and `model infer` as a user runs them: the layer table and the two files, outputs a vector a line in
/// float and bit-accurately, and a corrupt model is one line, exit 2, nothing written.</summary>
public class ModelCommandsCliTests
{
    [Fact]
    public async Task Import_writes_the_description_and_weights_and_infer_gives_a_vector_a_line()
    {
        var ws = Flowrunner.NewWorkspace();
        var keras = Path.Combine(Flowrunner.RepoRoot, "tests", "fixtures", "models", "keras");
        var import = await Flowrunner.RunAsync(ws, "model", "import", Path.Combine(keras, "KERAS_3layer.json"), "-o", Path.Combine(ws, "jet.yaml"));
        Assert.True(import.ExitCode == 0, import.StandardError);
        Assert.Contains("4389 parameters", import.StandardOutput);
        Assert.Matches(@"fc1_relu\s+dense 64\s+1x1x64\s+1088", import.StandardOutput);
        Assert.True(File.Exists(Path.Combine(ws, "jet.yaml")) && File.Exists(Path.Combine(ws, "jet.weights.json")));

        File.WriteAllText(Path.Combine(ws, "in.csv"), "0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1,-1,-0.5,0,0.25,0.5,2\n1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1\n");
        var infer = await Flowrunner.RunAsync(ws, "model", "infer", Path.Combine(ws, "jet.yaml"), "--input", Path.Combine(ws, "in.csv"), "-o", Path.Combine(ws, "out.csv"), "--mode", "float");
        Assert.True(infer.ExitCode == 0, infer.StandardError);
        var rows = File.ReadAllLines(Path.Combine(ws, "out.csv")).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => { Assert.Equal(5, r.Length); Assert.Equal(1, r.Sum(), 5); }); // the final softmax, as Keras gives it

        var bit = await Flowrunner.RunAsync(ws, "model", "infer", Path.Combine(ws, "jet.yaml"), "--input", Path.Combine(ws, "in.csv"), "-o", Path.Combine(ws, "bit.csv"),
            "--mode", "bit-accurate", "--format", "ac_fixed<16,6,true,AC_RND,AC_SAT>");
        Assert.True(bit.ExitCode == 0, bit.StandardError);
        var logits = File.ReadAllLines(Path.Combine(ws, "bit.csv")).SelectMany(l => l.Split(',')).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(10, logits.Count);
        Assert.All(logits, v => Assert.Equal(v, Math.Round(v * 1024) / 1024)); // values of the 10-fraction-bit logits format
        // The logits order the classes as the float probabilities do.
        Assert.Equal(rows.Select(r => Array.IndexOf(r, r.Max())), Enumerable.Range(0, 2).Select(i => logits.Skip(5 * i).Take(5).ToList()).Select(l => l.IndexOf(l.Max())));
    }

    [Fact]
    public async Task A_truncated_onnx_file_is_one_line_exit_2_and_nothing_written()
    {
        var ws = Flowrunner.NewWorkspace();
        var bytes = File.ReadAllBytes(Path.Combine(Flowrunner.RepoRoot, "tests", "fixtures", "models", "onnx", "two_layer_pytorch.onnx"));
        File.WriteAllBytes(Path.Combine(ws, "trunc.onnx"), bytes[..(bytes.Length / 2)]);
        var r = await Flowrunner.RunAsync(ws, "model", "import", Path.Combine(ws, "trunc.onnx"), "-o", Path.Combine(ws, "t.yaml"));
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.StandardError.Trim().Split('\n'));
        Assert.Contains("trunc.onnx: not a readable ONNX model", r.StandardError);
        Assert.DoesNotContain("   at ", r.StandardError);
        Assert.Equal(["trunc.onnx"], Directory.GetFiles(ws).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Bench_import_times_every_shipped_model()
    {
        var ws = Flowrunner.NewWorkspace();
        var r = await Flowrunner.Command(ws, "bench", "import", "--quick").WithEnvironmentVariables(e => e.Set("CI", "true")
            .Set("FLOWRUNNER_BENCH_MODELS", Path.Combine(Flowrunner.RepoRoot, "tests", "fixtures", "models"))).ExecuteBufferedAsync();
        Assert.True(r.ExitCode == 0, r.StandardError);
        foreach (var m in new[] { "KERAS_3layer.json", "qkeras_mnist_dense.json", "three_layer_keras.onnx", "bnn_model_fc_1layer.onnx" })
            Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(m)}\s+\d+\s+\d+\s+[0-9.]+\s+[0-9.]+\s+[0-9.]+", r.StandardOutput);
    }
}
