using FlowRunner.Models.Network;
using FlowRunner.Models.Tests.Support;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Models.Tests.Network;

public sealed class NetworkSpecTests
{
    [Fact]
    public void The_reference_network_has_the_webinar_shape()
    {
        var spec = NetworkSpec.Load(Repo.ReferenceNetwork);
        Assert.Equal([new(26, 26, 8), new(26, 26, 8), new(24, 24, 3), new(24, 24, 3), new(1, 1, 1728), new(1, 1, 10), new(1, 1, 10)], spec.Shapes);
        Assert.All(spec.Layers, l => Assert.False(l.Bias));
        Assert.Equal(26 * 26 * 8 * 9 + 24 * 24 * 3 * 72 + 1728 * 10, spec.MacCount);
        Assert.Equal(5, spec.LogitsLayer);
        Assert.Equal(["conv2d1", "relu1", "conv2d2", "relu2", "flatten1", "dense1", "softmax1"], spec.Layers.Select(l => l.Name));
        Assert.Null(spec.DefaultFormat);
        Assert.Equal(File.ReadAllText(Repo.ReferenceNetwork), ReferenceNetworks.Text(ReferenceNetworks.MnistCnn));
    }

    [Fact]
    public void Network_wide_and_per_layer_formats_are_read()
    {
        var spec = NetworkSpec.Parse("""
            input: [8, 8, 2]
            format: "6.3 rnd sat"
            accum_format: ac_fixed<20,10,true,AC_TRN,AC_WRAP>
            layers:
              - { type: conv2d, kernel: 3, filters: 4, bias: true, stride: 1, padding: valid, weight_format: "8.1 rnd_conv sat_sym" }
              - { type: maxpool2d }
              - { type: flatten }
              - { type: dense, units: 5, name: logits, output_format: "int16" }
            """, "f.yaml");
        Assert.Equal(new FixedFormat(6, 3, true, Quantization.Rnd, Overflow.Sat), spec.DefaultFormat);
        Assert.Equal(new FixedFormat(20, 10, true, Quantization.Trn, Overflow.Wrap), spec.DefaultAccumulator);
        Assert.Equal(new FixedFormat(8, 1, true, Quantization.RndConv, Overflow.SatSym), spec.Layers[0].WeightFormat);
        Assert.Equal(new TensorShape(3, 3, 4), spec.Shapes[1]);
        Assert.Equal(5, spec.Classes);
        Assert.Equal("logits", spec.Layers[3].Name);
        Assert.Equal(4, spec.BiasCount(0));
        Assert.Equal(4 * 3 * 3 * 2, spec.WeightCount(0));
    }

    [Theory]
    [InlineData("input: [28, 28, 1]\nlayers:\n  - { type: conv3d, kernel: 3 }\n", "net.yaml:3:5: unsupported layer type 'conv3d'")]
    [InlineData("input: [28, 28, 1]\nlayers:\n  - { type: dense, units: 10 }\n", "dense needs a flat input, got 28x28x1; add a flatten layer")]
    [InlineData("input: [28, 28, 1]\nlayers:\n  - { type: conv2d, kernel: 3, filter: 8 }\n", "net.yaml:3:32: unknown layer key 'filter'")]
    [InlineData("input: [28, 28, 1]\nlayers:\n  - { type: conv2d, kernel: 3, filters: 8, weight_format: \"8.3 round\" }\n", "net.yaml:3:59: weight_format: '8.3 round': unknown mode 'round'")]
    [InlineData("input: [28, 28, 1]\nlayers:\n  - { type: conv2d, kernel: 3, filters: 8, stride: [2, 2, 2] }\n", "net.yaml:3:52: `stride` must be an integer or a list of 2")]
    [InlineData("input: [28, 28, 1]\nlayers:\n  - { type: dense, units: 8, stride: 2 }\n", "net.yaml:3:38: only stride 1")]
    [InlineData("input: [28, 28, 1]\nlayers:\n  - { type: conv2d, kernel: 3, filters: 8, padding: full }\n", "net.yaml:3:53: padding must be valid, same or a list of pads")]
    [InlineData("input: [28, 28, 1]\nlayers:\n  - { type: conv2d, kernel: 30, filters: 8 }\n", "layer 1 'conv2d1': a 30x30 kernel does not fit a 28x28 input")]
    [InlineData("input: [4, 4, 1]\nlayers:\n  - { type: flatten }\n  - { type: softmax }\n  - { type: dense, units: 2 }\n", "softmax must be the last layer")]
    [InlineData("input: [4, 4, 1]\nclasses: 10\nlayers:\n  - { type: flatten }\n  - { type: dense, units: 2 }\n", "the last layer gives 2 values, but the network has 10 classes")]
    [InlineData("input: [4, 4, 1, 1]\nlayers:\n  - { type: flatten }\n", "net.yaml:1:8: `input:` must be [height, width, channels], [steps, channels] or [features]")]
    [InlineData("inputs: [4, 4, 1]\n", "net.yaml:1:1: unknown top-level key 'inputs'")]
    [InlineData("input: [4, 4, 1]\nlayers:\n  - { type: dense, units: -2 }\n", "units must be a positive integer, got '-2'")]
    [InlineData("input: [4, 4, 1]\nlayers: [ { type: relu\n", "net.yaml:")]
    public void Bad_descriptions_name_the_file_and_place(string yaml, string message) =>
        Assert.Contains(message, Assert.Throws<ModelFormatException>(() => NetworkSpec.Parse(yaml, "net.yaml")).Message);

    [Fact]
    public void Format_resolution_puts_layer_formats_over_the_run_over_the_description()
    {
        var spec = NetworkSpec.Parse("input: [4, 4, 1]\nformat: \"10.5 rnd sat\"\nlayers:\n  - { type: conv2d, kernel: 3, filters: 2, output_format: \"12.6\" }\n  - { type: flatten }\n  - { type: dense, units: 2 }\n", "n.yaml");
        var fromFile = NetworkFormats.Resolve(spec, FormatDefaults.For(spec));
        Assert.Equal(FixedFormat.Parse("10.5 rnd sat"), fromFile[0]!.Input);
        Assert.Equal(FixedFormat.Parse("12.6"), fromFile[0]!.Output);
        Assert.Equal(FixedFormat.Parse("12.6"), fromFile[2]!.Input); // the dense layer takes the conv's output as it is
        Assert.Equal(FixedFormat.Parse("10.5 rnd sat"), fromFile[2]!.Output);
        var fromRun = NetworkFormats.Resolve(spec, FormatDefaults.For(spec, FixedFormat.Parse("8.4 rnd sat")));
        Assert.Equal(FixedFormat.Parse("8.4 rnd sat"), fromRun[0]!.Weight);
        Assert.Equal(FixedFormat.Parse("12.6"), fromRun[0]!.Output);
        Assert.Equal(FormatDefaults.Fallback, FormatDefaults.For(NetworkSpec.Load(Repo.ReferenceNetwork)).Format);

        // The logits layer: its own output_format, else the run's logits format, else the description's, else the default format.
        var withLogits = NetworkSpec.Parse("input: [4, 4, 1]\nlogits_format: accumulator\nlayers:\n  - { type: conv2d, kernel: 3, filters: 2 }\n  - { type: flatten }\n  - { type: dense, units: 2 }\n", "l.yaml");
        var kept = NetworkFormats.Resolve(withLogits, FormatDefaults.For(withLogits, FixedFormat.Parse("4.2 rnd sat")));
        Assert.Equal(kept[2]!.Accumulator, kept[2]!.Output);
        Assert.Equal(FixedFormat.Parse("4.2 rnd sat"), kept[0]!.Output);
        var run = NetworkFormats.Resolve(withLogits, FormatDefaults.For(withLogits, FixedFormat.Parse("4.2 rnd sat"), logits: LogitsFormat.Parse("16.8 rnd sat")));
        Assert.Equal(FixedFormat.Parse("16.8 rnd sat"), run[2]!.Output);
        Assert.Equal(FixedFormat.Parse("12.6"), fromFile[0]!.Output); // a layer's own output format is untouched by the logits setting
        Assert.Contains("l.yaml:2:16: logits_format", Assert.Throws<ModelFormatException>(() => NetworkSpec.Parse("input: [4, 4, 1]\nlogits_format: wide\nlayers:\n  - { type: flatten }\n", "l.yaml")).Message);
    }

    [Fact]
    public void A_full_precision_accumulator_holds_the_worst_sum_and_no_more()
    {
        var f = FixedFormat.Parse("8.4");
        // 72 products of at most 128 x 128 raw: 1,179,648 < 2^21, so 21 magnitude bits and a sign; LSB at 4 + 4 fractional bits.
        var acc = NetworkFormats.FullPrecision(f, f, 72);
        Assert.Equal((22, 14), (acc.Width, acc.IntBits));
        Assert.Equal((23, 15), (NetworkFormats.FullPrecision(f, f, 128).Width, NetworkFormats.FullPrecision(f, f, 128).IntBits)); // 2^21 exactly needs 22 bits
        var withBias = NetworkFormats.FullPrecision(f, FixedFormat.Parse("6.4"), 9, bias: true);
        Assert.Equal(6, withBias.FracBits);
    }
}
