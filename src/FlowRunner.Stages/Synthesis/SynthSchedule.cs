using System.Text.Json;
using FlowRunner.Abstractions;

namespace FlowRunner.Stages.Synthesis;

/// <summary>One entry of the schedule's "operators" inventory: a kind (mul, add, reg, mux, cmp), its widths and how many there are.</summary>
/// <param name="Width">Operand width of add/reg/mux/cmp; for mul, <see cref="AWidth"/> and <see cref="BWidth"/> hold the operand widths.</param>
public sealed record ScheduledOperator(string Kind, int Width, int AWidth, int BWidth, long Count)
{
    public override string ToString() => Kind == "mul" ? $"{Count} x mul {AWidth}x{BWidth}" : $"{Count} x {Kind} {Width}";
}

/// <summary>What synthesis reads from hls.emit's schedule.json: the top, the RTL files (absolute), the memory modules to keep as black boxes and the operator inventory.</summary>
public sealed record SynthSchedule(string File, string Top, IReadOnlyList<string> RtlFiles, IReadOnlyList<string> MemoryModules, IReadOnlyList<ScheduledOperator> Operators)
{
    /// <summary>Operator kinds the analytical model knows.</summary>
    public static IReadOnlyList<string> OperatorKinds { get; } = ["mul", "add", "reg", "mux", "cmp"];

    /// <summary>Reads the schedule; a missing file, bad JSON or a bad entry gives an error naming the file and the entry.</summary>
    /// <param name="hlsDirectory">The hls stage folder: rtl_files are relative to it.</param>
    public static SynthSchedule Read(string path, string hlsDirectory)
    {
        if (!System.IO.File.Exists(path)) throw new StageFailedException($"schedule '{path}' does not exist (the hls.emit stage did not write it)");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(System.IO.File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new StageFailedException($"{path}:{(e.LineNumber ?? 0) + 1}: not valid JSON: {e.Message}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Bad(path, "(top)", "must be a JSON object");
            var top = root.TryGetProperty("top", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "accel";
            var rtl = Strings(root, "rtl_files", path).Select(f => Path.GetFullPath(Path.Combine(hlsDirectory, f))).ToList();
            var memories = Strings(root, "memory_modules", path);
            var operators = new List<ScheduledOperator>();
            if (root.TryGetProperty("operators", out var ops) && ops.ValueKind != JsonValueKind.Null)
            {
                if (ops.ValueKind != JsonValueKind.Array) throw Bad(path, "operators", "must be a list");
                var i = 0;
                foreach (var e in ops.EnumerateArray()) operators.Add(Operator(e, path, $"operators[{i++}]"));
            }
            return new SynthSchedule(path, top, rtl, memories, operators);
        }
    }

    private static ScheduledOperator Operator(JsonElement e, string file, string at)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Bad(file, at, "must be an object");
        var kind = e.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : throw Bad(file, at, "has no \"kind\"");
        if (!OperatorKinds.Contains(kind)) throw Bad(file, $"{at}.kind", $"'{kind}' is not one of {string.Join(", ", OperatorKinds)}");
        var count = Int(e, "count", file, at, required: true);
        if (kind == "mul")
        {
            var a = Int(e, "a_width", file, at, required: false);
            var b = Int(e, "b_width", file, at, required: false);
            var w = Int(e, "width", file, at, required: false);
            a = a > 0 ? a : w;
            b = b > 0 ? b : w;
            if (a < 1 || b < 1) throw Bad(file, at, "a mul needs positive \"a_width\" and \"b_width\"");
            return new ScheduledOperator(kind, Math.Max(a, b), a, b, count);
        }
        var width = Int(e, "width", file, at, required: true);
        if (width < 1) throw Bad(file, $"{at}.width", "must be a positive integer");
        return new ScheduledOperator(kind, width, width, width, count);
    }

    private static int Int(JsonElement e, string key, string file, string at, bool required)
    {
        if (!e.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
            return required ? throw Bad(file, $"{at}.{key}", "is missing") : 0;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n) || n < 0) throw Bad(file, $"{at}.{key}", "must be a non-negative integer");
        return n;
    }

    private static List<string> Strings(JsonElement root, string key, string file)
    {
        if (!root.TryGetProperty(key, out var list) || list.ValueKind == JsonValueKind.Null) return [];
        if (list.ValueKind != JsonValueKind.Array) throw Bad(file, key, "must be a list of strings");
        var result = new List<string>();
        var i = 0;
        foreach (var e in list.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(e.GetString())) throw Bad(file, $"{key}[{i}]", "must be a non-empty string");
            result.Add(e.GetString()!);
            i++;
        }
        return result;
    }

    private static StageFailedException Bad(string file, string at, string message) => new($"{file}: {at}: {message}");
}
