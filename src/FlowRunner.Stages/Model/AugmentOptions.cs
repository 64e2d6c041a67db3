using FlowRunner.Abstractions;
using FlowRunner.Models.Training;

namespace FlowRunner.Stages.Model;

/// <summary>The `augment:` map of model.train: { shift (pixels), rotate (degrees), scale (± fraction) }, each at least 0.</summary>
public static class AugmentOptions
{
    public static readonly IReadOnlyList<string> Keys = ["shift", "rotate", "scale"];

    public static Augmentation From(StageContext c, StageOptions o)
    {
        var map = o.Map("augment");
        foreach (var k in map.Keys.Where(k => !Keys.Contains(k)))
            throw new StageFailedException($"stage '{c.StageId}': option 'augment' has no key '{k}' (keys: {string.Join(", ", Keys)})");
        var a = o.Section("augment");
        var result = new Augmentation(a.Double("shift"), a.Double("rotate"), a.Double("scale"));
        if (result.ShiftPixels < 0 || result.RotationDegrees < 0 || result.ScaleFraction is < 0 or >= 1)
            throw new StageFailedException($"stage '{c.StageId}': option 'augment': shift and rotate must be >= 0 and scale in [0, 1), got {result}");
        return result;
    }
}
