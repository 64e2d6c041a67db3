using System.Numerics;
using System.Runtime.InteropServices;

namespace FlowRunner.Models.Network;

/// <summary>The float loops of the forward and backward passes, vectorized with System.Numerics.Vector. The summation order depends only on
/// the lengths, so results are the same on every run (and every thread count) on a given machine.</summary>
internal static class FloatKernels
{
    /// <summary>Σ a[i] · b[i].</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var v = Vector<float>.Count;
        var i = 0;
        var sum = 0f;
        if (a.Length >= v)
        {
            var acc = Vector<float>.Zero;
            ref var a0 = ref MemoryMarshal.GetReference(a);
            ref var b0 = ref MemoryMarshal.GetReference(b);
            for (; i + v <= a.Length; i += v) acc += Vector.LoadUnsafe(ref a0, (nuint)i) * Vector.LoadUnsafe(ref b0, (nuint)i);
            sum = Vector.Sum(acc);
        }
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>y[i] += alpha · x[i].</summary>
    public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        var v = Vector<float>.Count;
        var i = 0;
        if (x.Length >= v)
        {
            var va = new Vector<float>(alpha);
            ref var x0 = ref MemoryMarshal.GetReference(x);
            ref var y0 = ref MemoryMarshal.GetReference(y);
            for (; i + v <= x.Length; i += v) (Vector.LoadUnsafe(ref y0, (nuint)i) + va * Vector.LoadUnsafe(ref x0, (nuint)i)).StoreUnsafe(ref y0, (nuint)i);
        }
        for (; i < x.Length; i++) y[i] += alpha * x[i];
    }
}
