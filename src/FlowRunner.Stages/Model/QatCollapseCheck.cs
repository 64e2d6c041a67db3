using FlowRunner.Abstractions;
using FlowRunner.Models.Training;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Stages.Model;

/// <summary>The `on_collapse` option of the stages that fine-tune quantization-aware (model.train, model.accuracy) and what they do when
/// <see cref="QatCollapse"/> says the fine-tuning collapsed: fail naming the format and what to try, or warn and keep going.</summary>
public static class QatCollapseCheck
{
    public static readonly StageOption Option = new("on_collapse", OptionType.String, "fail",
        "when quantization-aware training collapses (more than 10 points below post-training quantization at the same format, or below 2x chance "
        + "without gaining 2 points over it or with its last epoch's training loss above ln(classes)): fail the stage, or warn and keep going") { Choices = ["fail", "warn"] };

    /// <param name="tryInstead">The stage's own knobs to suggest, after a wider format.</param>
    public static void Apply(StageContext c, StageOptions o, FixedFormat format, double qatAccuracy, double ptqAccuracy, int classes, double? lastLoss, string tryInstead)
    {
        if (QatCollapse.Check(qatAccuracy, ptqAccuracy, classes, lastLoss) is not { } why) return;
        var message = $"stage '{c.StageId}': quantization-aware training at {format} collapsed: {why}; try a wider format (more integer bits if the "
            + $"profile's ranges saturate), {tryInstead}; on_collapse: warn keeps going";
        if (o.String("on_collapse") == "fail") throw new StageFailedException(message);
        c.Log.Warn(message);
    }
}
