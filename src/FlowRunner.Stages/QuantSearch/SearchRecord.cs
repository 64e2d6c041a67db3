namespace FlowRunner.Stages.QuantSearch;

/// <summary>search.json, the `quant_search` view: the constraint and objective, every candidate evaluated (the uniform sweep's too), the
/// searched and uniform fronts (candidate ids, confirmed on every held-out image) and the chosen point. Read with <see cref="Read"/>.</summary>
public sealed record SearchRecord(string Objective, string ObjectiveUnit, double Target, double FloatAccuracy, int SubsetImages, int TestImages,
    IReadOnlyList<string> Tensors, IReadOnlyList<SearchCandidate> Candidates, IReadOnlyList<int> Front, IReadOnlyList<int> UniformFront, int Chosen,
    int? BestUniform, double Seconds)
{
    public const string FileName = "search.json";
    public const string FormatName = "flowrunner-quant-search-1";

    /// <summary>The record's format tag, checked by the reader.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Format { get; init; } = FormatName;

    public string ToJson() => Records.RecordFile.ToJson(this, Records.ViewJson.Records.SearchRecord);

    public static SearchRecord Read(string file) => Records.RecordFile.Read(file, Records.ViewJson.Records.SearchRecord, "format", FormatName);
}

/// <summary>One candidate of search.json: phase (start, greedy, evolve, uniform), integer bits and width per tensor (in the record's tensor
/// order), lanes, subset accuracy, accuracy on all held-out images and after fine-tuning when measured, the analytical PPA (null when
/// no lanes value builds) and the bits its tensors hold.</summary>
public sealed record SearchCandidate(int Id, string Phase, IReadOnlyList<int> IntBits, IReadOnlyList<int> Widths, int Lanes, double SubsetAccuracy,
    double? Accuracy, double? QatAccuracy, double? EnergyUj, double? AreaUm2, double? LatencyUs, long Bits);
