using FlowRunner.Models.Inference;
using FlowRunner.Models.Profiling;
using FlowRunner.Models.Tests.Support;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Models.Tests.Profiling;

[Collection(MnistCollection.Name)]
public sealed class RangeProfilerTests(MnistFixture mnist)
{
    [Theory]
    [InlineData(59.804, 7)]
    [InlineData(63.99, 7)]
    [InlineData(64.0, 8)]
    [InlineData(1.0, 2)]
    [InlineData(0.5, 1)]
    [InlineData(0.3, 0)]
    [InlineData(0.0, 1)]
    public void Integer_bits_count_the_sign(double max, int bits) => Assert.Equal(bits, RangeProfiler.IntBitsFor(max));

    [Fact]
    public void The_profile_covers_every_tensor_and_its_integer_bits_are_enough_to_make_wrap_and_saturate_agree()
    {
        var sample = mnist.Test.Take(500);
        var profile = RangeProfiler.Profile(mnist.Net, sample);
        Assert.Equal(["input", "conv2d1.weights", "conv2d1", "relu1", "conv2d2.weights", "conv2d2", "relu2", "flatten1", "dense1.weights", "dense1", "softmax1"],
            profile.Select(p => p.Tensor));
        Assert.Equal(1.0, profile[0].MaxAbs);
        Assert.Equal(2, profile[0].IntBits);
        Assert.True(profile.Single(p => p.Tensor == "relu2").MaxAbs <= profile.Single(p => p.Tensor == "conv2d2").MaxAbs);
        Assert.Equal(profile.Single(p => p.Tensor == "dense1").MaxAbs, profile.Single(p => p.Tensor == "softmax1").MaxAbs);
        // The float run's largest value, by hand from the float network.
        var byHand = sample.Images.Max(img => mnist.Net.Logits(img).Max(Math.Abs));
        Assert.Equal(byHand, profile.Single(p => p.Tensor == "dense1").MaxAbs, 5);

        var need = profile.Where(p => p.Kind is not ("weights" or "bias")).Max(p => p.IntBits);
        var sat = new BitAccurateNetwork(mnist.Net, new FixedFormat(need + 8, need, true, Quantization.Rnd, Overflow.Sat)).InferAll(sample);
        var wrap = new BitAccurateNetwork(mnist.Net, new FixedFormat(need + 8, need, true, Quantization.Rnd, Overflow.Wrap)).InferAll(sample);
        Assert.All(Enumerable.Range(0, sample.Count), i => Assert.Equal(sat[i], wrap[i]));
        var wrapFew = new BitAccurateNetwork(mnist.Net, new FixedFormat(need + 6, need - 2, true, Quantization.Rnd, Overflow.Wrap)).InferAll(sample);
        var satFew = new BitAccurateNetwork(mnist.Net, new FixedFormat(need + 6, need - 2, true, Quantization.Rnd, Overflow.Sat)).InferAll(sample);
        Assert.Contains(Enumerable.Range(0, sample.Count), i => !wrapFew[i].SequenceEqual(satFew[i])); // two bits short, overflow happens
    }
}
