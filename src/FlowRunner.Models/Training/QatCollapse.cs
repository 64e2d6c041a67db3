using System.Globalization;

namespace FlowRunner.Models.Training;

/// <summary>Tells a quantization-aware run that collapsed from one that merely lost accuracy or is still climbing. Collapsed: more than
/// <see cref="MaxDropBelowPtq"/> below post-training quantization at the same format (fine-tuning should recover accuracy, never lose it), or
/// near chance (below twice chance) and either no better than post-training quantization by <see cref="MinGainOverPtq"/> or with a last
/// epoch's mean training loss above chance's, ln(classes) (the weights diverged: a fine-tuning at an absurd rate can still lift a few
/// digits by luck, from 12% to 19%). A short fine-tuning that lifts a format from 13% to 19% while its loss falls is progress.</summary>
public static class QatCollapse
{
    public const double MaxDropBelowPtq = 0.10;

    public const double MinGainOverPtq = 0.02;

    /// <summary>Why the run collapsed, or null when it did not.</summary>
    /// <param name="lastLoss">The fine-tuning's last epoch's mean training loss (cross-entropy), when known.</param>
    public static string? Check(double qatAccuracy, double ptqAccuracy, int classes, double? lastLoss = null)
    {
        var chance = 1.0 / Math.Max(1, classes);
        if (qatAccuracy < ptqAccuracy - MaxDropBelowPtq)
            return string.Create(CultureInfo.InvariantCulture, $"bit-accurate accuracy {qatAccuracy:P1} is far below post-training quantization's {ptqAccuracy:P1} at the same format");
        if (qatAccuracy >= 2 * chance) return null;
        if (qatAccuracy < ptqAccuracy + MinGainOverPtq)
            return string.Create(CultureInfo.InvariantCulture,
                $"bit-accurate accuracy {qatAccuracy:P1} is near chance ({chance:P0}) and no better than post-training quantization's {ptqAccuracy:P1}");
        var uniform = Math.Log(Math.Max(2, classes));
        if (lastLoss is { } loss && loss > uniform)
            return string.Create(CultureInfo.InvariantCulture,
                $"bit-accurate accuracy {qatAccuracy:P1} is near chance ({chance:P0}) and the training loss diverged ({loss:F2} in the last epoch, above chance's {uniform:F2})");
        return null;
    }
}
