using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FlowRunner.Models.Inference;

/// <summary>Exact integer multiply-accumulate loops for the bit-accurate model's fast path, on channel-planar (CHW) tensors. They only add
/// integer products; every rounding and overflow decision stays in FlowRunner.Numerics. The int32 forms are used only where the caller has
/// proved that no sum can leave 32 bits.</summary>
internal static class IntegerKernels
{
    /// <summary>Elements to leave after a planar int32 tensor so that a vector load at any valid column stays inside the array.</summary>
    public static int Slack => Vector<int>.Count;

    /// <summary>Valid convolution, stride 1, one filter: acc[y, x] = Σ_t w[t] · in[offset[t] + y·inW + x] for y &lt; outH, x &lt; outW, where the
    /// taps enumerate (channel, ky, kx) as offset = c·inH·inW + ky·inW + kx. Vectorized across x; <paramref name="input"/> must have
    /// <see cref="Slack"/> spare elements.</summary>
    public static void ConvFilter(ReadOnlySpan<int> input, int inW, ReadOnlySpan<int> taps, ReadOnlySpan<int> offsets, Span<int> acc, int outH, int outW)
    {
        var v = Vector<int>.Count;
        ref var x0 = ref MemoryMarshal.GetReference(input);
        Span<int> tail = stackalloc int[v];
        for (var y = 0; y < outH; y++)
        {
            var row = y * inW;
            for (var xs = 0; xs < outW; xs += v)
            {
                var s = Vector<int>.Zero;
                var at = (nuint)(row + xs);
                for (var t = 0; t < taps.Length; t++)
                    s += new Vector<int>(taps[t]) * Vector.LoadUnsafe(ref x0, at + (nuint)offsets[t]);
                var dst = acc.Slice(y * outW + xs);
                if (xs + v <= outW) s.CopyTo(dst);
                else
                {
                    s.CopyTo(tail);
                    tail[..(outW - xs)].CopyTo(dst);
                }
            }
        }
    }

    /// <summary>Valid convolution, stride 1, one filter, in 64-bit arithmetic (wraps modulo 2^64, which the wrap-once mode relies on).</summary>
    public static void ConvFilter(ReadOnlySpan<long> input, int inW, ReadOnlySpan<long> taps, ReadOnlySpan<int> offsets, Span<long> acc, int outH, int outW)
    {
        acc[..(outH * outW)].Clear();
        for (var t = 0; t < taps.Length; t++)
        {
            var w = taps[t];
            if (w == 0) continue;
            for (var y = 0; y < outH; y++)
            {
                var src = input.Slice(offsets[t] + y * inW, outW);
                var dst = acc.Slice(y * outW, outW);
                for (var x = 0; x < outW; x++) dst[x] = unchecked(dst[x] + w * src[x]);
            }
        }
    }

    /// <summary>Σ a[i] · b[i] in int32 lanes (the caller guarantees the sum fits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Dot(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        var v = Vector<int>.Count;
        var s = Vector<int>.Zero;
        var i = 0;
        ref var a0 = ref MemoryMarshal.GetReference(a);
        ref var b0 = ref MemoryMarshal.GetReference(b);
        for (; i + v <= a.Length; i += v) s += Vector.LoadUnsafe(ref a0, (nuint)i) * Vector.LoadUnsafe(ref b0, (nuint)i);
        var sum = Vector.Sum(s);
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>Σ a[i] · b[i] in 64-bit arithmetic, wrapping modulo 2^64.</summary>
    public static long Dot(ReadOnlySpan<long> a, ReadOnlySpan<long> b)
    {
        long sum = 0;
        for (var i = 0; i < a.Length; i++) sum = unchecked(sum + a[i] * b[i]);
        return sum;
    }

    /// <summary>Copies raw values that fit 32 bits into an int32 buffer.</summary>
    public static void Narrow(ReadOnlySpan<long> src, Span<int> dst)
    {
        for (var i = 0; i < src.Length; i++) dst[i] = (int)src[i];
    }
}
