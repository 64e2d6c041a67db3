using FlowRunner.Models.Inference;
using FlowRunner.Models.Layers;
using FlowRunner.Models.Network;
using FlowRunner.Models.Training;
using FlowRunner.Numerics.Formats;
using FlowRunner.Numerics.Kernels;

namespace FlowRunner.Models.Tests.Layers;

/// <summary>The layer kinds beyond the first wave: padding conventions, kernels against loops written here, the bit-accurate forms against
/// their documented formulas, and the gradients against finite differences.</summary>
public sealed class LayerOpTests
{
    private const string General = """
        input: [7, 6, 2]
        layers:
          - { type: conv2d, name: c1, filters: 3, kernel: [2, 3], stride: 2, padding: same, bias: true }
          - { type: batchnorm, name: bn }
          - { type: leaky_relu, name: lr, alpha: 0.25 }
          - { type: avgpool2d, name: ap, pool: 2, stride: 1, padding: same }
          - { type: tanh, name: th }
          - { type: flatten, name: fl, order: chw }
          - { type: dense, name: d, units: 4, bias: true }
        """;

    private static FloatNetwork Seeded(string yaml, int seed)
    {
        var net = new FloatNetwork(NetworkSpec.Parse(yaml, "t.yaml"));
        net.Initialize(seed);
        var rng = new Random(seed);
        foreach (var b in net.Biases) for (var i = 0; i < b.Length; i++) b[i] = (float)(rng.NextDouble() - 0.5);
        return net;
    }

    [Theory]
    [InlineData(10, 4, 1, 1, 2)] // Keras conv1d_small: kernel 4 pads one before and two after
    [InlineData(7, 3, 2, 1, 1)]
    [InlineData(8, 3, 2, 0, 1)]  // the odd pad goes at the end (Keras, ONNX SAME_UPPER)
    [InlineData(5, 1, 1, 0, 0)]
    public void Same_padding_puts_the_extra_row_at_the_end(int input, int kernel, int stride, int before, int after)
    {
        Assert.Equal((before, after), Padding.Same.Along(true, input, kernel, stride));
        Assert.Equal((input + stride - 1) / stride, Padding.Same.Output(true, input, kernel, stride));
    }

    [Fact]
    public void General_layers_parse_into_their_shapes_and_the_reference_kinds_stay_first_wave()
    {
        var spec = NetworkSpec.Parse(General, "t.yaml");
        Assert.Equal([new(4, 3, 3), new(4, 3, 3), new(4, 3, 3), new(4, 3, 3), new(4, 3, 3), new(1, 1, 36), new(1, 1, 4)], spec.Shapes);
        Assert.All(spec.Layers.Take(6), l => Assert.Equal(LayerKind.Extended, l.Kind));
        Assert.Equal(LayerKind.Dense, spec.Layers[6].Kind);
        Assert.Equal(3 * 2 * 3 * 2, spec.WeightCount(0));
        Assert.Equal(3, spec.BiasCount(1));
        var reference = NetworkSpec.Load(Support.Repo.ReferenceNetwork);
        Assert.All(reference.Layers, l => Assert.Null(l.Op));
    }

    [Fact]
    public void Strided_same_convolution_equals_the_loop_over_padded_input()
    {
        var net = Seeded("""
            input: [7, 6, 2]
            layers:
              - { type: conv2d, filters: 3, kernel: [2, 3], stride: 2, padding: same, bias: true }
              - { type: flatten }
              - { type: dense, units: 2 }
            """, 3);
        var spec = net.Spec;
        var x = Enumerable.Range(0, 7 * 6 * 2).Select(i => (float)Math.Sin(i)).ToArray();
        var acts = net.NewActivations();
        net.Forward(x, acts);
        // out 4x3; pads: rows (4-1)*2+2-7 = 1 -> 0 before, 1 after; cols (3-1)*2+3-6 = 1 -> 0 before, 1 after.
        var w = net.Weights[0];
        for (var oy = 0; oy < 4; oy++)
            for (var ox = 0; ox < 3; ox++)
                for (var f = 0; f < 3; f++)
                {
                    double s = net.Biases[0][f];
                    for (var ky = 0; ky < 2; ky++)
                        for (var kx = 0; kx < 3; kx++)
                            for (var c = 0; c < 2; c++)
                            {
                                var (iy, ix) = (oy * 2 + ky, ox * 2 + kx);
                                if (iy >= 7 || ix >= 6) continue;
                                s += x[(iy * 6 + ix) * 2 + c] * w[((f * 2 + ky) * 3 + kx) * 2 + c];
                            }
                    Assert.Equal(s, acts[1][(oy * 3 + ox) * 3 + f], 5);
                }
        Assert.Equal(new TensorShape(4, 3, 3), spec.Shapes[0]);
    }

    [Fact]
    public void Bit_accurate_general_layers_equal_exact_arithmetic_on_the_quantized_values()
    {
        // Full-precision accumulators and a wide output format: every sum is exact, so the bit-accurate outputs are the exact values of the
        // quantized inputs and weights, which double computes exactly here.
        var net = Seeded("""
            input: [5, 5, 1]
            layers:
              - { type: conv2d, name: c, filters: 2, kernel: 3, stride: 2, padding: [1, 1, 1, 1], bias: true, output_format: "ac_fixed<40,20,true>" }
              - { type: maxpool2d, name: mp, pool: 2, stride: 1, padding: same }
              - { type: flatten, name: f, order: chw }
              - { type: dense, name: d, units: 3, bias: true, output_format: accumulator }
            """, 4);
        var fmt = new FixedFormat(8, 3, true, Quantization.Rnd, Overflow.Sat);
        var model = new BitAccurateNetwork(net, new FormatDefaults(fmt));
        double Q(float v) => Math.ScaleB(FixedKernels.Quantize(v, fmt), -fmt.FracBits);
        var x = Enumerable.Range(0, 25).Select(i => (float)(0.37 * Math.Cos(i * 1.3))).ToArray();
        var conv = new double[3, 3, 2];
        for (var oy = 0; oy < 3; oy++)
            for (var ox = 0; ox < 3; ox++)
                for (var f = 0; f < 2; f++)
                {
                    var s = Q(net.Biases[0][f]);
                    for (var ky = 0; ky < 3; ky++)
                        for (var kx = 0; kx < 3; kx++)
                        {
                            var (iy, ix) = (oy * 2 - 1 + ky, ox * 2 - 1 + kx);
                            if (iy is < 0 or >= 5 || ix is < 0 or >= 5) continue;
                            s += Q(x[iy * 5 + ix]) * Q(net.Weights[0][(f * 3 + ky) * 3 + kx]);
                        }
                    conv[oy, ox, f] = s;
                }
        var pooled = new double[18]; // channels first: [f][oy][ox], pool 2 stride 1 same: windows clipped at the bottom/right
        for (var f = 0; f < 2; f++)
            for (var oy = 0; oy < 3; oy++)
                for (var ox = 0; ox < 3; ox++)
                {
                    var m = double.NegativeInfinity;
                    for (var dy = 0; dy < 2; dy++) for (var dx = 0; dx < 2; dx++) if (oy + dy < 3 && ox + dx < 3) m = Math.Max(m, conv[oy + dy, ox + dx, f]);
                    pooled[(f * 3 + oy) * 3 + ox] = m;
                }
        var expected = Enumerable.Range(0, 3).Select(u => Q(net.Biases[3][u]) + Enumerable.Range(0, 18).Sum(i => pooled[i] * Q(net.Weights[3][u * 18 + i]))).ToArray();
        Assert.Equal(expected, model.Infer(x).Select(model.ToDouble).ToArray());
    }

    [Theory]
    [InlineData("sigmoid", 8.0)]
    [InlineData("tanh", 4.0)]
    public void Sigmoid_and_tanh_are_the_documented_1024_entry_table(string type, double range)
    {
        var net = Seeded($"input: [1, 1, 64]\nlayers:\n  - {{ type: dense, units: 64, bias: true }}\n  - {{ type: {type}, output_format: \"ac_fixed<10,2,true,AC_RND,AC_SAT>\" }}\n", 6);
        var fmt = new FixedFormat(12, 5, true, Quantization.Rnd, Overflow.Sat);
        var model = new BitAccurateNetwork(net, new FormatDefaults(fmt));
        var outFmt = new FixedFormat(10, 2, true, Quantization.Rnd, Overflow.Sat);
        var x = Enumerable.Range(0, 64).Select(i => (float)(i / 16.0 - 2)).ToArray();
        var trace = new List<long[]>();
        model.Infer(x, trace);
        for (var j = 0; j < 64; j++)
        {
            var v = Math.ScaleB(trace[0][j], -model.Formats[0]!.Output.FracBits);
            var index = (int)Math.Clamp(Math.Floor((v + range) * 1024 / (2 * range)), 0, 1023);
            var at = -range + index * 2 * range / 1024;
            var f = type == "sigmoid" ? 1 / (1 + Math.Exp(-at)) : Math.Tanh(at);
            Assert.Equal(FixedKernels.Quantize(f, outFmt), trace[1][j]);
        }
    }

    [Fact]
    public void Gradients_of_the_general_layers_match_finite_differences()
    {
        var net = Seeded(General, 8);
        var x = Enumerable.Range(0, 7 * 6 * 2).Select(i => (float)(0.8 * Math.Sin(i * 0.7))).ToArray();
        const int label = 2;
        double Loss(FloatNetwork n)
        {
            var a = n.NewActivations();
            n.Forward(x, a);
            var logits = a[^1].Select(v => (double)v).ToArray();
            var m = logits.Max();
            return -(logits[label] - m - Math.Log(logits.Sum(v => Math.Exp(v - m))));
        }
        var acts = net.NewActivations();
        net.Forward(x, acts);
        var grad = new FloatNetwork(net.Spec);
        Backprop.Accumulate(net, acts, label, grad, net.NewActivations());
        foreach (var (layer, k) in new[] { (0, 0), (0, 17), (1, 1), (6, 30) })
        {
            var plus = net.Clone();
            var minus = net.Clone();
            const float h = 1e-2f;
            plus.Weights[layer][k] += h;
            minus.Weights[layer][k] -= h;
            var numeric = (Loss(plus) - Loss(minus)) / (2 * h);
            Assert.True(Math.Abs(numeric - grad.Weights[layer][k]) < 2e-3 + 0.02 * Math.Abs(numeric), $"layer {layer} weight {k}: backprop {grad.Weights[layer][k]}, finite difference {numeric}");
        }
        Assert.True(Math.Abs(grad.Biases[0][1]) > 0);
    }

    [Fact]
    public void A_written_description_reads_back_to_the_same_network()
    {
        var layers = new List<LayerDescription>
        {
            new("conv1d", "c \"one\"", [new("filters", 2), new("kernel", 3), new("padding", "same"), new("bias", true), new("weight_format", new FixedFormat(6, 1, true, Quantization.RndConv, Overflow.Sat))]),
            new("relu", "r", [new("max", 6.0)]),
            new("maxpool1d", "p", [new("pool", 2), new("stride", 2), new("padding", "valid")]),
            new("flatten", "f", []),
            new("dense", "d", [new("units", 3), new("output_format", "accumulator")]),
            new("softmax", "s", []),
        };
        var spec = NetworkSpec.Parse(NetworkDescriptionWriter.Write("w", [10, 4], "hwc", layers, "a header"), "w.yaml");
        Assert.Equal("c \"one\"", spec.Layers[0].Name);
        Assert.Equal([new(1, 10, 2), new(1, 10, 2), new(1, 5, 2), new(1, 1, 10), new(1, 1, 3), new(1, 1, 3)], spec.Shapes);
        Assert.True(spec.Layers[4].KeepAccumulator);
        Assert.Equal(new FixedFormat(6, 1, true, Quantization.RndConv, Overflow.Sat), spec.Layers[0].WeightFormat);
        Assert.Equal(6.0, ((ReluOp)spec.Layers[1].Op!).Max);
    }

    [Fact]
    public void Quantization_aware_training_runs_through_the_general_layers()
    {
        var spec = NetworkSpec.Parse("""
            input: [1, 1, 8]
            layers:
              - { type: dense, units: 6, bias: true }
              - { type: relu, max: 2, output_format: "u6.2 rnd_conv sat" }
              - { type: batchnorm }
              - { type: dense, units: 2, bias: true }
            """, "q.yaml");
        var rng = new Random(3);
        var images = Enumerable.Range(0, 256).Select(_ => Enumerable.Range(0, 8).Select(_ => (float)rng.NextDouble()).ToArray()).ToArray();
        var labels = images.Select(v => v.Take(4).Sum() > v.Skip(4).Sum() ? (byte)1 : (byte)0).ToArray();
        var data = new FlowRunner.Models.Datasets.Dataset("toy", 1, 1, 8, images, labels);
        var formats = new FormatDefaults(new FixedFormat(8, 3, true, Quantization.Rnd, Overflow.Sat));
        var trained = Trainer.Train(spec, data, new TrainingOptions(Epochs: 30, Batch: 16, Seed: 2, Optimizer: OptimizerKind.Adam, LearningRate: 0.01));
        var tuned = QuantizationAwareTraining.FineTune(trained, data, formats, QuantizationAwareTraining.DefaultOptions(seed: 2));
        var accuracy = new BitAccurateNetwork(tuned, formats).Accuracy(data);
        Assert.True(accuracy > 0.85, $"bit-accurate accuracy after QAT {accuracy}");
    }
}
