using FlowRunner.Hls.Architecture;
using FlowRunner.Models.Network;
using FlowRunner.Hls.Tests.Support;
using FlowRunner.Tech.Tests.Support;

namespace FlowRunner.Hls.Tests;

/// <summary>Networks beyond the reference one (biases, a network that starts with Dense, the shipped jet-tagger MLP) go to hardware: Icarus
/// runs the RTL to the bit-accurate model's outputs and the schedule's cycles, and g++ builds the C++ to the float model's outputs.</summary>
public class LayerKindEquivalenceTests
{
    private const string Mlp = """
        name: mlp
        input: [1, 1, 16]
        layers:
          - { type: dense, units: 12, bias: true }
          - { type: relu }
          - { type: dense, units: 7, bias: true }
          - { type: relu }
          - { type: dense, units: 5, bias: true }
        """;

    private const string ConvBias = """
        name: convbias
        input: [8, 8, 2]
        layers:
          - { type: conv2d, kernel: 3, filters: 3, bias: true }
          - { type: relu }
          - { type: flatten }
          - { type: dense, units: 4, bias: true }
        """;

    internal static Accelerator RtlMatches(FloatNetwork net, string format, int lanes, int images)
    {
        using var dir = new TempDir();
        var (a, files) = HlsRig.EmitRandom(dir.Path, net, format, lanes, images);
        var run = HlsRig.Simulate(dir.Path, files);
        Assert.True(run.Output.Contains($"PASS {images} images"), run.ToString());
        Assert.Equal(a.CyclesPerInference, HlsRig.MeasuredCycles(run));
        return a;
    }

    internal static void CppMatches(FloatNetwork net, string format, int lanes, int images)
    {
        using var dir = new TempDir();
        var (_, files) = HlsRig.EmitRandom(dir.Path, net, format, lanes, images);
        var compile = Tool.Run("g++", ["-O1", "-std=c++17", "-Wall", "-Wno-unknown-pragmas", "-DFLOWRUNNER_FLOAT", "-o", "accel_float", files.Cpp], dir.Path, 300);
        Assert.True(compile.ExitCode == 0, compile.ToString());
        var run = Tool.Run(dir.File("accel_float"), [files.Vectors], dir.Path);
        Assert.True(run.ExitCode == 0 && run.Output.Contains($"PASS {images} images"), run.ToString());
    }

    [Theory]
    [InlineData("ac_fixed<8,4,true,AC_RND,AC_SAT>", 4)]
    [InlineData("ac_fixed<6,3,true,AC_TRN,AC_WRAP>", 3)]
    public void Dense_first_mlp_with_biases_runs_bit_for_bit_in_the_rtl(string format, int lanes) =>
        RtlMatches(HlsRig.WithBiases(HlsRig.Network(7, Mlp), 11), format, lanes, 4);

    [Fact]
    public void Conv_with_bias_runs_bit_for_bit_in_the_rtl() =>
        RtlMatches(HlsRig.WithBiases(HlsRig.Network(8, ConvBias), 12), "ac_fixed<8,4,true,AC_RND,AC_SAT>", 2, 3);

    [Fact]
    public void Shipped_jet_tagger_mlp_runs_bit_for_bit_in_the_rtl() =>
        RtlMatches(HlsRig.Keras("KERAS_3layer"), "ac_fixed<16,6,true,AC_RND,AC_SAT>", 2, 3);

    [Fact]
    public void Shipped_jet_tagger_mlp_cpp_matches_the_float_model() =>
        CppMatches(HlsRig.Keras("KERAS_3layer"), "ac_fixed<16,6,true,AC_RND,AC_SAT>", 2, 5);

    [Fact]
    public void Biased_mlp_cpp_matches_the_float_model() =>
        CppMatches(HlsRig.WithBiases(HlsRig.Network(7, Mlp), 11), "ac_fixed<8,4,true,AC_RND,AC_SAT>", 4, 5);

    [Fact]
    public void Zero_biases_would_be_caught_the_bench_sees_the_bias()
    {
        // The RTL's biases come from the plan: clearing them in the plan's source network changes the expected logits, not the emitted RTL.
        var net = HlsRig.WithBiases(HlsRig.Network(7, Mlp), 11);
        using var dir = new TempDir();
        var (_, files) = HlsRig.EmitRandom(dir.Path, net, "ac_fixed<8,4,true,AC_RND,AC_SAT>", 4, 2);
        foreach (var b in net.Biases) Array.Clear(b);
        var model = new Models.Inference.BitAccurateNetwork(net, Numerics.Formats.FixedFormat.Parse("ac_fixed<8,4,true,AC_RND,AC_SAT>"));
        File.WriteAllText(dir.File(files.Vectors), Vectors.TestVectors.Write(model, Vectors.TestVectors.Random(model, net, 2, 5)));
        var run = HlsRig.Simulate(dir.Path, files);
        Assert.Contains("FAIL", run.Output);
    }
}

/// <summary>Random test vectors for networks without a dataset: seeded, and spread over the input format's whole raw range.</summary>
public class RandomVectorTests
{
    [Fact]
    public void Random_vectors_are_seeded_and_cover_the_input_range()
    {
        var net = HlsRig.Network(7, "name: m\ninput: [1, 1, 16]\nlayers:\n  - { type: dense, units: 3 }\n");
        var model = new Models.Inference.BitAccurateNetwork(net, Numerics.Formats.FixedFormat.Parse("ac_fixed<6,3,true,AC_RND,AC_SAT>"));
        var a = Vectors.TestVectors.Random(model, net, 40, 9);
        var b = Vectors.TestVectors.Random(model, net, 40, 9);
        var c = Vectors.TestVectors.Random(model, net, 40, 10);
        Assert.Equal(a.SelectMany(v => v.Pixels), b.SelectMany(v => v.Pixels));
        Assert.NotEqual(a.SelectMany(v => v.Pixels), c.SelectMany(v => v.Pixels));
        var all = a.SelectMany(v => v.Pixels).ToList();
        Assert.Equal(-32, all.Min());
        Assert.Equal(31, all.Max());
        Assert.All(a, v => Assert.Equal(model.InferRaw(v.Pixels), v.Logits));
    }
}

/// <summary>QKeras networks keep their own per-layer quantizers in hardware: quantized_bits weights and quantized_relu activations.</summary>
public class QKerasEquivalenceTests
{
    [Fact]
    public void Qkeras_3layer_runs_bit_for_bit_in_the_rtl() =>
        Assert.Contains(LayerKindEquivalenceTests.RtlMatches(HlsRig.Keras("qkeras_3layer"), "ac_fixed<16,6,true,AC_RND,AC_SAT>", 2, 3).Layers,
            l => l.Activation is not null);

    [Fact]
    public void Qkeras_3layer_cpp_matches_the_float_model() =>
        LayerKindEquivalenceTests.CppMatches(HlsRig.Keras("qkeras_3layer"), "ac_fixed<16,6,true,AC_RND,AC_SAT>", 2, 4);
}
