using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FlowRunner.Numerics.Formats;
using FlowRunner.Numerics.Values;

namespace FlowRunner.Numerics.Kernels;

/// <summary>Batch kernels on raw 64-bit integers for the hot paths of the CNN model: quantize doubles, re-quantize accumulators into an output
/// format, multiply-accumulate. They give exactly the bits of <see cref="Quantizer"/> (property-tested); formats wider than 62 bits, and values
/// too large for 64-bit arithmetic, fall back to the exact BigInteger path.</summary>
public static class FixedKernels
{
    /// <summary>Assigns raw × 2^-fromFrac into a format (quantization, then overflow), in 64-bit arithmetic where it is exact.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Assign(long raw, int fromFrac, FixedFormat f)
    {
        if (!f.FitsInt64) return (long)Quantizer.Assign(raw, fromFrac, f);
        var toFrac = f.FracBits;
        long q;
        if (toFrac >= fromFrac)
        {
            var sh = toFrac - fromFrac;
            if (sh >= 62 || (raw != 0 && (raw > 0 ? raw : -raw) >> (62 - sh) != 0)) return (long)Quantizer.Assign(raw, fromFrac, f);
            q = raw << sh;
        }
        else
        {
            var sh = fromFrac - toFrac;
            if (sh >= 63) return (long)Quantizer.Assign(raw, fromFrac, f);
            var floor = raw >> sh;
            var dropped = raw - (floor << sh);
            if (dropped != 0 && f.Quantization != Quantization.Trn)
            {
                var qb = ((dropped >> (sh - 1)) & 1) != 0;
                var r = (dropped & ((1L << (sh - 1)) - 1)) != 0;
                if (Quantizer.Increment(f.Quantization, qb, r, raw < 0, (floor & 1) != 0)) floor++;
            }
            q = floor;
        }
        return Overflow(q, f);
    }

    /// <summary>The format's overflow mode on a raw integer at its LSB (format at most 62 bits wide).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Overflow(long q, FixedFormat f)
    {
        var w = f.Width;
        long min = f.Signed ? -(1L << (w - 1)) : 0, max = f.Signed ? (1L << (w - 1)) - 1 : (1L << w) - 1;
        if (q >= min && q <= max && !(f.Overflow == Formats.Overflow.SatSym && f.Signed && w > 1 && q == min)) return q;
        return f.Overflow switch
        {
            Formats.Overflow.Wrap => f.Signed ? (q << (64 - w)) >> (64 - w) : q & max,
            Formats.Overflow.Sat => q < min ? min : max,
            Formats.Overflow.SatZero => 0,
            _ => q < (f.Signed && w > 1 ? -max : min) ? (f.Signed && w > 1 ? -max : min) : q > max ? max : q,
        };
    }

    /// <summary>Quantizes doubles into a format (as ac_fixed's constructor from double does), writing raw integers; vectorized where
    /// every lane is an ordinary number whose scaled value fits 64 bits, the scalar path elsewhere.</summary>
    public static void Quantize(ReadOnlySpan<double> src, FixedFormat f, Span<long> dst)
    {
        if (dst.Length < src.Length) throw new ArgumentException("destination is shorter than the source");
        var i = 0;
        if (Vector.IsHardwareAccelerated && f.FitsInt64 && f.FracBits is > -60 and < 60)
        {
            var scale = new Vector<double>(Math.ScaleB(1.0, f.FracBits));
            var limit = new Vector<double>(4.0e18);
            var tiny = new Vector<double>(Math.ScaleB(1.0, -900));
            var half = new Vector<double>(0.5);
            var overflow = new VectorAssign<long>(0, f);
            var vs = MemoryMarshal.Cast<double, Vector<double>>(src);
            var vd = MemoryMarshal.Cast<long, Vector<long>>(dst);
            for (var k = 0; k < vs.Length; k++)
            {
                var y = vs[k] * scale; // exact: a power of two, no overflow or underflow by the checks below
                var abs = Vector.Abs(y);
                var subnormalRisk = Vector.LessThan(Vector.Abs(vs[k]), tiny) & ~Vector.Equals(vs[k], Vector<double>.Zero);
                if (!Vector.LessThanAll(abs, limit) || subnormalRisk != Vector<long>.Zero)
                {
                    var start = k * Vector<double>.Count;
                    for (var j = start; j < start + Vector<double>.Count; j++) dst[j] = Quantize(src[j], f);
                    continue;
                }
                var floor = Vector.Floor(y);
                var frac = y - floor;
                var q = Vector.ConvertToInt64(floor);
                var qb = Vector.GreaterThanOrEqual(frac, half);
                var r = ~Vector.Equals(frac, Vector<double>.Zero) & ~Vector.Equals(frac, half);
                var sign = Vector.LessThan(vs[k], Vector<double>.Zero);
                vd[k] = overflow.Overflow(q - Increment(f.Quantization, qb, r, sign, Vector.Equals(q & Vector<long>.One, Vector<long>.One)));
            }
            i = vs.Length * Vector<double>.Count;
        }
        for (; i < src.Length; i++) dst[i] = Quantize(src[i], f);
    }

    /// <summary>One double into a format's raw integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Quantize(double x, FixedFormat f)
    {
        var y = Math.ScaleB(x, f.FracBits); // exact: scaling by a power of two
        if (!f.FitsInt64 || !(Math.Abs(y) < 4.0e18)) return (long)FixedValue.FromDouble(x, f).Raw;
        var floor = Math.Floor(y);
        var frac = y - floor; // exact
        var q = (long)floor;
        if (frac != 0 && f.Quantization != Quantization.Trn)
            if (Quantizer.Increment(f.Quantization, frac >= 0.5, frac != 0.5, x < 0, (q & 1) != 0)) q++;
        return Overflow(q, f);
    }

    /// <summary>Assigns raw integers at srcFrac fractional bits into a format, vectorized with System.Numerics.Vector where the shapes allow.</summary>
    public static void Requantize(ReadOnlySpan<long> src, int srcFrac, FixedFormat f, Span<long> dst)
    {
        if (dst.Length < src.Length) throw new ArgumentException("destination is shorter than the source");
        var sh = srcFrac - f.FracBits;
        var i = 0;
        if (Vector.IsHardwareAccelerated && f.FitsInt64 && sh is > 0 and < 62)
        {
            var vs = MemoryMarshal.Cast<long, Vector<long>>(src);
            var vd = MemoryMarshal.Cast<long, Vector<long>>(dst);
            var assign = new VectorAssign<long>(sh, f);
            for (var k = 0; k < vs.Length; k++) vd[k] = assign.Apply(vs[k]);
            i = vs.Length * Vector<long>.Count;
        }
        for (; i < src.Length; i++) dst[i] = Assign(src[i], srcFrac, f);
    }

    /// <summary>The same assignment on 32-bit raw integers (in place allowed), eight or more lanes at a time: for a format at most 31 bits wide
    /// and a right shift (or none), where every step stays inside 32 bits; other cases take the 64-bit <see cref="Assign"/> per value.</summary>
    public static void Requantize(ReadOnlySpan<int> src, int srcFrac, FixedFormat f, Span<int> dst)
    {
        if (dst.Length < src.Length) throw new ArgumentException("destination is shorter than the source");
        var sh = srcFrac - f.FracBits;
        var i = 0;
        if (Vector.IsHardwareAccelerated && f.Width <= 31 && sh is >= 0 and < 31)
        {
            var vs = MemoryMarshal.Cast<int, Vector<int>>(src);
            var vd = MemoryMarshal.Cast<int, Vector<int>>(dst);
            var assign = new VectorAssign<int>(sh, f);
            for (var k = 0; k < vs.Length; k++) vd[k] = assign.Apply(vs[k]);
            i = vs.Length * Vector<int>.Count;
        }
        for (; i < src.Length; i++) dst[i] = (int)Assign(src[i], srcFrac, f);
    }

    /// <summary>Vector form of <see cref="Quantizer.Increment"/>: lanes of -1 where one LSB is added.</summary>
    private static Vector<T> Increment<T>(Quantization mode, Vector<T> qb, Vector<T> r, Vector<T> s, Vector<T> lsb) where T : unmanaged, IBinaryInteger<T> =>
        mode switch
        {
            Quantization.Trn => Vector<T>.Zero,
            Quantization.TrnZero => s & (qb | r),
            Quantization.Rnd => qb,
            Quantization.RndZero => qb & (s | r),
            Quantization.RndInf => qb & (~s | r),
            Quantization.RndMinInf => qb & r,
            Quantization.RndConv => qb & (lsb | r),
            _ => qb & (~lsb | r),
        };

    /// <summary>Vector form of <see cref="Assign"/> for a right shift of 0 to (lane bits - 3) into a format narrower than the lanes, with the
    /// format's constants built once per batch. Masks are 0 or -1 lanes, so floor - mask adds one; each mode computes only the bits it reads
    /// (qb is bit sh - 1 of the value itself, r whether any bit below it is set).</summary>
    private readonly struct VectorAssign<T> where T : unmanaged, IBinaryInteger<T>, ISignedNumber<T>
    {
        private readonly int _sh, _wrap;
        private readonly Quantization _mode;
        private readonly Formats.Overflow _overflow;
        private readonly bool _signed;
        private readonly Vector<T> _below, _min, _max, _lowest;

        public VectorAssign(int sh, FixedFormat f)
        {
            _sh = sh;
            _mode = f.Quantization;
            _overflow = f.Overflow;
            _signed = f.Signed;
            var w = f.Width;
            _wrap = Unsafe.SizeOf<T>() * 8 - w;
            _below = new Vector<T>(sh > 1 ? (T.One << (sh - 1)) - T.One : T.Zero);
            long min = f.Signed ? -(1L << (w - 1)) : 0, max = f.Signed ? (1L << (w - 1)) - 1 : (1L << w) - 1;
            _min = new Vector<T>(T.CreateTruncating(min));
            _max = new Vector<T>(T.CreateTruncating(max));
            _lowest = new Vector<T>(T.CreateTruncating(f.Signed && w > 1 ? -max : min));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Apply(Vector<T> raw)
        {
            if (_sh == 0 || _mode == Quantization.Trn) return Overflow(raw >> _sh);
            var floor = raw >> _sh;
            var qb = Vector.Equals((raw >> (_sh - 1)) & Vector<T>.One, Vector<T>.One);
            if (_mode == Quantization.Rnd) return Overflow(floor - qb);
            var r = ~Vector.Equals(raw & _below, Vector<T>.Zero);
            var s = Vector.LessThan(raw, Vector<T>.Zero);
            var lsb = Vector.Equals(floor & Vector<T>.One, Vector<T>.One);
            return Overflow(floor - Increment(_mode, qb, r, s, lsb));
        }

        /// <summary>Vector form of <see cref="FixedKernels.Overflow(long, FixedFormat)"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<T> Overflow(Vector<T> q) => _overflow switch
        {
            Formats.Overflow.Wrap => _signed ? (q << _wrap) >> _wrap : q & _max,
            Formats.Overflow.Sat => Vector.Min(Vector.Max(q, _min), _max),
            Formats.Overflow.SatZero => Vector.ConditionalSelect(Vector.LessThan(q, _min) | Vector.GreaterThan(q, _max), Vector<T>.Zero, q),
            _ => Vector.Min(Vector.Max(q, _lowest), _max),
        };
    }

    /// <summary>`acc += a[i] * b[i]` for every i, as C++ with ac_fixed does it: each product is exact (productFrac = Fa + Fb fractional bits), and
    /// each sum is assigned back into the accumulator format (quantization and overflow at every step). Returns the accumulator's raw value.</summary>
    public static long MultiplyAccumulate(long acc, ReadOnlySpan<long> a, ReadOnlySpan<long> b, int productFrac, FixedFormat accFormat)
    {
        var accFrac = accFormat.FracBits;
        if (productFrac <= accFrac && accFormat.FitsInt64 && accFrac - productFrac < 20)
        {
            var up = accFrac - productFrac;
            for (var i = 0; i < a.Length; i++) acc = Overflow(acc + ((a[i] * b[i]) << up), accFormat);
            return acc;
        }
        var f = Math.Max(accFrac, productFrac);
        for (var i = 0; i < a.Length; i++)
        {
            var sum = ((BigInteger)acc << (f - accFrac)) + ((BigInteger)a[i] * b[i] << (f - productFrac));
            acc = sum >= long.MinValue / 4 && sum <= long.MaxValue / 4 ? Assign((long)sum, f, accFormat) : (long)Quantizer.Assign(sum, f, accFormat);
        }
        return acc;
    }

    /// <summary>True when `acc += a * b` over n terms can neither quantize nor overflow in the accumulator, so it equals a plain integer dot
    /// product (<see cref="Dot"/>) shifted to the accumulator's LSB.</summary>
    public static bool MacIsExact(FixedFormat a, FixedFormat b, FixedFormat acc, int n)
    {
        if (acc.FracBits < a.FracBits + b.FracBits || !acc.FitsInt64) return false;
        var worst = BigInteger.Max(BigInteger.Abs(a.MinRaw), a.MaxRaw) * BigInteger.Max(BigInteger.Abs(b.MinRaw), b.MaxRaw) * n
                    << (acc.FracBits - a.FracBits - b.FracBits);
        return worst <= acc.MaxRaw && -worst >= acc.MinRaw && (acc.Overflow != Formats.Overflow.SatSym || -worst > acc.MinRaw);
    }

    /// <summary>Exact integer dot product (the caller ensures it fits 64 bits; see <see cref="MacIsExact"/>).</summary>
    public static long Dot(ReadOnlySpan<long> a, ReadOnlySpan<long> b)
    {
        long sum = 0;
        var i = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<long>.Count)
        {
            var acc = Vector<long>.Zero;
            var va = MemoryMarshal.Cast<long, Vector<long>>(a);
            var vb = MemoryMarshal.Cast<long, Vector<long>>(b[..a.Length]);
            for (var k = 0; k < va.Length; k++) acc += va[k] * vb[k];
            sum = Vector.Sum(acc);
            i = va.Length * Vector<long>.Count;
        }
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>Scalar reference for <see cref="Dot"/>, for the benchmark's comparison.</summary>
    public static long DotScalar(ReadOnlySpan<long> a, ReadOnlySpan<long> b)
    {
        long sum = 0;
        for (var i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
