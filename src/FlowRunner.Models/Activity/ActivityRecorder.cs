using FlowRunner.Models.Inference;
using FlowRunner.Numerics.Kernels;

namespace FlowRunner.Models.Activity;

/// <summary>Records the switching activity of the MAC array while the bit-accurate model runs images: for each layer, the Hamming distance
/// between consecutive values on every multiplier's inputs (a = weight, b = activation), on every lane's adder-tree output and on every
/// lane's exact accumulator, in the order the hls.emit contract feeds them.
/// <list type="bullet">
/// <item>Values are the raw integers the bit-accurate model computes (layer inputs re-assigned with FixedKernels where the formats differ);
/// registers are two's complement, their width's low bits.</item>
/// <item>Every inference starts from cleared registers (reset), and the layers follow each other on the same registers, so an image's
/// counts do not depend on which thread ran it or which image came before: the totals are the same on 1 or 2 threads.</item>
/// <item>The weight sequence is the same for every image, so its toggles are counted once and multiplied by the image count.</item>
/// <item>Images run in fixed blocks; each block keeps its own counters (integers) and the blocks are summed in order.</item>
/// </list></summary>
public static class ActivityRecorder
{
    private const int Block = 64;

    /// <summary>The activity of <paramref name="images"/> run through <paramref name="net"/> on <paramref name="array"/>.</summary>
    public static ActivityReport Record(BitAccurateNetwork net, IReadOnlyList<float[]> images, MacArray array, int threads = 2, CancellationToken ct = default)
    {
        array.Validate();
        var feeds = Feeds(net, array);
        var blocks = (images.Count + Block - 1) / Block;
        var partial = new long[blocks][];
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads), CancellationToken = ct },
            () => new Registers(array, feeds), (b, _, regs) =>
            {
                var counts = new long[feeds.Count * 3];
                for (var i = b * Block; i < Math.Min(images.Count, (b + 1) * Block); i++) Image(net, feeds, images[i], regs, counts);
                partial[b] = counts;
                return regs;
            }, _ => { });
        var total = new long[feeds.Count * 3];
        foreach (var p in partial)
            for (var k = 0; k < total.Length; k++) total[k] += p[k];

        var weights = WeightToggles(feeds, array);
        long n = images.Count;
        var layers = feeds.Select((f, k) => new LayerActivity(f.Name, f.IsConv ? "conv2d" : "dense", f.Steps, f.Multiplies, f.Macs,
            SignalActivity.From("weight", f.WeightBits, f.Lanes * f.Taps, weights[k] * n, n, f.Steps),
            SignalActivity.From("activation", f.InputBits, f.Lanes * f.Taps, total[3 * k] * f.Lanes, n, f.Steps),
            SignalActivity.From("accumulator", f.AccumulatorBits, f.Lanes, total[3 * k + 1], n, f.Steps),
            SignalActivity.From("adder_tree", f.AccumulatorBits, f.Lanes, total[3 * k + 2], n, f.Steps))).ToList();
        return new ActivityReport(images.Count, array.Lanes, array.TapsPerLane, layers);
    }

    internal static List<LayerFeed> Feeds(BitAccurateNetwork net, MacArray array)
    {
        var feeds = new List<LayerFeed>();
        var incoming = net.InputFormat;
        for (var i = 0; i < net.Spec.Layers.Count; i++)
        {
            if (net.Formats[i] is not { } f) continue;
            feeds.Add(new LayerFeed(net, i, incoming, array));
            incoming = f.Output;
        }
        return feeds;
    }

    /// <summary>The registers of the array, reset at the start of every inference, and scratch for re-assigned layer inputs.</summary>
    private sealed class Registers(MacArray array, List<LayerFeed> feeds)
    {
        public readonly long[] Activation = new long[array.TapsPerLane];
        public readonly long[] Accumulator = new long[array.Lanes];
        public readonly long[] Tree = new long[array.Lanes];
        public readonly long[] Window = new long[feeds.Count == 0 ? 0 : feeds.Max(f => f.Inner) * array.TapsPerLane];
        public readonly long[] Scratch = new long[feeds.Count == 0 ? 0 : feeds.Max(f => f.In.Size)];
        public readonly List<long[]> Trace = [];

        public void Reset()
        {
            Array.Clear(Activation);
            Array.Clear(Accumulator);
            Array.Clear(Tree);
        }
    }

    private static void Image(BitAccurateNetwork net, List<LayerFeed> feeds, float[] image, Registers r, long[] counts)
    {
        r.Trace.Clear();
        net.Infer(image, r.Trace);
        var first = net.QuantizeInput(image);
        r.Reset();
        for (var k = 0; k < feeds.Count; k++)
        {
            var f = feeds[k];
            ReadOnlySpan<long> x = f.Index == 0 ? first : r.Trace[f.Index - 1];
            x = x[..f.In.Size];
            if (f.Requantize)
            {
                FixedKernels.Requantize(x, f.IncomingFrac, f.Input, r.Scratch);
                x = r.Scratch.AsSpan(0, f.In.Size);
            }
            if (f.IsConv)
            {
                for (var y = 0; y < f.Out.H; y++)
                    for (var xx = 0; xx < f.Out.W; xx++) Window(f, x, y, xx, r, counts, 3 * k);
            }
            else Window(f, x, 0, 0, r, counts, 3 * k);
        }
    }

    /// <summary>Every cycle of one output position (Conv2D) or of the whole layer (Dense): for each filter group, for each inner step, new
    /// activations on the taps (the same on every lane) and each lane's product sum into its accumulator, which clears at the first inner
    /// step. The taps' values do not depend on the group, so the window is gathered once and the activation toggles of groups after the
    /// first repeat the first's (from the last inner step back to the first, then step to step).</summary>
    private static void Window(LayerFeed f, ReadOnlySpan<long> x, int y, int xx, Registers r, long[] counts, int at)
    {
        var taps = f.Taps;
        var inner = f.Inner;
        var win = r.Window;
        for (var c = 0; c < inner; c++)
            for (var t = 0; t < taps; t++) win[c * taps + t] = f.Operand(x, y, xx, c, t);

        var mask = f.InputMask;
        long firstToggles = 0, steps = 0, wrap = 0;
        for (var t = 0; t < taps; t++) firstToggles += ToggleCounter.Toggles(r.Activation[t], win[t], mask);
        for (var i = taps; i < inner * taps; i++) steps += ToggleCounter.Toggles(win[i - taps], win[i], mask);
        var last = (inner - 1) * taps;
        for (var t = 0; t < taps; t++) wrap += ToggleCounter.Toggles(win[last + t], win[t], mask);
        Array.Copy(win, last, r.Activation, 0, taps);
        counts[at] += firstToggles + steps + (f.Groups - 1) * (wrap + steps);

        long acc = 0, tree = 0;
        var accMask = f.AccumulatorMask;
        var weights = f.LaneWeights;
        var lanes = f.Lanes;
        for (var g = 0; g < f.Groups; g++)
            for (var c = 0; c < inner; c++)
                for (var i = 0; i < lanes; i++)
                {
                    if (g * lanes + i >= f.Outputs)
                    {
                        // A lane past the last filter multiplies by zero weights: its sum and accumulator are 0 from the group's first step.
                        if (c == 0)
                        {
                            tree += ToggleCounter.Toggles(r.Tree[i], 0, accMask);
                            acc += ToggleCounter.Toggles(r.Accumulator[i], 0, accMask);
                            r.Tree[i] = 0;
                            r.Accumulator[i] = 0;
                        }
                        continue;
                    }
                    var w0 = ((g * lanes + i) * inner + c) * taps;
                    var x0 = c * taps;
                    long sum = 0;
                    for (var t = 0; t < taps; t++) sum = unchecked(sum + weights[w0 + t] * win[x0 + t]);
                    tree += ToggleCounter.Toggles(r.Tree[i], sum, accMask);
                    r.Tree[i] = sum;
                    var next = c == 0 ? sum : unchecked(r.Accumulator[i] + sum);
                    acc += ToggleCounter.Toggles(r.Accumulator[i], next, accMask);
                    r.Accumulator[i] = next;
                }
        counts[at + 1] += acc;
        counts[at + 2] += tree;
    }

    /// <summary>Weight toggles of one inference per layer, all multipliers together: the weight sequence does not depend on the image.</summary>
    private static long[] WeightToggles(List<LayerFeed> feeds, MacArray array)
    {
        var taps = array.TapsPerLane;
        var held = new long[array.Lanes * taps];
        var result = new long[feeds.Count];
        for (var k = 0; k < feeds.Count; k++)
        {
            var f = feeds[k];
            var outer = f.IsConv ? f.Out.H * f.Out.W : 1;
            long toggles = 0;
            // The sequence of one output position repeats for every position: count the first, then the repeats (which start from the
            // last weights of the previous position, not from the previous layer's).
            long first = 0, again = 0;
            for (var pass = 0; pass < Math.Min(2, outer); pass++)
            {
                long sum = 0;
                for (var g = 0; g < f.Groups; g++)
                    for (var c = 0; c < f.Inner; c++)
                        for (var i = 0; i < f.Lanes; i++)
                            for (var t = 0; t < taps; t++)
                            {
                                var w = f.LaneWeights[((g * f.Lanes + i) * f.Inner + c) * taps + t];
                                sum += ToggleCounter.Toggles(held[i * taps + t], w, f.WeightMask);
                                held[i * taps + t] = w;
                            }
                if (pass == 0) first = sum;
                else again = sum;
            }
            toggles = first + again * (outer - 1);
            result[k] = toggles;
        }
        return result;
    }
}
