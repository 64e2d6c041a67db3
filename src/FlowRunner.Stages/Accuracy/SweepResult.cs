using System.Globalization;
using System.Text;

namespace FlowRunner.Stages.Accuracy;

/// <summary>One grid point of an accuracy sweep: post-training quantization ("ptq") or quantization-aware training ("qat") at
/// ac_fixed&lt;int + frac, int, true, Q, overflow&gt;.</summary>
public sealed record SweepPoint(string Method, string Overflow, int IntBits, int FracBits, string Format, double Accuracy)
{
    public int WordBits => IntBits + FracBits;
}

/// <summary>The points of an accuracy sweep and their CSV form (sweep.csv: method, overflow, int_bits, frac_bits, word_bits, format, accuracy).</summary>
public sealed class SweepResult(IReadOnlyList<SweepPoint> points, double floatAccuracy)
{
    public IReadOnlyList<SweepPoint> Points { get; } = points;
    public double FloatAccuracy { get; } = floatAccuracy;

    public string ToCsv()
    {
        var sb = new StringBuilder("method,overflow,int_bits,frac_bits,word_bits,format,accuracy\n");
        foreach (var p in Points)
            sb.Append(CultureInfo.InvariantCulture, $"{p.Method},{p.Overflow},{p.IntBits},{p.FracBits},{p.WordBits},\"{p.Format}\",{p.Accuracy:F4}\n");
        return sb.ToString();
    }

    /// <summary>The best accuracy of any point whose word is at most <paramref name="bits"/> wide (NaN when none).</summary>
    public double BestWithin(int bits) => Points.Where(p => p.WordBits <= bits).Select(p => p.Accuracy).DefaultIfEmpty(double.NaN).Max();

    /// <summary>The narrowest word (and then the fewest integer bits) of a method and overflow mode within <paramref name="tolerance"/> of float
    /// accuracy; null when no point gets there.</summary>
    public SweepPoint? Narrowest(string method, string overflow, double tolerance) =>
        Points.Where(p => p.Method == method && p.Overflow == overflow && p.Accuracy >= FloatAccuracy - tolerance)
            .OrderBy(p => p.WordBits).ThenBy(p => p.IntBits).FirstOrDefault();
}
