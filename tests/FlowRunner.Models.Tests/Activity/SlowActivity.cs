using System.Numerics;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Numerics.Kernels;

namespace FlowRunner.Models.Tests.Activity;

/// <summary>The hls.emit contract's feed order written out literally, every multiplier of every lane with its own registers, BigInteger-free
/// but with no shortcut: the reference the fast recorder must equal.</summary>
internal static class SlowActivity
{
    public sealed record Counts(long Steps, long A, long B, long Acc, long Tree);

    public static List<Counts> Count(BitAccurateNetwork net, IReadOnlyList<float[]> images, int lanes, int taps)
    {
        var spec = net.Spec;
        var weighted = Enumerable.Range(0, spec.Layers.Count).Where(i => net.Formats[i] is not null).ToList();
        var totals = weighted.Select(_ => new long[5]).ToList();
        foreach (var image in images)
        {
            var trace = new List<long[]>();
            net.Infer(image, trace);
            var a = new long[lanes, taps];
            var b = new long[lanes, taps];
            var acc = new long[lanes];
            var tree = new long[lanes];
            var incoming = net.InputFormat;
            for (var k = 0; k < weighted.Count; k++)
            {
                var li = weighted[k];
                var f = net.Formats[li]!;
                var x = li == 0 ? net.QuantizeInput(image) : trace[li - 1];
                if (incoming.Width != f.Input.Width || incoming.IntBits != f.Input.IntBits || incoming.Signed != f.Input.Signed)
                {
                    var y = new long[x.Length];
                    FixedKernels.Requantize(x, incoming.FracBits, f.Input, y);
                    x = y;
                }
                incoming = f.Output;
                var w = net.RawWeights(li).ToArray();
                var s = spec.InputShape(li);
                var o = spec.Shapes[li];
                var layer = spec.Layers[li];
                var accBits = f.Accumulator.Width;
                var t = totals[k];
                void Step(Func<int, int, long> weight, Func<int, long> value, bool clear)
                {
                    t[0]++;
                    for (var i = 0; i < lanes; i++)
                    {
                        long sum = 0;
                        for (var tap = 0; tap < taps; tap++)
                        {
                            var wv = weight(i, tap);
                            var xv = value(tap);
                            t[1] += Hamming(a[i, tap], wv, f.Weight.Width);
                            t[2] += Hamming(b[i, tap], xv, f.Input.Width);
                            a[i, tap] = wv;
                            b[i, tap] = xv;
                            sum += wv * xv;
                        }
                        var next = clear ? sum : acc[i] + sum;
                        t[3] += Hamming(acc[i], next, accBits);
                        t[4] += Hamming(tree[i], sum, accBits);
                        acc[i] = next;
                        tree[i] = sum;
                    }
                }
                if (layer.Kind == LayerKind.Conv2D)
                {
                    var kk = layer.Kernel;
                    for (var py = 0; py < o.H; py++)
                        for (var px = 0; px < o.W; px++)
                            for (var g = 0; g < (o.C + lanes - 1) / lanes; g++)
                                for (var c = 0; c < s.C; c++)
                                    Step((i, tap) =>
                                    {
                                        var filter = g * lanes + i;
                                        if (filter >= o.C || tap >= kk * kk) return 0;
                                        return w[((filter * kk + tap / kk) * kk + tap % kk) * s.C + c];
                                    }, tap => tap >= kk * kk ? 0 : x[((py + tap / kk) * s.W + px + tap % kk) * s.C + c], c == 0);
                }
                else
                {
                    var n = s.Size;
                    for (var g = 0; g < (o.C + lanes - 1) / lanes; g++)
                        for (var ch = 0; ch < (n + taps - 1) / taps; ch++)
                            Step((i, tap) => g * lanes + i < o.C && ch * taps + tap < n ? w[(g * lanes + i) * n + ch * taps + tap] : 0,
                                tap => ch * taps + tap < n ? x[ch * taps + tap] : 0, ch == 0);
                }
            }
        }
        return totals.Select(t => new Counts(t[0] / images.Count, t[1], t[2], t[3], t[4])).ToList();
    }

    private static int Hamming(long before, long after, int bits) =>
        BitOperations.PopCount((ulong)(before ^ after) & (bits >= 64 ? ulong.MaxValue : (1UL << bits) - 1));
}
