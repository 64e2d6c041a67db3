using System.Text.Json;
using FlowRunner.Engine.Execution;

namespace FlowRunner.Engine.Results;

/// <summary>One alternative a stage evaluated itself (a quantization search's candidate): its own parameters and metrics.</summary>
public sealed record StageCandidate(string Id, string Label, IReadOnlyDictionary<string, object?> Params, IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, string> Units);

/// <summary>candidates.json in a stage folder (format flowrunner-candidates-1): alternatives the stage evaluated, which the results store records
/// as design points of their own, `&lt;point&gt;.&lt;stage&gt;.&lt;id&gt;` with the point's parameters and theirs, so `results`, `best` and queries see
/// every one. The file is part of the stage's cached outputs, so a cached stage records the same points again.</summary>
public static class StageCandidates
{
    public const string FileName = "candidates.json";
    public const string FormatTag = "flowrunner-candidates-1";

    private sealed record FileModel(string Format, IReadOnlyList<StageCandidate> Candidates);

    public static void Write(string stageDirectory, IReadOnlyList<StageCandidate> candidates) =>
        File.WriteAllText(Path.Combine(stageDirectory, FileName), JsonSerializer.Serialize(new FileModel(FormatTag, candidates), PlainJson.Options));

    /// <summary>The candidates a stage left, or none (no file, or not this format: a stage's own file of that name is not read as candidates).</summary>
    public static IReadOnlyList<StageCandidate> Read(string? stageDirectory)
    {
        var file = stageDirectory is null ? null : Path.Combine(stageDirectory, FileName);
        if (file is null || !File.Exists(file)) return [];
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("format", out var f) || f.GetString() != FormatTag) return [];
            var list = new List<StageCandidate>();
            foreach (var c in doc.RootElement.GetProperty("candidates").EnumerateArray())
            {
                var pars = c.GetProperty("params").EnumerateObject().ToDictionary(p => p.Name, p => (object?)(p.Value.ValueKind switch
                {
                    JsonValueKind.Number => p.Value.TryGetInt64(out var l) ? l : p.Value.GetDouble(),
                    JsonValueKind.String => p.Value.GetString(),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => null,
                }));
                var metrics = c.GetProperty("metrics").EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number).ToDictionary(p => p.Name, p => p.Value.GetDouble());
                var units = c.TryGetProperty("units", out var u) ? u.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "") : [];
                list.Add(new StageCandidate(c.GetProperty("id").GetString()!, c.GetProperty("label").GetString() ?? "", pars, metrics, units));
            }
            return list;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new IOException($"{file}: not a candidates file ({e.Message})", e);
        }
    }
}
