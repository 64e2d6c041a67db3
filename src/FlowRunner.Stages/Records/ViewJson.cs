using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using FlowRunner.Abstractions;

namespace FlowRunner.Stages.Records;

/// <summary>The one serializer of the stages' JSON records (snake_case names, indented, ac_fixed&lt;..&gt; kept readable), generated at build time.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(Synthesis.SynthReport))]
[JsonSerializable(typeof(Memory.MemoryManifest))]
[JsonSerializable(typeof(Floorplan.FloorplanJson))]
[JsonSerializable(typeof(Power.PowerBreakdown))]
[JsonSerializable(typeof(Model.AccuracyRecord))]
[JsonSerializable(typeof(Model.ProfileRecord))]
[JsonSerializable(typeof(PlaceRoute.PlaceRouteRecord))]
[JsonSerializable(typeof(GateSim.GateActivity))]
[JsonSerializable(typeof(FlowRunner.Hls.Schedule.ScheduleRecord))]
[JsonSerializable(typeof(FlowRunner.Hls.Rtl.RegisterMap))]
[JsonSerializable(typeof(QuantSearch.SearchRecord))]
public sealed partial class ViewJson : JsonSerializerContext
{
    /// <summary>The context every record is written and read with.</summary>
    public static ViewJson Records { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // A record field without a default is required and a non-nullable one refuses null: a reader never fills in a silent default.
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

/// <summary>Reads and writes a record file: the reader checks the format tag first and names the file, the line and the field on any mistake.</summary>
public static class RecordFile
{
    public static string ToJson<T>(T record, JsonTypeInfo<T> type) => JsonSerializer.Serialize(record, type);

    /// <summary>The record in <paramref name="json"/> (from <paramref name="file"/>), whose <paramref name="tagKey"/> must be <paramref name="tag"/>.</summary>
    public static T Parse<T>(string json, string file, JsonTypeInfo<T> type, string tagKey, string tag)
    {
        try
        {
            using (var doc = JsonDocument.Parse(json))
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new StageFailedException($"{file}: must be a JSON object");
                if (!doc.RootElement.TryGetProperty(tagKey, out var t) || t.ValueKind != JsonValueKind.String)
                    throw new StageFailedException($"{file}: no \"{tagKey}\": \"{tag}\"; written by an older FlowRunner? rerun the stage that wrote it (--from)");
                if (t.GetString() != tag)
                    throw new StageFailedException($"{file}: \"{tagKey}\" is '{t.GetString()}', this FlowRunner reads '{tag}'; rerun the stage that wrote it (--from)");
            }
            return JsonSerializer.Deserialize(json, type) ?? throw new StageFailedException($"{file}: empty");
        }
        catch (JsonException e)
        {
            throw new StageFailedException($"{file}:{(e.LineNumber ?? 0) + 1}: {(e.Path is { Length: > 1 } p ? p + ": " : "")}{e.Message}");
        }
    }

    /// <summary>Reads the record file; a missing file names the view and says which stage should have written it.</summary>
    public static T Read<T>(string file, JsonTypeInfo<T> type, string tagKey, string tag)
    {
        if (!File.Exists(file)) throw new StageFailedException($"'{file}' does not exist (the stage that declared it did not write it)");
        return Parse(File.ReadAllText(file), file, type, tagKey, tag);
    }
}
