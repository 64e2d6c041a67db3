using System.Globalization;

namespace FlowRunner.Models.Training;

/// <summary>Tells a quantization-aware run that collapsed from one that merely lost accuracy or is still climbing: far below post-training
/// quantization at the same format (more than <see cref="MaxDropBelowPtq"/>: fine-tuning should recover accuracy, never lose it), or near
/// chance (below twice chance) without gaining at least <see cref="MinGainOverPtq"/> over post-training quantization. A short fine-tuning
/// that lifts a format from 13% to 19% is progress, not a collapse; one that ends at 10% from 13% is a collapse.</summary>
public static class QatCollapse
{
    public const double MaxDropBelowPtq = 0.10;

    public const double MinGainOverPtq = 0.02;

    /// <summary>Why the run collapsed, or null when it did not.</summary>
    public static string? Check(double qatAccuracy, double ptqAccuracy, int classes)
    {
        var chance = 1.0 / Math.Max(1, classes);
        if (qatAccuracy < ptqAccuracy - MaxDropBelowPtq)
            return string.Create(CultureInfo.InvariantCulture, $"bit-accurate accuracy {qatAccuracy:P1} is far below post-training quantization's {ptqAccuracy:P1} at the same format");
        if (qatAccuracy < 2 * chance && qatAccuracy < ptqAccuracy + MinGainOverPtq)
            return string.Create(CultureInfo.InvariantCulture,
                $"bit-accurate accuracy {qatAccuracy:P1} is near chance ({chance:P0}) and no better than post-training quantization's {ptqAccuracy:P1}");
        return null;
    }
}
