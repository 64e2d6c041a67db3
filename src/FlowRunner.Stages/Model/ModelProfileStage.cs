using FlowRunner.Abstractions;
using FlowRunner.Models.Profiling;

namespace FlowRunner.Stages.Model;

/// <summary>Stage `model.profile`: range profiling of the upstream model over its test images.</summary>
/// <remarks>
/// Reads: the model stage's weights.json and dataset.json.
/// Writes: profile.json ("profile": per tensor — input, each layer's weights and output — the largest |value| and the integer bits with sign).
/// Reports: max_abs_value and int_bits_needed (over the input and layer outputs), max_abs_weight and weight_int_bits.
/// </remarks>
public sealed class ModelProfileStage : IStage
{
    public const string KindName = "model.profile";

    public string Kind => KindName;

    public string Description => "range profiling: the largest |value| of every tensor over the test set and the integer bits (with sign) it needs";

    public IReadOnlyList<StageOption> Options { get; } = [new("test_limit", OptionType.Int, 0, "profile only the first N test images (0: all)", "images")];

    public IReadOnlyList<ViewUse> Reads => [Views.Weights, Views.Dataset];

    public IReadOnlyList<ViewUse> Writes => [Views.Profile];

    public IReadOnlyList<MetricSpec> Reports { get; } =
        [new("max_abs_value", ""), new("int_bits_needed", ""), new("max_abs_weight", ""), new("weight_int_bits", "")];
}

/// <summary>The in-process adapter of model.profile.</summary>
public sealed class ModelProfileAdapter() : InProcessAdapter(new ModelProfileStage())
{
    protected override async Task<StageResult> Run(StageContext c, StageOptions o, CancellationToken ct)
    {
        var model = ModelArtifacts.From(c);
        var test = await model.TestSetAsync(c, o.Int("test_limit"), ct);
        var profile = RangeProfiler.Profile(model.Net, test, c.Threads);
        foreach (var p in profile) c.Log.Info($"{p.Tensor,-20} max |x| {p.MaxAbs,10:G5} -> {p.IntBits} integer bits");
        var record = new ProfileRecord(test.Count, profile.Select(p => new ProfileTensor(p.Tensor, p.Kind, p.MaxAbs, p.IntBits)).ToList());
        await File.WriteAllTextAsync(c.PathOf(ProfileRecord.FileName), record.ToJson(), ct);
        var values = profile.Where(p => p.Kind is not ("weights" or "bias")).ToList();
        var weights = profile.Where(p => p.Kind is "weights" or "bias").ToList();
        var max = values.Max(p => p.MaxAbs);
        var wmax = weights.Count == 0 ? 0 : weights.Max(p => p.MaxAbs);
        c.Log.Info($"largest value {max:G5}: {RangeProfiler.IntBitsFor(max)} integer bits with sign");
        return new StageResult(
        [
            new Metric("max_abs_value", max), new Metric("int_bits_needed", RangeProfiler.IntBitsFor(max)),
            new Metric("max_abs_weight", wmax), new Metric("weight_int_bits", RangeProfiler.IntBitsFor(wmax)),
        ], [new Artifact(Views.Profile.Name, ProfileRecord.FileName, "largest magnitude and integer bits per tensor")]);
    }
}

/// <summary>profile.json, the `profile` view: over how many test images, and per tensor (the input, each layer's weights, bias and output)
/// the largest magnitude seen and the integer bits with sign it needs. Read with <see cref="Read"/>.</summary>
public sealed record ProfileRecord(int Images, IReadOnlyList<ProfileTensor> Tensors)
{
    public const string FileName = "profile.json";
    public const string FormatName = "flowrunner-profile-1";

    /// <summary>The record's format tag, checked by the reader.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Format { get; init; } = FormatName;

    public string ToJson() => Records.RecordFile.ToJson(this, Records.ViewJson.Records.ProfileRecord);

    public static ProfileRecord FromJson(string json, string file = FileName) =>
        Records.RecordFile.Parse(json, file, Records.ViewJson.Records.ProfileRecord, "format", FormatName);

    /// <summary>The profile view of a model.profile stage.</summary>
    public static ProfileRecord Read(string file) => Records.RecordFile.Read(file, Records.ViewJson.Records.ProfileRecord, "format", FormatName);
}

/// <summary>One tensor of profile.json: its name, kind (input, weights, bias, output), largest |value| and integer bits with sign.</summary>
public sealed record ProfileTensor(string Tensor, string Kind, double MaxAbs, int IntBits);
