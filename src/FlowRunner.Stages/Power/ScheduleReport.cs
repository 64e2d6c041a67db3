using System.Text.Json;
using FlowRunner.Abstractions;

namespace FlowRunner.Stages.Power;

/// <summary>What the power stage reads from hls.emit's schedule.json (see the hls.emit contract): the MAC array, the cycle count, the layers
/// with their formats and accumulator widths, the hardware operators and the memories with their traffic.</summary>
public sealed record ScheduleReport(string File, string Top, int Lanes, int MultipliersPerLane, long CyclesPerInference,
    IReadOnlyList<ScheduledLayer> Layers, IReadOnlyList<ScheduledOperator> Operators, IReadOnlyList<ScheduledMemoryTraffic> Memories,
    IReadOnlyList<string> MemoryModules)
{
    /// <summary>Reads schedule.json; mistakes name the file and the entry.</summary>
    public static ScheduleReport Read(string file)
    {
        if (!System.IO.File.Exists(file)) throw new StageFailedException($"schedule '{file}' does not exist");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(System.IO.File.ReadAllText(file)); }
        catch (JsonException e) { throw new StageFailedException($"{file}:{(e.LineNumber ?? 0) + 1}: not valid JSON: {e.Message}"); }
        using (doc)
        {
            var r = doc.RootElement;
            if (r.ValueKind != JsonValueKind.Object) throw Bad(file, "(top)", "must be an object");
            var lanes = (int)Number(r, "lanes", file, "(top)", required: true);
            if (lanes < 1) throw Bad(file, "lanes", "must be at least 1");
            var taps = (int)Number(r, "multipliers_per_lane", file, "(top)", fallback: 9);
            var cycles = (long)Number(r, "cycles_per_inference", file, "(top)", required: true);
            if (cycles < 1) throw Bad(file, "cycles_per_inference", "must be at least 1");
            var layers = List(r, "layers", file).Select((e, i) => new ScheduledLayer(
                Text(e, "name") ?? throw Bad(file, $"layers[{i}]", "has no \"name\""), Text(e, "kind") ?? "",
                (long)Number(e, "cycles", file, $"layers[{i}]"), (long)Number(e, "macs", file, $"layers[{i}]"), (long)Number(e, "steps", file, $"layers[{i}]"),
                Text(e, "input_format"), Text(e, "weight_format"), Text(e, "output_format"), (int)Number(e, "accum_bits", file, $"layers[{i}]"))).ToList();
            var operators = List(r, "operators", file).Select((e, i) =>
            {
                var at = $"operators[{i}]";
                var kind = Text(e, "kind") ?? throw Bad(file, at, "has no \"kind\"");
                return new ScheduledOperator(kind, (int)Number(e, "width", file, at), (int)Number(e, "a_width", file, at), (int)Number(e, "b_width", file, at),
                    (long)Number(e, "count", file, at, required: true), Text(e, "layer"));
            }).ToList();
            var memories = List(r, "memories", file).Select((e, i) => new ScheduledMemoryTraffic(
                Text(e, "name") ?? throw Bad(file, $"memories[{i}]", "has no \"name\""), Text(e, "module") ?? Text(e, "name")!,
                (int)Number(e, "width", file, $"memories[{i}]"), Number(e, "reads_per_inference", file, $"memories[{i}]"),
                Number(e, "writes_per_inference", file, $"memories[{i}]"))).ToList();
            var modules = List(r, "memory_modules", file).Select(e => e.GetString() ?? "").Where(s => s.Length > 0).ToList();
            if (modules.Count == 0) modules = memories.Select(m => m.Module).ToList();
            return new ScheduleReport(file, Text(r, "top") ?? "accel", lanes, taps, cycles, layers, operators, memories, modules);
        }
    }

    /// <summary>Flip-flop bits of the design: the `reg` operators (count bits of width 1, or count registers of `width` bits).</summary>
    public long RegisterBits => Operators.Where(o => o.Kind == "reg").Sum(o => o.Count * Math.Max(1, o.Width));

    private static IEnumerable<JsonElement> List(JsonElement e, string key, string file)
    {
        if (!e.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return [];
        if (v.ValueKind != JsonValueKind.Array) throw Bad(file, key, "must be a list");
        return v.EnumerateArray().ToList();
    }

    private static string? Text(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double Number(JsonElement e, string key, string file, string at, bool required = false, double fallback = 0)
    {
        if (!e.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
            return required ? throw Bad(file, $"{at}", $"has no \"{key}\"") : fallback;
        if (v.ValueKind != JsonValueKind.Number || v.GetDouble() < 0) throw Bad(file, $"{at}.{key}", "must be a number, zero or more");
        return v.GetDouble();
    }

    private static StageFailedException Bad(string file, string at, string message) => new($"{file}: {at}: {message}");
}

/// <summary>One layer of the schedule: its cycles, MACs and MAC-array steps per inference, formats and accumulator width.</summary>
public sealed record ScheduledLayer(string Name, string Kind, long Cycles, long Macs, long Steps, string? InputFormat, string? WeightFormat,
    string? OutputFormat, int AccumBits);

/// <summary>A hardware operator of the schedule (mul, add, reg, mux, cmp) and how many there are.</summary>
public sealed record ScheduledOperator(string Kind, int Width, int AWidth, int BWidth, long Count, string? Layer);

/// <summary>A memory of the schedule and its traffic per inference.</summary>
public sealed record ScheduledMemoryTraffic(string Name, string Module, int Width, double Reads, double Writes);
