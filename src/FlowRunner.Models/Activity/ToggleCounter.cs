using System.Numerics;
using System.Runtime.CompilerServices;

namespace FlowRunner.Models.Activity;

/// <summary>Hamming distance between consecutive raw two's-complement values of a register of a given width.</summary>
public static class ToggleCounter
{
    /// <summary>Widest register counted; wider registers count their low 64 bits (raw values are 64-bit integers).</summary>
    public const int MaxBits = 64;

    /// <summary>The mask of a register's bits: the low <paramref name="bits"/> bits of a raw value.</summary>
    public static ulong Mask(int bits) => bits >= MaxBits ? ulong.MaxValue : (1UL << bits) - 1;

    /// <summary>Bits that differ between the register's old and new value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Toggles(long before, long after, ulong mask) => BitOperations.PopCount((ulong)(before ^ after) & mask);
}
