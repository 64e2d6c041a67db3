using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FlowRunner.Models.Inference;

/// <summary>Exact integer multiply-accumulate on 16-bit operand pairs: a 32-bit word holds two int16 values, and AVX2's vpmaddwd multiplies
/// eight such words by eight weight pairs and adds each pair's two products into an int32 lane. The caller proves that no partial sum leaves
/// 32 bits; rounding and overflow stay in FlowRunner.Numerics. Tensors are channel-planar with a row stride (see <see cref="PairedNetwork"/>).</summary>
internal static class PairedKernels
{
    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>Output filters computed together, each in its own accumulator.</summary>
    public const int Block = 4;

    /// <summary>Words (int16 pairs) per vector.</summary>
    public const int Lanes = 8;

    /// <summary>Two int16 values in one word: <paramref name="lo"/> in the low half.</summary>
    public static int Word(long lo, long hi) => (int)((ushort)(short)lo | ((uint)(ushort)(short)hi << 16));

    /// <summary>How many filters a block computes, as a type so that the JIT drops the accumulators a block does not use.</summary>
    public interface IFilters { static abstract int Count { get; } }
    public struct One : IFilters { public static int Count => 1; }
    public struct Two : IFilters { public static int Count => 2; }
    public struct Three : IFilters { public static int Count => 3; }
    public struct Four : IFilters { public static int Count => 4; }

    /// <summary>Convolution of one block of up to <see cref="Block"/> filters over <paramref name="positions"/> (a multiple of
    /// <see cref="Lanes"/>) output positions: acc[j][p] = bias[j] + (Σ_t madd(words[offset[t] + p], weights[t · Block + j]) &lt;&lt; up).
    /// Output j goes to <paramref name="acc"/> at j · <paramref name="plane"/>.</summary>
    public static void Conv(ReadOnlySpan<int> words, ReadOnlySpan<int> offsets, ReadOnlySpan<Vector256<short>> weights, ReadOnlySpan<int> bias,
        int filters, int up, Span<int> acc, int plane, int positions)
    {
        switch (filters)
        {
            case 1: Conv<One>(words, offsets, weights, bias, up, acc, plane, positions); break;
            case 2: Conv<Two>(words, offsets, weights, bias, up, acc, plane, positions); break;
            case 3: Conv<Three>(words, offsets, weights, bias, up, acc, plane, positions); break;
            default: Conv<Four>(words, offsets, weights, bias, up, acc, plane, positions); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Conv<TF>(ReadOnlySpan<int> words, ReadOnlySpan<int> offsets, ReadOnlySpan<Vector256<short>> weights, ReadOnlySpan<int> bias,
        int up, Span<int> acc, int plane, int positions) where TF : struct, IFilters
    {
        ref var x0 = ref MemoryMarshal.GetReference(words);
        ref var w0 = ref MemoryMarshal.GetReference(weights);
        ref var a0 = ref MemoryMarshal.GetReference(acc);
        ref var o0 = ref MemoryMarshal.GetReference(offsets);
        var b0 = Vector256.Create(bias[0]);
        var b1 = Vector256.Create(TF.Count > 1 ? bias[1] : 0);
        var b2 = Vector256.Create(TF.Count > 2 ? bias[2] : 0);
        var b3 = Vector256.Create(TF.Count > 3 ? bias[3] : 0);
        var taps = offsets.Length;
        for (var p = 0; p < positions; p += Lanes)
        {
            Vector256<int> s0 = default, s1 = default, s2 = default, s3 = default;
            ref var xp = ref Unsafe.Add(ref x0, p);
            for (var t = 0; t < taps; t++)
            {
                var v = Vector256.LoadUnsafe(ref Unsafe.Add(ref xp, Unsafe.Add(ref o0, t))).AsInt16();
                ref var w = ref Unsafe.Add(ref w0, t * Block);
                s0 += Avx2.MultiplyAddAdjacent(v, w);
                if (TF.Count > 1) s1 += Avx2.MultiplyAddAdjacent(v, Unsafe.Add(ref w, 1));
                if (TF.Count > 2) s2 += Avx2.MultiplyAddAdjacent(v, Unsafe.Add(ref w, 2));
                if (TF.Count > 3) s3 += Avx2.MultiplyAddAdjacent(v, Unsafe.Add(ref w, 3));
            }
            ((s0 << up) + b0).StoreUnsafe(ref a0, (nuint)p);
            if (TF.Count > 1) ((s1 << up) + b1).StoreUnsafe(ref a0, (nuint)(plane + p));
            if (TF.Count > 2) ((s2 << up) + b2).StoreUnsafe(ref a0, (nuint)(2 * plane + p));
            if (TF.Count > 3) ((s3 << up) + b3).StoreUnsafe(ref a0, (nuint)(3 * plane + p));
        }
    }

    /// <summary>Dense layer, one block of up to <see cref="Block"/> units: y[j] = bias[j] + (Σ_i madd(words[i], weights[j][i]) &lt;&lt; up) over
    /// <paramref name="words"/> (a multiple of <see cref="Lanes"/> long); unit j's weight pairs start at j · words.Length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dense(ReadOnlySpan<int> words, ReadOnlySpan<int> weights, ReadOnlySpan<int> bias, int units, int up, Span<int> y)
    {
        var n = words.Length;
        ref var x0 = ref MemoryMarshal.GetReference(words);
        ref var w0 = ref MemoryMarshal.GetReference(weights);
        Vector256<int> s0 = default, s1 = default, s2 = default, s3 = default;
        for (var i = 0; i < n; i += Lanes)
        {
            var v = Vector256.LoadUnsafe(ref x0, (nuint)i).AsInt16();
            s0 += Avx2.MultiplyAddAdjacent(v, Vector256.LoadUnsafe(ref w0, (nuint)i).AsInt16());
            if (units > 1) s1 += Avx2.MultiplyAddAdjacent(v, Vector256.LoadUnsafe(ref w0, (nuint)(n + i)).AsInt16());
            if (units > 2) s2 += Avx2.MultiplyAddAdjacent(v, Vector256.LoadUnsafe(ref w0, (nuint)(2 * n + i)).AsInt16());
            if (units > 3) s3 += Avx2.MultiplyAddAdjacent(v, Vector256.LoadUnsafe(ref w0, (nuint)(3 * n + i)).AsInt16());
        }
        y[0] = bias[0] + (Vector256.Sum(s0) << up);
        if (units > 1) y[1] = bias[1] + (Vector256.Sum(s1) << up);
        if (units > 2) y[2] = bias[2] + (Vector256.Sum(s2) << up);
        if (units > 3) y[3] = bias[3] + (Vector256.Sum(s3) << up);
    }

    /// <summary>Words of two planes side by side: words[p] = (lo[p], hi[p]) for p &lt; count (rounded up to <see cref="Lanes"/>); the values
    /// fit 16 bits.</summary>
    public static void Interleave(ReadOnlySpan<int> lo, ReadOnlySpan<int> hi, Span<int> words, int count)
    {
        ref var l0 = ref MemoryMarshal.GetReference(lo);
        ref var h0 = ref MemoryMarshal.GetReference(hi);
        ref var d0 = ref MemoryMarshal.GetReference(words);
        var mask = Vector256.Create(0xFFFF);
        for (var p = 0; p < count; p += Lanes)
            ((Vector256.LoadUnsafe(ref l0, (nuint)p) & mask) | (Vector256.LoadUnsafe(ref h0, (nuint)p) << 16)).StoreUnsafe(ref d0, (nuint)p);
    }

    /// <summary>Words of consecutive values: words[i] = (x[2i], x[2i + 1]) for i &lt; count (rounded up to <see cref="Lanes"/>).</summary>
    public static void Pairs(ReadOnlySpan<int> x, Span<int> words, int count)
    {
        ref var x0 = ref MemoryMarshal.GetReference(x);
        ref var d0 = ref MemoryMarshal.GetReference(words);
        for (var i = 0; i < count; i += Lanes)
        {
            var a = Vector256.LoadUnsafe(ref x0, (nuint)(2 * i));
            var b = Vector256.LoadUnsafe(ref x0, (nuint)(2 * i + Lanes));
            // vpackssdw packs within 128-bit halves; the values fit 16 bits, so packing is exact, and a cross-lane permute restores the order.
            var packed = Avx2.PackSignedSaturate(a, b).AsInt64();
            Avx2.Permute4x64(packed, 0b11_01_10_00).AsInt32().StoreUnsafe(ref d0, (nuint)i);
        }
    }

    /// <summary>max(x, 0) in place.</summary>
    public static void Relu(Span<int> x)
    {
        ref var x0 = ref MemoryMarshal.GetReference(x);
        var i = 0;
        for (; i + Lanes <= x.Length; i += Lanes) Vector256.Max(Vector256.LoadUnsafe(ref x0, (nuint)i), Vector256<int>.Zero).StoreUnsafe(ref x0, (nuint)i);
        for (; i < x.Length; i++) x[i] = Math.Max(x[i], 0);
    }
}
