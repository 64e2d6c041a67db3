using FlowRunner.Models.Datasets;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Models.Tests.Support;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Models.Tests.Inference;

/// <summary>The 16-bit paired kernels (vpmaddwd, 32-bit exact sums) against the exact scalar path, on random networks, formats and modes.</summary>
[Collection(MnistCollection.Name)]
public sealed class PairedOperandTests(MnistFixture mnist)
{
    private static readonly Quantization[] Roundings = Enum.GetValues<Quantization>();
    private static readonly Overflow[] Overflows = Enum.GetValues<Overflow>();

    private static FixedFormat RandomFormat(Random rng, int maxWidth)
    {
        var w = rng.Next(2, maxWidth + 1);
        return new FixedFormat(w, rng.Next(-1, w + 2), rng.Next(6) != 0, Roundings[rng.Next(Roundings.Length)], Overflows[rng.Next(Overflows.Length)]);
    }

    private static string Quoted(FixedFormat f) => $"\"{f}\"";

    /// <summary>Conv, pooling and dense layers of random sizes (1 to 5 channels, so both channel pairs and column pairs), per-layer formats of 2 to
    /// 16 bits with every rounding and overflow mode, biases; full-precision accumulators make every sum exact, so the paired kernels run.</summary>
    [Fact]
    public void Random_networks_and_formats_give_the_logits_of_the_exact_scalar_path()
    {
        var rng = new Random(23);
        var paired = 0;
        const int trials = 40;
        for (var trial = 0; trial < trials; trial++)
        {
            var (h, w, c) = (rng.Next(4, 11), rng.Next(4, 11), rng.Next(1, 6));
            var k1 = rng.Next(1, Math.Min(4, Math.Min(h, w)) + 1);
            var pool = trial % 3 == 0 && h - k1 + 1 >= 2 && w - k1 + 1 >= 2;
            var (h2, w2) = pool ? ((h - k1 + 1) / 2, (w - k1 + 1) / 2) : (h - k1 + 1, w - k1 + 1);
            var k2 = rng.Next(1, Math.Min(3, Math.Min(h2, w2)) + 1);
            var layers = new List<string>
            {
                $"  - {{ type: conv2d, kernel: {k1}, filters: {rng.Next(1, 7)}, bias: {(rng.Next(2) == 0 ? "true" : "false")}, input_format: {Quoted(RandomFormat(rng, 16))} }}",
                "  - { type: relu }",
            };
            if (pool) layers.Add("  - { type: maxpool2d }");
            layers.Add($"  - {{ type: conv2d, kernel: {k2}, filters: {rng.Next(1, 6)}, weight_format: {Quoted(RandomFormat(rng, 16))}, output_format: {Quoted(RandomFormat(rng, 16))} }}");
            if (rng.Next(2) == 0) layers.Add("  - { type: relu }");
            layers.Add("  - { type: flatten }");
            if (rng.Next(2) == 0) layers.Add($"  - {{ type: dense, units: {rng.Next(2, 9)}, bias: true }}");
            layers.Add($"  - {{ type: dense, units: {rng.Next(1, 11)}, bias: true, weight_format: {Quoted(RandomFormat(rng, 16))} }}");
            var spec = NetworkSpec.Parse($"input: [{h}, {w}, {c}]\nlayers:\n{string.Join("\n", layers)}\n", "random.yaml");
            var net = new FloatNetwork(spec);
            foreach (var a in net.Weights.Concat(net.Biases))
                for (var j = 0; j < a.Length; j++) a[j] = (float)((rng.NextDouble() * 2 - 1) * Math.ScaleB(1, rng.Next(-3, 3)));
            var defaults = FormatDefaults.For(spec, RandomFormat(rng, 16), logits: trial % 4 == 0 ? LogitsFormat.Accumulator : null);
            var model = new BitAccurateNetwork(net, defaults);
            if (model.PairedOperands) paired++;
            var images = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, spec.Input.Size).Select(_ => (float)(rng.NextDouble() * 1.4 - 0.2)).ToArray()).ToArray();
            var logits = model.InferAll(new Dataset("random", h, w, c, images, new byte[images.Length]), threads: 2);
            for (var img = 0; img < images.Length; img++)
            {
                var reference = ScalarReference.Run(net, defaults, images[img]);
                Assert.True(reference[^1].Select(v => (long)v.Raw).SequenceEqual(logits[img]),
                    $"trial {trial} ({spec.Input}, paired {model.PairedOperands}), image {img}: {string.Join(",", logits[img])} vs {string.Join(",", reference[^1].Select(v => v.Raw))}");
            }
        }
        Assert.True(paired >= trials / 2, $"only {paired} of {trials} random networks ran on the paired kernels");
    }

    /// <summary>The reference network at formats up to 16 bits: every image of a sample gives the step-by-step chain's logits, and the paired
    /// kernels are the ones that ran.</summary>
    [Theory]
    [InlineData("8.4 rnd sat")]
    [InlineData("16.8 rnd sat")]
    [InlineData("12.5 rnd_conv sat_sym")]
    [InlineData("6.3 trn wrap")]
    [InlineData("u9.3 rnd_inf sat_zero")]
    public void The_reference_network_runs_paired_and_matches_the_step_by_step_chain(string format)
    {
        var defaults = FormatDefaults.For(mnist.Net.Spec, FixedFormat.Parse(format));
        var sample = mnist.Test.Take(200);
        var model = new BitAccurateNetwork(mnist.Net, defaults);
        Assert.True(model.PairedOperands, $"{format}: the reference network should run on the paired kernels");
        var stepwise = new BitAccurateNetwork(mnist.Net, defaults, forceStepwise: true);
        Assert.False(stepwise.PairedOperands);
        var fast = model.InferAll(sample, threads: 2);
        var slow = stepwise.InferAll(sample, threads: 1);
        for (var i = 0; i < sample.Count; i++) Assert.Equal(slow[i], fast[i]);
        Assert.Equal(model.Classify(sample, threads: 1), model.Classify(sample, threads: 2));
    }

    /// <summary>Imported kinds in the chain (a strided padded convolution, average pooling, a multi-layer perceptron after them): their own
    /// kernels run between the paired layers, and the logits equal the per-layer path's (the traced run).</summary>
    [Fact]
    public void Layer_ops_between_paired_layers_give_the_per_layer_paths_logits()
    {
        var rng = new Random(5);
        var spec = NetworkSpec.Parse("""
            input: [9, 8, 2]
            layers:
              - { type: conv2d, kernel: 3, filters: 4, bias: true }
              - { type: relu }
              - { type: conv2d, filters: 3, kernel: [2, 3], stride: 2, padding: same, bias: true }
              - { type: avgpool2d, pool: 2, stride: 1, padding: same }
              - { type: flatten }
              - { type: dense, units: 6, bias: true }
              - { type: relu }
              - { type: dense, units: 4 }
            """, "ops.yaml");
        var net = new FloatNetwork(spec);
        net.Initialize(9);
        foreach (var b in net.Biases)
            for (var j = 0; j < b.Length; j++) b[j] = (float)(rng.NextDouble() - 0.5);
        foreach (var format in new[] { "8.4 rnd sat", "10.3 rnd_conv wrap", "16.6 trn sat" })
        {
            var model = new BitAccurateNetwork(net, FixedFormat.Parse(format));
            Assert.True(model.PairedOperands, format);
            for (var img = 0; img < 5; img++)
            {
                var image = Enumerable.Range(0, spec.Input.Size).Select(_ => (float)rng.NextDouble()).ToArray();
                Assert.Equal(model.Infer(image, new List<long[]>()), model.Infer(image));
            }
        }
    }

    /// <summary>Where the proof fails the model does not pair: a 24-bit format, and an accumulator that rounds.</summary>
    [Fact]
    public void Wide_operands_and_rounding_accumulators_take_the_other_paths()
    {
        Assert.False(new BitAccurateNetwork(mnist.Net, FixedFormat.Parse("24.12 rnd sat")).PairedOperands);
        Assert.False(new BitAccurateNetwork(mnist.Net, FixedFormat.Parse("8.4 rnd sat"), FixedFormat.Parse("12.6 rnd sat")).PairedOperands);
    }
}
