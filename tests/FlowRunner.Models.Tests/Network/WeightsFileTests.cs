using FlowRunner.Models.Network;
using FlowRunner.Models.Tests.Support;

namespace FlowRunner.Models.Tests.Network;

public sealed class WeightsFileTests : IDisposable
{
    private readonly string _dir = Repo.TempFolder("weights");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Weights_round_trip_bit_for_bit_with_the_network_and_the_training_record()
    {
        var net = new FloatNetwork(NetworkSpec.Parse("input: [5, 5, 2]\nlayers:\n  - { type: conv2d, kernel: 3, filters: 3, bias: true }\n  - { type: flatten }\n  - { type: dense, units: 4, bias: true }\n", "n.yaml"));
        net.Initialize(3);
        net.Biases[0][1] = 1.0f / 3;
        net.Biases[2][3] = -1e-7f;
        var file = Path.Combine(_dir, "w.json");
        WeightsFile.Save(net, file, new TrainingRecord("mnist", 3, "sgd", 0.01, 32, 1, "ac_fixed<4,2,true,AC_RND,AC_SAT>", 2));
        var (back, training) = WeightsFile.Load(file);
        for (var i = 0; i < net.Weights.Length; i++)
        {
            Assert.Equal(net.Weights[i], back.Weights[i]);
            Assert.Equal(net.Biases[i], back.Biases[i]);
        }
        Assert.Equal(net.Spec.Source, back.Spec.Source);
        Assert.Equal("ac_fixed<4,2,true,AC_RND,AC_SAT>", training!.QatFormat);
        Assert.Contains("\"shape\":[3,3,3,2]", File.ReadAllText(file));
    }

    [Fact]
    public void Damaged_weights_files_are_errors_naming_the_file_and_layer()
    {
        var file = Path.Combine(_dir, "w.json");
        var net = "input: [28, 28, 1]\\nlayers:\\n  - { type: flatten }\\n  - { type: dense, units: 10 }\\n";
        File.WriteAllText(file, $$"""{"format": "flowrunner-weights-1", "network": "{{net}}", "layers": []}""");
        Assert.Contains("w.json: no weights for layer 'dense1'", Assert.Throws<ModelFormatException>(() => WeightsFile.Load(file)).Message);
        File.WriteAllText(file, $$"""{"format": "flowrunner-weights-1", "network": "{{net}}", "layers": [{"name": "dense1", "type": "dense", "shape": [10, 784], "weights": [1, 2], "bias": []}]}""");
        Assert.Contains("layer 'dense1' has 2 weights and 0 biases; the network needs 7840 and 0", Assert.Throws<ModelFormatException>(() => WeightsFile.Load(file)).Message);
        File.WriteAllText(file, """{"format": "something-else"}""");
        Assert.Contains("not a FlowRunner weights file", Assert.Throws<ModelFormatException>(() => WeightsFile.Load(file)).Message);
        File.WriteAllText(file, "{\"format\": ");
        Assert.Contains("w.json: line 1: not a weights file", Assert.Throws<ModelFormatException>(() => WeightsFile.Load(file)).Message);
        File.WriteAllText(file, """{"format": "flowrunner-weights-1", "network": "input: [28, 28, 1, 1]\n", "layers": []}""");
        Assert.Contains("w.json (embedded network):1:8", Assert.Throws<ModelFormatException>(() => WeightsFile.Load(file)).Message);
    }
}
