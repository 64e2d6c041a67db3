using System.Numerics;
using FlowRunner.Numerics.Formats;
using FlowRunner.Numerics.Kernels;
using FlowRunner.Numerics.Values;

namespace FlowRunner.Numerics.Tests;

/// <summary>Seeded random checks: the batch kernels give the scalar path's bits, and the laws of assignment hold, for many formats.</summary>
public class KernelPropertyTests
{
    private static FixedFormat RandomFormat(Random rng, int maxWidth = 40) =>
        new(rng.Next(1, maxWidth + 1), rng.Next(-6, 24), rng.Next(4) != 0, (Quantization)rng.Next(8), (Overflow)rng.Next(4));

    [Fact]
    public void Quantize_kernel_equals_the_scalar_constructor()
    {
        var rng = new Random(11);
        for (var t = 0; t < 300; t++)
        {
            var f = RandomFormat(rng);
            var xs = Enumerable.Range(0, 64).Select(_ => (rng.NextDouble() - 0.5) * Math.ScaleB(1, rng.Next(-8, 30))).ToArray();
            xs[0] = 0.5; xs[1] = -0.5; xs[2] = f.Max + f.Quantum / 2; xs[3] = f.Min - f.Quantum;
            var raw = new long[xs.Length];
            FixedKernels.Quantize(xs, f, raw);
            for (var i = 0; i < xs.Length; i++)
                Assert.True((BigInteger)raw[i] == FixedValue.FromDouble(xs[i], f).Raw, $"{f} {xs[i]:R}: kernel {raw[i]}, scalar {FixedValue.FromDouble(xs[i], f).Raw}");
        }
    }

    [Fact]
    public void Requantize_kernel_equals_assignment_for_every_mode()
    {
        var rng = new Random(12);
        for (var t = 0; t < 400; t++)
        {
            var f = RandomFormat(rng, 30);
            var srcFrac = f.FracBits + rng.Next(-3, 20);
            var src = Enumerable.Range(0, 37).Select(_ => (long)((rng.NextDouble() - 0.5) * Math.ScaleB(1, rng.Next(1, 50)))).ToArray();
            var dst = new long[src.Length];
            FixedKernels.Requantize(src, srcFrac, f, dst);
            for (var i = 0; i < src.Length; i++)
                Assert.True((BigInteger)dst[i] == Quantizer.Assign(src[i], srcFrac, f), $"{f} raw {src[i]} at F={srcFrac}");
        }
    }

    [Fact]
    public void Multiply_accumulate_equals_the_exact_step_by_step_reference()
    {
        var rng = new Random(13);
        for (var t = 0; t < 200; t++)
        {
            var fa = new FixedFormat(rng.Next(2, 17), rng.Next(-2, 8));
            var fb = new FixedFormat(rng.Next(2, 17), rng.Next(-2, 8));
            var acc = RandomFormat(rng, 48);
            var n = rng.Next(1, 80);
            var a = Enumerable.Range(0, n).Select(_ => (long)FixedValue.FromDouble((rng.NextDouble() - 0.5) * 2 * fa.Max, fa).Raw).ToArray();
            var b = Enumerable.Range(0, n).Select(_ => (long)FixedValue.FromDouble((rng.NextDouble() - 0.5) * 2 * fb.Max, fb).Raw).ToArray();
            var expected = new FixedValue(0, acc);
            for (var i = 0; i < n; i++) expected = (expected + new FixedValue(a[i], fa) * new FixedValue(b[i], fb)).Cast(acc);
            Assert.Equal(expected.Raw, (BigInteger)FixedKernels.MultiplyAccumulate(0, a, b, fa.FracBits + fb.FracBits, acc));
            if (FixedKernels.MacIsExact(fa, fb, acc, n))
                Assert.Equal(expected.Raw, (BigInteger)FixedKernels.Dot(a, b) << (acc.FracBits - fa.FracBits - fb.FracBits));
        }
    }

    [Fact]
    public void Widening_with_the_same_lsb_is_exact_saturation_stays_in_range_and_rounding_error_is_within_a_quantum()
    {
        var rng = new Random(14);
        for (var t = 0; t < 2000; t++)
        {
            var f = RandomFormat(rng, 24);
            var x = (rng.NextDouble() - 0.5) * 4 * Math.Max(1, f.Max);
            var v = FixedValue.FromDouble(x, f);
            var wide = new FixedFormat(f.Width + 5, f.IntBits + 5, true);
            Assert.True(v.Cast(wide).ValueEquals(v));
            var sat = FixedValue.FromDouble(x, f.With(f.Quantization, Overflow.Sat));
            Assert.InRange(sat.ToDouble(), f.Min, f.Max);
            if (x > f.Min && x < f.Max - f.Quantum)
                Assert.True(Math.Abs(FixedValue.FromDouble(x, f.With(f.Quantization, Overflow.Sat)).ToDouble() - x) <= f.Quantum, $"{f} {x}");
        }
    }
}
