using System.Text.Json;
using FlowRunner.Abstractions;
using FlowRunner.Tech.Memories;

namespace FlowRunner.Stages.Memory;

/// <summary>A memory from the schedule: the logical memory, its ROM image (absolute path, when given) and the layer it serves.</summary>
public sealed record ScheduledMemory(LogicalMemory Memory, string? InitFile, string? Layer);

/// <summary>Reads the "memories" list of hls.emit's schedule.json; mistakes name the file and the entry.</summary>
public static class ScheduleMemories
{
    /// <param name="hlsDirectory">The hls stage folder: init_file paths are relative to it.</param>
    public static IReadOnlyList<ScheduledMemory> Read(string schedulePath, string hlsDirectory)
    {
        if (!File.Exists(schedulePath)) throw new StageFailedException($"schedule '{schedulePath}' does not exist");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(schedulePath));
        }
        catch (JsonException e)
        {
            throw new StageFailedException($"{schedulePath}:{(e.LineNumber ?? 0) + 1}: not valid JSON: {e.Message}");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("memories", out var list))
                return [];
            if (list.ValueKind != JsonValueKind.Array) throw Bad(schedulePath, "memories", "must be a list");
            var result = new List<ScheduledMemory>();
            var i = 0;
            foreach (var e in list.EnumerateArray())
            {
                result.Add(ReadOne(e, schedulePath, hlsDirectory, $"memories[{i}]"));
                i++;
            }
            var duplicate = result.GroupBy(r => r.Memory.Name).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) throw Bad(schedulePath, "memories", $"the name '{duplicate.Key}' is used twice");
            var module = result.GroupBy(r => r.Memory.Module).FirstOrDefault(g => g.Count() > 1);
            if (module is not null) throw Bad(schedulePath, "memories", $"the module '{module.Key}' is used twice");
            return result;
        }
    }

    private static ScheduledMemory ReadOne(JsonElement e, string file, string hlsDirectory, string at)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Bad(file, at, "must be an object");
        var name = Text(e, "name") ?? throw Bad(file, at, "has no \"name\"");
        if (!IsIdentifier(name)) throw Bad(file, $"{at}.name", $"'{name}' is not a Verilog identifier");
        var module = Text(e, "module") ?? name;
        if (!IsIdentifier(module)) throw Bad(file, $"{at}.module", $"'{module}' is not a Verilog identifier");
        var depth = PositiveInt(e, "depth", file, at);
        var width = PositiveInt(e, "width", file, at);
        var kind = (Text(e, "kind") ?? "sram").ToLowerInvariant() switch
        {
            "sram" or "ram" => MemoryKind.Sram,
            "rom" => MemoryKind.Rom,
            var k => throw Bad(file, $"{at}.kind", $"'{k}' is neither \"sram\" nor \"rom\""),
        };
        var memory = new LogicalMemory(name, module, depth, width, kind)
        {
            ReadsPerInference = Number(e, "reads_per_inference", file, at),
            WritesPerInference = Number(e, "writes_per_inference", file, at),
        };
        var init = Text(e, "init_file");
        var layer = e.TryGetProperty("layer", out var l) && l.ValueKind != JsonValueKind.Null ? l.ToString() : null;
        return new ScheduledMemory(memory, init is null ? null : Path.GetFullPath(Path.Combine(hlsDirectory, init)), layer);
    }

    private static string? Text(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int PositiveInt(JsonElement e, string key, string file, string at)
    {
        if (!e.TryGetProperty(key, out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n) || n < 1)
            throw Bad(file, $"{at}.{key}", "must be a positive integer");
        return n;
    }

    private static double Number(JsonElement e, string key, string file, string at)
    {
        if (!e.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return 0;
        if (v.ValueKind != JsonValueKind.Number || v.GetDouble() < 0) throw Bad(file, $"{at}.{key}", "must be a number, zero or more");
        return v.GetDouble();
    }

    private static bool IsIdentifier(string s) =>
        s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] == '_') && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static StageFailedException Bad(string file, string at, string message) => new($"{file}: {at}: {message}");
}
