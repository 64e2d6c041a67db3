using FlowRunner.Models.Network;

namespace FlowRunner.Models.Tests.Network;

/// <summary>The vector forms of the float convolution against one output at a time with FloatKernels.Dot, bit for bit: training and the
/// main job's accuracy figures depend on the exact order of every float operation.</summary>
public sealed class FloatConvolutionTests
{
    [Theory]
    [InlineData(28, 28, 1, 3, 8)]   // the reference network's first layer: rows of 3, filters in the lanes
    [InlineData(26, 26, 8, 3, 3)]   // its second: rows of 24, columns in the lanes
    [InlineData(9, 13, 3, 3, 16)]   // rows of 9 (one vector and a tail), 16 filters; 11 columns: one vector and a tail
    [InlineData(7, 7, 1, 2, 11)]    // filters in the lanes with a tail of 3
    [InlineData(12, 10, 5, 4, 2)]   // rows of 20
    [InlineData(6, 6, 2, 3, 4)]     // too narrow for either: one output at a time
    public void Every_output_is_the_one_output_loops_bits(int h, int w, int c, int k, int filters)
    {
        var spec = NetworkSpec.Parse($"input: [{h}, {w}, {c}]\nlayers:\n  - {{ type: conv2d, kernel: {k}, filters: {filters}, bias: true }}\n  - {{ type: flatten }}\n  - {{ type: dense, units: 2 }}\n", "conv.yaml");
        var net = new FloatNetwork(spec);
        net.Initialize(7);
        var rng = new Random(h * 31 + filters);
        for (var j = 0; j < net.Biases[0].Length; j++) net.Biases[0][j] = (float)(rng.NextDouble() - 0.5);
        var x = Enumerable.Range(0, spec.Input.Size).Select(_ => (float)(rng.NextDouble() * 2 - 0.5)).ToArray();
        var acts = net.NewActivations();
        net.Forward(x, acts);
        var o = spec.Shapes[0];
        var row = k * c;
        var n = k * row;
        for (var yy = 0; yy < o.H; yy++)
            for (var xx = 0; xx < o.W; xx++)
                for (var f = 0; f < filters; f++)
                {
                    var acc = net.Biases[0][f];
                    for (var ky = 0; ky < k; ky++)
                        acc += FloatKernels.Dot(x.AsSpan(((yy + ky) * w + xx) * c, row), net.Weights[0].AsSpan(f * n + ky * row, row));
                    var got = acts[1][(yy * o.W + xx) * o.C + f];
                    Assert.True(BitConverter.SingleToInt32Bits(acc) == BitConverter.SingleToInt32Bits(got), $"output ({yy}, {xx}, {f}): {got:R} vs {acc:R}");
                }
    }
}
