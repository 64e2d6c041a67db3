using FlowRunner.Abstractions;
using FlowRunner.Models.Tests.Datasets;
using FlowRunner.Models.Tests.Support;
using FlowRunner.Stages.Model;

namespace FlowRunner.Models.Tests.Stages;

/// <summary>model.accuracy with qat_epochs: one float model, fine-tuned quantization-aware at the stage's own format.</summary>
[Collection(MnistCollection.Name)]
public sealed class ModelAccuracyQatTests(MnistFixture mnist) : IDisposable
{
    private readonly StageHarness _h = new(mnist);

    public void Dispose() => _h.Dispose();

    private static double M(StageOutput o, string name) => o.Metric(name) ?? throw new Xunit.Sdk.XunitException($"{o.StageId} has no metric {name}");

    [Fact]
    public async Task Qat_epochs_fine_tune_the_float_model_at_the_stages_format_and_record_it()
    {
        var model = await _h.RunAsync(new ModelTrainAdapter(), "model", new() { ["epochs"] = 2L, ["train_limit"] = 2000L, ["test_limit"] = 300L });
        var ptq = await _h.RunAsync(new ModelAccuracyAdapter(), "ptq", new() { ["format"] = "4.3 rnd sat" }, model);
        var qat = await _h.RunAsync(new ModelAccuracyAdapter(), "qat", new() { ["format"] = "4.3 rnd sat", ["qat_epochs"] = 1L, ["qat_train_limit"] = 2000L }, model);
        Assert.True(M(qat, "accuracy") > M(ptq, "accuracy") + 0.05, $"QAT {M(qat, "accuracy"):P1} against post-training {M(ptq, "accuracy"):P1} at ac_fixed<4,3>");
        Assert.Equal(M(ptq, "float_accuracy"), M(qat, "float_accuracy")); // the float figure stays the upstream weights'
        var record = AccuracyRecord.Read(qat.ArtifactPath("accuracy"));
        Assert.True(record.QatTrained);
        Assert.Equal("ac_fixed<4,3,true,AC_RND,AC_SAT>", record.QatFormat);
        Assert.False(AccuracyRecord.Read(ptq.ArtifactPath("accuracy")).QatTrained);
        await Assert.ThrowsAsync<StageFailedException>(() => _h.RunAsync(new ModelAccuracyAdapter(), "bad", new() { ["qat_epochs"] = -1L }, model));
    }
}
