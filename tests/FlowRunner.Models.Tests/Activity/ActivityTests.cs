using FlowRunner.Models.Activity;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Models.Tests.Support;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Models.Tests.Activity;

[Collection(MnistCollection.Name)]
public sealed class ActivityTests(MnistFixture mnist)
{
    private static BitAccurateNetwork Tiny()
    {
        var net = new FloatNetwork(NetworkSpec.Parse(
            "input: [2, 3, 1]\nlayers:\n  - { type: conv2d, kernel: 2, filters: 1, name: c1 }\n  - { type: relu }\n  - { type: flatten }\n  - { type: dense, units: 2, name: d1 }\n",
            "tiny.yaml"));
        float[] conv = [1, -1, 2, 0];
        conv.CopyTo(net.Weights[0], 0);
        float[] dense = [3, 1, -2, 1];
        dense.CopyTo(net.Weights[3], 0);
        return new BitAccurateNetwork(net, FixedFormat.Parse("ac_fixed<8,8,true>"));
    }

    [Fact]
    public void A_tiny_network_gives_the_hand_counted_toggles()
    {
        // One lane of 4 multipliers, 10-bit accumulators, registers start at 0. Image [1 2 3; 0 1 1], conv weights [1 -1; 2 0].
        // Conv step 1 (pixel 0,0): a 0 -> 1,-1,2,0 = 1+8+1+0 = 10; b 0 -> 1,2,0,1 = 3; sum -1: tree and acc 0 -> 0x3FF = 10 each.
        // Conv step 2 (pixel 0,1): a unchanged = 0; b -> 2,3,1,1 = 2+1+1+0 = 4; sum 1: tree and acc 0x3FF -> 0x001 = 9 each.
        // ReLU and flatten give [0, 1]. Dense, one group a unit: a -> 3,1,0,0 = 1+7+1+0 = 9, then -> -2,1,0,0 = 7 (3 ^ 0xFE);
        // b -> 0,1,0,0 = 4, then unchanged; both sums are 1: tree and acc stay at 1 (the clear writes the same value).
        var net = Tiny();
        var report = ActivityRecorder.Record(net, [[1f, 2, 3, 0, 1, 1]], new MacArray(1, 4, new Dictionary<string, int> { ["c1"] = 10, ["d1"] = 10 }), threads: 1);
        var c1 = report.Layer("c1");
        Assert.Equal(2, c1.Steps);
        Assert.Equal(8, c1.Macs);
        Assert.Equal(10, c1.OperandA.TogglesPerInference);
        Assert.Equal(7, c1.OperandB.TogglesPerInference);
        Assert.Equal(19, c1.Accumulator.TogglesPerInference);
        Assert.Equal(19, c1.AdderTree.TogglesPerInference);
        Assert.Equal(10.0 / (2 * 4 * 8), c1.OperandA.ToggleRate, 12);
        Assert.Equal(19.0 / (2 * 1 * 10), c1.Accumulator.ToggleRate, 12);
        var d1 = report.Layer("d1");
        Assert.Equal(2, d1.Steps);
        Assert.Equal(16, d1.OperandA.TogglesPerInference);
        Assert.Equal(4, d1.OperandB.TogglesPerInference);
        Assert.Equal(0, d1.Accumulator.TogglesPerInference);
        Assert.Equal(0, d1.AdderTree.TogglesPerInference);
    }

    [Fact]
    public void One_and_two_threads_give_the_same_file()
    {
        var net = new BitAccurateNetwork(mnist.Net, FixedFormat.Parse("ac_fixed<8,4,true,AC_RND,AC_SAT>"));
        var images = mnist.Test.Images.Take(300).ToList();
        var one = ActivityRecorder.Record(net, images, new MacArray(2), threads: 1).ToJson();
        var two = ActivityRecorder.Record(net, images, new MacArray(2), threads: 2).ToJson();
        Assert.Equal(one, two);
        var back = ActivityReport.FromJson(two);
        Assert.Equal(300, back.Images);
        Assert.Equal(3, back.Layers.Count);
        Assert.All(back.Layers, l => Assert.InRange(l.OperandB.ToggleRate, 0.01, 0.99));
    }

    [Theory]
    [InlineData("ac_fixed<8,4,true,AC_RND,AC_SAT>", 2)]
    [InlineData("ac_fixed<6,3,true,AC_RND,AC_SAT>", 3)]
    [InlineData("ac_fixed<16,8,true,AC_RND,AC_SAT>", 1)]
    public void Equals_the_contract_loop_run_literally(string format, int lanes)
    {
        var net = new BitAccurateNetwork(mnist.Net, FixedFormat.Parse(format));
        var images = mnist.Test.Images.Take(3).ToList();
        var fast = ActivityRecorder.Record(net, images, new MacArray(lanes), threads: 2);
        var slow = SlowActivity.Count(net, images, lanes, 9);
        Assert.Equal(slow.Count, fast.Layers.Count);
        for (var k = 0; k < slow.Count; k++)
        {
            var f = fast.Layers[k];
            var s = slow[k];
            Assert.Equal(s.Steps, f.Steps);
            Assert.Equal(s.A / 3.0, f.OperandA.TogglesPerInference, 9);
            Assert.Equal(s.B / 3.0, f.OperandB.TogglesPerInference, 9);
            Assert.Equal(s.Acc / 3.0, f.Accumulator.TogglesPerInference, 9);
            Assert.Equal(s.Tree / 3.0, f.AdderTree.TogglesPerInference, 9);
            Assert.True(s.A > 0 && s.B > 0 && s.Acc > 0);
        }
        Assert.Equal(net.Spec.MacCount, fast.Layers.Sum(l => l.Macs));
    }
}
