using System.Text.Json;
using FlowRunner.Abstractions;

namespace FlowRunner.Stages.Hls;

/// <summary>hls.emit's schedule.json as the stages after it read it (format flowrunner-schedule-1, written by FlowRunner.Hls.Schedule.ScheduleReport):
/// the top module and RTL files, the MAC array and cycle count, the layers, the operator inventory and the memories with their traffic.
/// Fields a stage does not need may be missing (they read as empty or 0); mistakes name the file and the entry.</summary>
public sealed record ScheduleFile(string File, string Top, IReadOnlyList<string> RtlFiles, IReadOnlyList<string> MemoryModules, int Lanes,
    int MultipliersPerLane, long CyclesPerInference, IReadOnlyList<ScheduledLayer> Layers, IReadOnlyList<ScheduledOperator> Operators,
    IReadOnlyList<ScheduledMemoryTraffic> Memories)
{
    /// <summary>The run's formats as hls.emit resolved them ("formats": format, accumulator, logits), or null in a schedule without them.</summary>
    public ScheduledFormats? Formats { get; init; }

    /// <summary>Operator kinds of the inventory.</summary>
    public static IReadOnlyList<string> OperatorKinds { get; } = ["mul", "add", "reg", "mux", "cmp"];

    /// <summary>Flip-flop bits of the design: the `reg` operators (count bits of width 1, or count registers of `width` bits).</summary>
    public long RegisterBits => Operators.Where(o => o.Kind == "reg").Sum(o => o.Count * Math.Max(1, o.Width));

    /// <param name="hlsDirectory">The hls stage folder: rtl_files are relative to it (default: the schedule's folder).</param>
    public static ScheduleFile Read(string file, string? hlsDirectory = null)
    {
        if (!System.IO.File.Exists(file)) throw new StageFailedException($"schedule '{file}' does not exist (the hls.emit stage did not write it)");
        hlsDirectory ??= Path.GetDirectoryName(Path.GetFullPath(file))!;
        JsonDocument doc;
        try { doc = JsonDocument.Parse(System.IO.File.ReadAllText(file)); }
        catch (JsonException e) { throw new StageFailedException($"{file}:{(e.LineNumber ?? 0) + 1}: not valid JSON: {e.Message}"); }
        using (doc)
        {
            var r = doc.RootElement;
            if (r.ValueKind != JsonValueKind.Object) throw Bad(file, "(top)", "must be a JSON object");
            var lanes = (int)Number(r, "lanes", file, "(top)");
            var taps = (int)Number(r, "multipliers_per_lane", file, "(top)", fallback: 9);
            var cycles = (long)Number(r, "cycles_per_inference", file, "(top)");
            var rtl = Strings(r, "rtl_files", file).Select(f => Path.GetFullPath(Path.Combine(hlsDirectory, f))).ToList();
            var layers = List(r, "layers", file).Select((e, i) => new ScheduledLayer(
                Text(e, "name") ?? throw Bad(file, $"layers[{i}]", "has no \"name\""), Text(e, "kind") ?? "",
                (long)Number(e, "cycles", file, $"layers[{i}]"), (long)Number(e, "macs", file, $"layers[{i}]"), (long)Number(e, "steps", file, $"layers[{i}]"),
                Text(e, "input_format"), Text(e, "weight_format"), Text(e, "output_format"), (int)Number(e, "accum_bits", file, $"layers[{i}]"))).ToList();
            var operators = List(r, "operators", file).Select((e, i) => Operator(e, file, $"operators[{i}]")).ToList();
            var memories = List(r, "memories", file).Select((e, i) => Memory(e, file, $"memories[{i}]", hlsDirectory)).ToList();
            var modules = Strings(r, "memory_modules", file);
            if (modules.Count == 0) modules = memories.Select(m => m.Module).ToList();
            ScheduledFormats? formats = null;
            if (r.TryGetProperty("formats", out var f) && f.ValueKind == JsonValueKind.Object)
                formats = new ScheduledFormats(Text(f, "format") ?? throw Bad(file, "formats", "has no \"format\""), Text(f, "accumulator"), Text(f, "logits"));
            return new ScheduleFile(file, Text(r, "top") ?? "accel", rtl, modules, lanes, taps, cycles, layers, operators, memories) { Formats = formats };
        }
    }

    private static ScheduledMemoryTraffic Memory(JsonElement e, string file, string at, string hlsDirectory)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Bad(file, at, "must be an object");
        var name = Text(e, "name") ?? throw Bad(file, at, "has no \"name\"");
        var init = Text(e, "init_file");
        var layer = e.TryGetProperty("layer", out var l) && l.ValueKind != JsonValueKind.Null ? l.ToString() : null;
        return new ScheduledMemoryTraffic(name, Text(e, "module") ?? name, Count(e, "width", file, at), Number(e, "reads_per_inference", file, at),
            Number(e, "writes_per_inference", file, at), layer)
        {
            Depth = Count(e, "depth", file, at),
            Kind = Text(e, "kind"),
            InitFile = init is null ? null : Path.GetFullPath(Path.Combine(hlsDirectory, init)),
        };
    }

    /// <summary>A whole number, zero or more (0 when missing).</summary>
    private static int Count(JsonElement e, string key, string file, string at)
    {
        if (!e.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return 0;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n) || n < 0) throw Bad(file, $"{at}.{key}", "must be a positive integer");
        return n;
    }

    private static ScheduledOperator Operator(JsonElement e, string file, string at)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Bad(file, at, "must be an object");
        var kind = Text(e, "kind") ?? throw Bad(file, at, "has no \"kind\"");
        if (!OperatorKinds.Contains(kind)) throw Bad(file, $"{at}.kind", $"'{kind}' is not one of {string.Join(", ", OperatorKinds)}");
        var count = (long)Number(e, "count", file, at, required: true);
        var layer = Text(e, "layer");
        if (kind == "mul")
        {
            var a = (int)Number(e, "a_width", file, at);
            var b = (int)Number(e, "b_width", file, at);
            var w = (int)Number(e, "width", file, at);
            a = a > 0 ? a : w;
            b = b > 0 ? b : w;
            if (a < 1 || b < 1) throw Bad(file, at, "a mul needs positive \"a_width\" and \"b_width\"");
            return new ScheduledOperator(kind, Math.Max(a, b), a, b, count, layer);
        }
        var width = (int)Number(e, "width", file, at);
        if (width < 1) throw Bad(file, $"{at}.width", "must be a positive integer");
        return new ScheduledOperator(kind, width, width, width, count, layer);
    }

    private static IEnumerable<JsonElement> List(JsonElement e, string key, string file)
    {
        if (!e.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return [];
        if (v.ValueKind != JsonValueKind.Array) throw Bad(file, key, "must be a list");
        return v.EnumerateArray().ToList();
    }

    private static List<string> Strings(JsonElement root, string key, string file)
    {
        var result = new List<string>();
        var i = 0;
        foreach (var e in List(root, key, file))
        {
            if (e.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(e.GetString())) throw Bad(file, $"{key}[{i}]", "must be a non-empty string");
            result.Add(e.GetString()!);
            i++;
        }
        return result;
    }

    private static string? Text(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double Number(JsonElement e, string key, string file, string at, bool required = false, double fallback = 0)
    {
        if (!e.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
            return required ? throw Bad(file, $"{at}.{key}", "is missing") : fallback;
        if (v.ValueKind != JsonValueKind.Number || v.GetDouble() < 0) throw Bad(file, $"{at}.{key}", "must be a number, zero or more");
        return v.GetDouble();
    }

    private static StageFailedException Bad(string file, string at, string message) => new($"{file}: {at}: {message}");
}

/// <summary>The run's formats as text: the default format of inputs, weights and outputs, the accumulator (null: full precision) and the
/// logits format (null: the default format; "accumulator": the logits layer's accumulator).</summary>
public sealed record ScheduledFormats(string Format, string? Accumulator, string? Logits);

/// <summary>One layer of the schedule: its cycles, MACs and MAC-array steps per inference, formats and accumulator width.</summary>
public sealed record ScheduledLayer(string Name, string Kind, long Cycles, long Macs, long Steps, string? InputFormat, string? WeightFormat,
    string? OutputFormat, int AccumBits);

/// <summary>A hardware operator of the schedule (mul a_width x b_width, add, reg, mux, cmp of `width`) and how many there are; layer null = shared.</summary>
public sealed record ScheduledOperator(string Kind, int Width, int AWidth, int BWidth, long Count, string? Layer = null)
{
    public override string ToString() => Kind == "mul" ? $"{Count} x mul {AWidth}x{BWidth}" : $"{Count} x {Kind} {Width}";
}

/// <summary>A memory of the schedule, its traffic per inference and the layer it serves.</summary>
public sealed record ScheduledMemoryTraffic(string Name, string Module, int Width, double Reads, double Writes, string? Layer = null)
{
    /// <summary>Words (0 when the schedule does not say).</summary>
    public int Depth { get; init; }

    /// <summary>"sram" (or "ram") or "rom" as written; null when not given.</summary>
    public string? Kind { get; init; }

    /// <summary>Absolute path of the ROM image, or null.</summary>
    public string? InitFile { get; init; }
}
