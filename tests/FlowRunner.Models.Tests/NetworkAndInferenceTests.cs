using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Models.Training;
using FlowRunner.Numerics.Formats;
using FlowRunner.Numerics.Values;

namespace FlowRunner.Models.Tests;

public class NetworkAndInferenceTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    private static string Repo()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "FlowRunner.sln"))) return d.FullName;
        throw new InvalidOperationException("repository not found");
    }

    private static NetworkSpec Reference() => NetworkSpec.Load(Path.Combine(Repo(), "flows", "models", "mnist-cnn.yaml"));

    [Fact]
    public void The_reference_network_has_the_webinar_shape()
    {
        var spec = Reference();
        Assert.Equal([(26, 26, 8), (26, 26, 8), (24, 24, 3), (24, 24, 3), (1, 1, 1728), (1, 1, 10), (1, 1, 10)], spec.Shapes());
        Assert.All(spec.Layers, l => Assert.False(l.Bias));
    }

    [Theory]
    [InlineData("input: [28, 28, 1]\nlayers:\n  - { type: conv3d, kernel: 3 }\n", "net.yaml:3:5: unsupported layer type 'conv3d'")]
    [InlineData("input: [28, 28, 1]\nlayers:\n  - { type: dense, units: 10 }\n", "dense needs a flat input")]
    [InlineData("input: [28, 28, 1]\nlayers:\n  - { type: conv2d, kernel: 3, filter: 8 }\n", "net.yaml:3:32: unknown layer key 'filter'")]
    [InlineData("input: [28, 28, 1]\nlayers:\n  - { type: conv2d, kernel: 3, filters: 8, weight_format: \"8.3 round\" }\n", "weight_format")]
    public void Bad_descriptions_name_the_place(string yaml, string message) =>
        Assert.Contains(message, Assert.Throws<ModelFormatException>(() => NetworkSpec.Parse(yaml, "net.yaml")).Message);

    [Fact]
    public void Training_is_deterministic_and_learns()
    {
        var (train, test) = mnist.All.Split(2000, 1);
        var small = train.Take(2000);
        var o = new TrainingOptions(Epochs: 2, Seed: 5);
        var a = Trainer.Train(Reference(), small, o);
        var b = Trainer.Train(Reference(), small, o with { Threads = 1 });
        Assert.Equal(a.Weights[5], b.Weights[5]);
        Assert.True(Trainer.Accuracy(a, test.Take(1000)) > 0.85);
    }

    [Fact]
    public void A_wide_format_agrees_with_float_and_a_narrow_one_loses_accuracy()
    {
        var (train, test) = mnist.All.Split(2000, 1);
        var net = Trainer.Train(Reference(), train.Take(3000), new TrainingOptions(Epochs: 2, Seed: 2));
        var sample = test.Take(500);
        var wide = new BitAccurateNetwork(net, FixedFormat.Parse("ac_fixed<32,12,true,AC_RND,AC_SAT>")).Classify(sample);
        var agree = wide.Where((p, i) => p == net.Predict(sample.Images[i])).Count();
        Assert.True(agree >= 495, $"{agree} of 500 agree with float");
        var narrow = new BitAccurateNetwork(net, FixedFormat.Parse("ac_fixed<3,2,true,AC_RND,AC_WRAP>")).Accuracy(sample);
        Assert.True(narrow < Trainer.Accuracy(net, sample) - 0.2, $"3-bit wrap-around still gives {narrow:P1}");
    }

    [Fact]
    public void Quantization_aware_training_beats_post_training_quantization_at_four_bits_and_matches_the_bit_accurate_model()
    {
        var (train, test) = mnist.All.Split(2000, 1);
        var spec = Reference();
        var f = FixedFormat.Parse("ac_fixed<4,3,true,AC_RND,AC_SAT>");
        var net = Trainer.Train(spec, train.Take(3000), new TrainingOptions(Epochs: 2, Seed: 3));
        var sample = test.Take(500);
        var ptq = new BitAccurateNetwork(net, f).Accuracy(sample);
        var plan = QuantizationPlan.Uniform(spec, f);
        var qat = Trainer.Train(spec, train.Take(3000), new TrainingOptions(Epochs: 2, Seed: 3, LearningRate: 0.005, Qat: plan), start: net);
        var bitAccurate = new BitAccurateNetwork(qat, f).Accuracy(sample);
        Assert.True(bitAccurate > ptq + 0.2, $"QAT {bitAccurate:P1} against PTQ {ptq:P1}");
        Assert.Equal(Trainer.Accuracy(qat, sample, plan), bitAccurate, 3); // the QAT forward pass is the bit-accurate model with a wide accumulator
    }

    [Fact]
    public void A_tiny_network_computes_exactly_what_ac_fixed_does_step_by_step()
    {
        var spec = NetworkSpec.Parse("input: [2, 2, 1]\nclasses: 2\nlayers:\n  - { type: conv2d, kernel: 2, filters: 1 }\n  - { type: relu }\n  - { type: flatten }\n  - { type: dense, units: 2 }\n", "tiny");
        var net = new FloatNetwork(spec);
        float[] convW = [0.75f, -0.5f, 1.25f, 0.3f];
        convW.CopyTo(net.Weights[0], 0);
        net.Weights[3][0] = 1.6f;
        net.Weights[3][1] = -0.7f;
        float[] image = [0.9f, 0.2f, 0.55f, 1.0f];
        var fmt = FixedFormat.Parse("ac_fixed<6,3,true,AC_RND,AC_SAT>");
        var accFmt = FixedFormat.Parse("ac_fixed<7,3,true,AC_TRN,AC_SAT>");
        var model = new BitAccurateNetwork(net, fmt, accFmt);

        // The same computation with the scalar ac_fixed model: acc = 0; acc = acc + w*x (assigned each step); out = acc.
        var acc = new FixedValue(0, accFmt);
        for (var k = 0; k < 4; k++) acc = (acc + FixedValue.FromDouble(convW[k], fmt) * FixedValue.FromDouble(image[k], fmt)).Cast(accFmt);
        var conv = acc.Cast(fmt);
        var relu = conv.Raw > 0 ? conv : new FixedValue(0, fmt);
        var expected = new[] { 1.6f, -0.7f }.Select(w => (new FixedValue(0, accFmt) + FixedValue.FromDouble(w, fmt) * relu).Cast(accFmt).Cast(fmt).Raw).ToArray();

        var logits = model.Infer(image);
        Assert.Equal(expected.Select(e => (long)e), logits);
        Assert.Equal(fmt, model.OutputFormat);
    }

    [Fact]
    public void Weights_files_round_trip_and_corrupt_ones_are_errors()
    {
        var net = new FloatNetwork(Reference());
        net.Initialize(3);
        var file = Path.Combine(Path.GetTempPath(), $"w-{Guid.NewGuid():N}.json");
        WeightsFile.Save(net, File.ReadAllText(Path.Combine(Repo(), "flows", "models", "mnist-cnn.yaml")), file);
        var (back, _) = WeightsFile.Load(file);
        Assert.Equal(net.Weights[2], back.Weights[2]);
        File.WriteAllText(file, "{\"format\": \"flowrunner-weights-1\", \"network\": \"input: [28, 28, 1]\\nlayers:\\n  - { type: flatten }\\n  - { type: dense, units: 10 }\\n\", \"layers\": []}");
        Assert.Contains("0 layers of weights", Assert.Throws<ModelFormatException>(() => WeightsFile.Load(file)).Message);
    }

    [Fact]
    public void Profiling_reports_integer_bits_with_sign()
    {
        Assert.Equal(7, BitAccurateNetwork.IntBitsFor(59.804));
        Assert.Equal(1, BitAccurateNetwork.IntBitsFor(0.5));
        Assert.Equal(2, BitAccurateNetwork.IntBitsFor(1.0));
    }
}
