using System.Globalization;

namespace FlowRunner.Models.Training;

/// <summary>Tells a quantization-aware run that collapsed from one that merely lost accuracy: below twice chance, or more than
/// <see cref="MaxDropBelowPtq"/> below post-training quantization at the same format (fine-tuning should recover accuracy, never lose it).</summary>
public static class QatCollapse
{
    public const double MaxDropBelowPtq = 0.10;

    /// <summary>Why the run collapsed, or null when it did not.</summary>
    public static string? Check(double qatAccuracy, double ptqAccuracy, int classes)
    {
        var chance = 1.0 / Math.Max(1, classes);
        if (qatAccuracy < 2 * chance)
            return string.Create(CultureInfo.InvariantCulture, $"bit-accurate accuracy {qatAccuracy:P1} is near chance ({chance:P0})");
        if (qatAccuracy < ptqAccuracy - MaxDropBelowPtq)
            return string.Create(CultureInfo.InvariantCulture, $"bit-accurate accuracy {qatAccuracy:P1} is far below post-training quantization's {ptqAccuracy:P1} at the same format");
        return null;
    }
}
