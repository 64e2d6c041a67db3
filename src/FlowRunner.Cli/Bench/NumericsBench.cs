using System.Diagnostics;
using FlowRunner.Numerics.Formats;
using FlowRunner.Numerics.Kernels;
using FlowRunner.Numerics.Values;
using Spectre.Console;

namespace FlowRunner.Cli.Bench;

/// <summary>Throughput of the fixed-point kernels in millions of operations a second: scalar exact path, 64-bit kernels, vectorized kernels,
/// on one and on all cores.</summary>
internal static class NumericsBench
{
    public static Task<int> RunAsync(BenchOptions o, CancellationToken ct)
    {
        var n = o.Quick ? 1 << 16 : 1 << 21;
        var rng = new Random(1);
        var xs = Enumerable.Range(0, n).Select(_ => (rng.NextDouble() - 0.5) * 40).ToArray();
        var f = FixedFormat.Parse("ac_fixed<8,4,true,AC_RND,AC_SAT>");
        var raw = new long[n];
        var acc = Enumerable.Range(0, n).Select(_ => (long)rng.Next(-1 << 20, 1 << 20)).ToArray();
        var outp = new long[n];
        var a = new long[n];
        var b = new long[n];
        FixedKernels.Quantize(xs, f, a);
        FixedKernels.Quantize(xs.Reverse().ToArray(), f, b);
        var accFormat = FixedFormat.Parse("ac_fixed<24,12,true,AC_RND,AC_SAT>");
        var t = new Table().Border(TableBorder.Rounded).AddColumns("kernel", "1 thread (M op/s)", $"{Environment.ProcessorCount} threads (M op/s)");
        void Row(string name, int count, Action<int, int> body)
        {
            body(0, Math.Min(count, 1024)); // warm the JIT
            var one = BenchTiming.Best(() => body(0, count));
            var chunks = Environment.ProcessorCount;
            var all = BenchTiming.Best(() => Parallel.For(0, chunks, c => body(count / chunks * c, c == chunks - 1 ? count : count / chunks * (c + 1))));
            o.Figures.Add(name, count / one / 1e6, "M op/s", 1);
            o.Figures.Add(name, count / all / 1e6, "M op/s", chunks, "1 thread", count / one / 1e6);
            t.AddRow(name, $"{count / one / 1e6:F1}", $"{count / all / 1e6:F1}");
        }
        Row("quantize+saturate, exact scalar (BigInteger)", n / 16, (s, e) => { for (var i = s; i < e; i++) FixedValue.FromDouble(xs[i], f); });
        Row("quantize+saturate, scalar 64-bit", n, (s, e) => { for (var i = s; i < e; i++) raw[i] = FixedKernels.Quantize(xs[i], f); });
        Row("quantize+saturate, vectorized", n, (s, e) => FixedKernels.Quantize(xs.AsSpan(s, e - s), f, raw.AsSpan(s, e - s)));
        Row("requantize 24.12 -> 8.4 rnd sat, scalar 64-bit", n, (s, e) => { for (var i = s; i < e; i++) outp[i] = FixedKernels.Assign(acc[i], 12, f); });
        Row("requantize 24.12 -> 8.4 rnd sat, vectorized", n, (s, e) => FixedKernels.Requantize(acc.AsSpan(s, e - s), 12, f, outp.AsSpan(s, e - s)));
        Row("MAC, per-step saturating accumulator", n, (s, e) => FixedKernels.MultiplyAccumulate(0, a.AsSpan(s, e - s), b.AsSpan(s, e - s), 8, accFormat));
        Row("MAC, exact accumulator, scalar dot", n, (s, e) => FixedKernels.DotScalar(a.AsSpan(s, e - s), b.AsSpan(s, e - s)));
        Row("MAC, exact accumulator, vectorized dot", n, (s, e) => FixedKernels.Dot(a.AsSpan(s, e - s), b.AsSpan(s, e - s)));
        AnsiConsole.Write(t);
        Console.WriteLine($"{n:N0} elements; Vector<long> has {System.Numerics.Vector<long>.Count} lanes, hardware accelerated: {System.Numerics.Vector.IsHardwareAccelerated}");
        return Task.FromResult(0);
    }

}
