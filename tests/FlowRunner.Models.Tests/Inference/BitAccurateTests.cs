using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Models.Tests.Support;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Models.Tests.Inference;

[Collection(MnistCollection.Name)]
public sealed class BitAccurateTests(MnistFixture mnist)
{
    private static FloatNetwork Tiny()
    {
        var net = new FloatNetwork(NetworkSpec.Parse("input: [2, 2, 1]\nlayers:\n  - { type: conv2d, kernel: 2, filters: 1 }\n  - { type: relu }\n  - { type: flatten }\n  - { type: dense, units: 2 }\n", "tiny.yaml"));
        float[] conv = [0.75f, -0.5f, 1.25f, 0.3f];
        conv.CopyTo(net.Weights[0], 0);
        net.Weights[3][0] = 1.6f;
        net.Weights[3][1] = -0.7f;
        return net;
    }

    [Fact]
    public void A_tiny_network_gives_the_hand_computed_bits()
    {
        // Inputs, weights, outputs ac_fixed<6,3,true,AC_RND,AC_SAT> (LSB 1/8); accumulator ac_fixed<7,3,true,AC_TRN,AC_SAT> (LSB 1/16).
        // Image 0.9, 0.2, 0.55, 1.0 -> raw 7, 2, 4, 8 (x8, rounded). Conv weights 0.75, -0.5, 1.25, 0.3 -> 6, -4, 10, 2.
        // Products (LSB 1/64): 42, -8, 40, 16. acc (LSB 1/16, truncated at every +=): 42/4 = 10.5 -> 10; (40 - 8)/4 = 8; (32 + 40)/4 = 18;
        // (72 + 16)/4 = 22 = 1.375 (the exact sum 90/64 = 1.40625 would be 22.5). Output: 22/2 = 11 = 1.375; ReLU keeps it.
        // Dense weights 1.6, -0.7 -> 13 (12.8 rounds up), -6 (-5.6 rounds to -6). Products 143, -66 -> acc 35 (35.75), -17 (-16.5 -> floor);
        // outputs 35/2 = 17.5 -> 18 (half up) = 2.25, -17/2 = -8.5 -> -8 (half up) = -1.0.
        var model = new BitAccurateNetwork(Tiny(), FixedFormat.Parse("ac_fixed<6,3,true,AC_RND,AC_SAT>"), FixedFormat.Parse("ac_fixed<7,3,true,AC_TRN,AC_SAT>"));
        var trace = new List<long[]>();
        var logits = model.Infer([0.9f, 0.2f, 0.55f, 1.0f], trace);
        Assert.Equal([7L, 2, 4, 8], model.QuantizeInput([0.9f, 0.2f, 0.55f, 1.0f]));
        Assert.Equal([6L, -4, 10, 2], model.RawWeights(0).ToArray());
        Assert.Equal([13L, -6], model.RawWeights(3).ToArray());
        Assert.Equal([11L], trace[0]);
        Assert.Equal([18L, -8], logits);
        Assert.Equal([2.25, -1.0], logits.Select(model.ToDouble));
        Assert.Equal(AccumulationMode.Stepwise, model.Mode(0));

        // With a full-precision accumulator the conv sum is exact: 90/64 -> 90/8 = 11.25 -> 11; same logits, but exact mode.
        var exact = new BitAccurateNetwork(Tiny(), FixedFormat.Parse("ac_fixed<6,3,true,AC_RND,AC_SAT>"));
        Assert.Equal(AccumulationMode.Exact, exact.Mode(0));
        Assert.Equal([18L, -8], exact.Infer([0.9f, 0.2f, 0.55f, 1.0f]));

        // A 4-bit accumulator ac_fixed<4,1,true,AC_TRN,AC_SAT> (LSB 1/8, range -1 .. 0.875) saturates from the third step on:
        // 42/8 = 5.25 -> 5; (40 - 8)/8 = 4; (32 + 40)/8 = 9 -> 7 (saturated); (56 + 16)/8 = 9 -> 7. Output 7 = 0.875 in <6,3>.
        // Dense: 7 * 13 = 91/64 = 1.42 -> 11 -> saturates to 7; 7 * -6 = -42/64 -> -5.25 -> floor -6 (-0.75).
        var saturating = new BitAccurateNetwork(Tiny(), FixedFormat.Parse("ac_fixed<6,3,true,AC_RND,AC_SAT>"), FixedFormat.Parse("ac_fixed<4,1,true,AC_TRN,AC_SAT>"));
        var t2 = new List<long[]>();
        Assert.Equal([7L, -6], saturating.Infer([0.9f, 0.2f, 0.55f, 1.0f], t2));
        Assert.Equal([7L], t2[0]);
    }

    public static IEnumerable<object[]> Formats =>
    [
        ["8.4 rnd sat", null!], ["6.3 rnd wrap", null!], ["5.2 trn sat", null!], ["4.2 rnd_conv sat_sym", null!], ["10.5 rnd_zero wrap", null!],
        ["16.8 rnd sat", null!], ["3.1 rnd wrap", null!], ["12.4 trn sat_zero", null!], ["8.4 rnd sat", "12.6 rnd sat"], ["8.4 rnd sat", "20.12 trn wrap"],
        ["6.2 rnd wrap", "9.3 rnd_inf wrap"], ["8.3 rnd_min_inf sat", "10.4 trn_zero sat_sym"], ["24.12 rnd sat", null!],
    ];

    [Theory]
    [MemberData(nameof(Formats))]
    public void The_fast_paths_give_the_same_bits_as_the_step_by_step_chain(string format, string? accumulator)
    {
        var defaults = FormatDefaults.For(mnist.Net.Spec, FixedFormat.Parse(format), accumulator is null ? null : FixedFormat.Parse(accumulator));
        var sample = mnist.Test.Take(60);
        var fast = new BitAccurateNetwork(mnist.Net, defaults).InferAll(sample);
        var stepwise = new BitAccurateNetwork(mnist.Net, defaults, forceStepwise: true).InferAll(sample);
        for (var i = 0; i < sample.Count; i++) Assert.Equal(stepwise[i], fast[i]);
        var reference = ScalarReference.Run(mnist.Net, defaults, sample.Images[0]);
        Assert.Equal(reference[^1].Select(v => (long)v.Raw), fast[0]);
    }

    [Fact]
    public void Random_networks_with_bias_pooling_and_channels_match_the_scalar_reference_layer_by_layer()
    {
        var rng = new Random(11);
        string[] formats = ["6.3 rnd sat", "5.1 rnd wrap", "7.2 trn sat_sym", "9.4 rnd_conv wrap", "4.1 rnd_zero sat"];
        for (var trial = 0; trial < 12; trial++)
        {
            var spec = NetworkSpec.Parse($$"""
                input: [7, 6, 2]
                layers:
                  - { type: conv2d, kernel: 2, filters: 3, bias: true, input_format: "{{formats[trial % 5]}}" }
                  - { type: relu }
                  - { type: maxpool2d }
                  - { type: conv2d, kernel: 2, filters: 2, bias: {{(trial % 2 == 0 ? "true" : "false")}} }
                  - { type: flatten }
                  - { type: dense, units: 4, bias: true, weight_format: "{{formats[(trial + 2) % 5]}}" }
                """, "random.yaml");
            var net = new FloatNetwork(spec);
            foreach (var a in net.Weights.Concat(net.Biases))
                for (var k = 0; k < a.Length; k++) a[k] = (float)(rng.NextDouble() * 3 - 1.5);
            var accumulator = trial % 3 == 0 ? (FixedFormat?)null : FixedFormat.Parse(trial % 3 == 1 ? "9.4 rnd sat" : "8.3 trn wrap");
            var defaults = FormatDefaults.For(spec, FixedFormat.Parse(formats[(trial + 1) % 5]), accumulator);
            var model = new BitAccurateNetwork(net, defaults);
            for (var img = 0; img < 3; img++)
            {
                var image = Enumerable.Range(0, spec.Input.Size).Select(_ => (float)rng.NextDouble()).ToArray();
                var trace = new List<long[]>();
                model.Infer(image, trace);
                var reference = ScalarReference.Run(net, defaults, image);
                for (var l = 0; l < spec.Layers.Count; l++)
                    Assert.True(reference[l].Select(v => (long)v.Raw).SequenceEqual(trace[l]), $"trial {trial}, image {img}, layer {spec.Layers[l].Name}: {string.Join(",", trace[l])} vs {string.Join(",", reference[l].Select(v => v.Raw))}");
            }
        }
    }

    [Fact]
    public void A_wide_format_agrees_with_float_and_narrow_wrapping_formats_collapse()
    {
        var sample = mnist.Test.Take(1000);
        var floatPredictions = FloatInference.Classify(mnist.Net, sample);
        var wide = new BitAccurateNetwork(mnist.Net, FixedFormat.Parse("ac_fixed<24,12,true,AC_RND,AC_SAT>")).Classify(sample);
        var agree = wide.Where((p, i) => p == floatPredictions[i]).Count();
        Assert.True(agree >= 995, $"{agree} of 1000 agree with float");
        var floatAccuracy = FloatInference.Accuracy(mnist.Net, sample);
        var wrap = new BitAccurateNetwork(mnist.Net, FixedFormat.Parse("ac_fixed<5,3,true,AC_RND,AC_WRAP>")).Accuracy(sample);
        var sat = new BitAccurateNetwork(mnist.Net, FixedFormat.Parse("ac_fixed<5,3,true,AC_RND,AC_SAT>")).Accuracy(sample);
        Assert.True(wrap < floatAccuracy - 0.2, $"3 integer bits with wrap-around still give {wrap:P1}");
        Assert.True(sat > wrap + 0.1, $"saturation {sat:P1} should beat wrap-around {wrap:P1}");
    }

    [Fact]
    public void Four_bit_logits_tie_and_lose_accuracy_that_logits_at_accumulator_precision_keep()
    {
        var sample = mnist.Test.Take(1000);
        var spec = mnist.Net.Spec;
        var format = FixedFormat.Parse("ac_fixed<4,2,true,AC_RND,AC_SAT>");
        var narrow = new BitAccurateNetwork(mnist.Net, FormatDefaults.For(spec, format));
        var kept = new BitAccurateNetwork(mnist.Net, FormatDefaults.For(spec, format, logits: LogitsFormat.Accumulator));
        Assert.Equal(format, narrow.OutputFormat);
        Assert.Equal(kept.Formats[spec.LogitsLayer]!.Accumulator, kept.OutputFormat);
        static int Ties(long[][] logits) => logits.Count(l => l.Count(v => v == l.Max()) > 1);
        var narrowTies = Ties(narrow.InferAll(sample));
        var keptTies = Ties(kept.InferAll(sample));
        Assert.True(narrowTies > 100 && keptTies * 4 < narrowTies, $"{narrowTies} of 1000 images tie with 4-bit logits, {keptTies} at accumulator precision");
        Assert.True(kept.Accuracy(sample) >= narrow.Accuracy(sample), $"{kept.Accuracy(sample):P1} vs {narrow.Accuracy(sample):P1}");
    }

    [Fact]
    public void Raw_inputs_and_images_give_the_same_logits_and_formats_wider_than_62_bits_are_refused()
    {
        var model = new BitAccurateNetwork(mnist.Net, FixedFormat.Parse("8.4 rnd sat"));
        var image = mnist.Test.Images[7];
        Assert.Equal(model.Infer(image), model.InferRaw(model.QuantizeInput(image)));
        Assert.Equal(FixedFormat.Parse("8.4 rnd sat"), model.OutputFormat);
        var e = Assert.Throws<ModelFormatException>(() => new BitAccurateNetwork(mnist.Net, FixedFormat.Parse("ac_fixed<70,20>")));
        Assert.Contains("wider than the 62 bits", e.Message);
    }
}
