using System.Text.Json;
using System.Text.Json.Serialization;
using FlowRunner.Hls.Architecture;

namespace FlowRunner.Hls.Schedule;

/// <summary>One kind of hardware operator and how many the accelerator has: mul (a_width x b_width), add, reg, mux (2:1), cmp.</summary>
public sealed record OperatorCount(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("width")] int? Width,
    [property: JsonPropertyName("a_width")] int? AWidth,
    [property: JsonPropertyName("b_width")] int? BWidth,
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("layer")] string? Layer);

/// <summary>The schedule report of hls.emit (schedule.json, format "flowrunner-schedule-1"): cycles per layer and per inference, the
/// operator inventory and the memory list that the synthesis, memory and power stages consume.</summary>
public static class ScheduleReport
{
    public const string FormatTag = "flowrunner-schedule-1";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The operator inventory: the MAC array, accumulators, row buffers, packer, logits and control.</summary>
    public static IReadOnlyList<OperatorCount> Operators(Accelerator a)
    {
        var l = a.Lanes;
        var acc = a.AccumulatorRegisterBits;
        var ws = a.Layers.Max(x => x.Stored.Width);
        var taps = a.Array.TapsPerLane;
        var list = new List<OperatorCount> { new("mul", null, a.OperandBits, a.WeightBits, (long)l * taps, null) };
        // Per lane: the adder tree of the products (pairs at each level, each a bit wider than its operands: 4 + 2 + 1 + 1 for 9) and
        // the accumulate adder.
        for (int n = taps, level = 1; n > 1; n = (n + 1) / 2, level++)
            list.Add(new("add", a.OperandBits + a.WeightBits + level, null, null, (long)l * (n / 2), null));
        list.AddRange(
        [
            new("add", acc, null, null, l, null),
            new("reg", acc, null, null, l, null),
            new("reg", a.OperandBits, null, null, (long)a.Array.Rows * a.WindowValues, null),
            new("reg", ws, null, null, 2L * l, null),
            new("reg", a.Last.Stored.Width, null, null, a.Classes, null),
            // Tap selection: a window value out of a row buffer per tap.
            new("mux", a.OperandBits, null, null, (long)taps * Math.Max(1, a.WindowValues - 1), null),
            // Packer placement and weight/operand selection across layers.
            new("mux", ws, null, null, 2L * l * l, null),
        ]);
        foreach (var x in a.Layers)
        {
            // Rounding incrementer and two saturation comparators per lane and assignment.
            var assigns = x.AssignStored ? 2 : 1;
            list.Add(new("add", x.Formats.Output.Width + 1, null, null, (long)l * assigns, x.Name));
            list.Add(new("cmp", acc, null, null, 2L * l * assigns, x.Name));
        }
        // Control: counters and address registers of the FSM (about 12 counters of the address width) and their incrementers.
        var ctrl = Accelerator.BitsFor(a.Layers.Max(x => (long)x.InputWords + x.WordsPerRun)) + 2;
        list.Add(new("reg", ctrl, null, null, 12, null));
        list.Add(new("add", ctrl, null, null, 8, null));
        return list;
    }

    public static string ToJson(Accelerator a, IReadOnlyList<string> rtlFiles)
    {
        var memories = AcceleratorMemories.Of(a).Select(m => new Dictionary<string, object?>
        {
            ["name"] = m.Memory.Name,
            ["module"] = m.Memory.Module,
            ["depth"] = m.Memory.Depth,
            ["width"] = m.Memory.Width,
            ["kind"] = m.Memory.Kind == Tech.Memories.MemoryKind.Rom ? "rom" : "sram",
            ["reads_per_inference"] = m.Memory.ReadsPerInference,
            ["writes_per_inference"] = m.Memory.WritesPerInference,
            ["init_file"] = m.Memory.Kind == Tech.Memories.MemoryKind.Rom ? $"rtl/{m.Memory.Module}.hex" : null,
            ["layer"] = m.Layer.Name,
        }).ToList();
        var doc = new Dictionary<string, object?>
        {
            ["format"] = FormatTag,
            ["top"] = "accel",
            ["network"] = a.Model.Spec.Name,
            // The run's formats: with the network description they give every layer's formats exactly (FormatDefaults.For).
            ["formats"] = new Dictionary<string, string?>
            {
                ["format"] = a.Model.Defaults.Format.ToString(),
                ["accumulator"] = a.Model.Defaults.Accumulator?.ToString(),
                ["logits"] = a.Model.Defaults.Logits?.ToString(),
            },
            ["lanes"] = a.Lanes,
            ["bus_bits"] = a.Directives.BusBits,
            ["multipliers_per_lane"] = a.Array.TapsPerLane,
            ["multipliers"] = a.Multipliers,
            ["rtl_files"] = rtlFiles,
            ["memory_modules"] = memories.Select(m => m["module"]).ToList(),
            ["cycles_per_inference"] = a.CyclesPerInference,
            ["cycles"] = new Dictionary<string, long> { ["load"] = a.LoadBeats, ["compute"] = a.ComputeCycles, ["read"] = a.ReadBeats },
            ["layers"] = a.Layers.Select(x => new Dictionary<string, object?>
            {
                ["name"] = x.Name,
                ["kind"] = x.KindName,
                ["cycles"] = x.Cycles,
                ["macs"] = (long)x.Output.Size * x.FanIn,
                ["steps"] = (long)x.Pixels * x.Groups * x.Steps,
                ["input_format"] = x.Formats.Input.ToString(),
                ["weight_format"] = x.Formats.Weight.ToString(),
                ["output_format"] = x.Formats.Output.ToString(),
                ["stored_format"] = x.Stored.ToString(),
                ["relu"] = x.Relu,
                ["accum_bits"] = x.AccumulatorBits,
                ["input_memory"] = x.InputMemory,
                ["weight_memory"] = x.WeightMemory,
                ["output_memory"] = a.OutputMemory(x),
            }).ToList(),
            ["operators"] = Operators(a),
            ["memories"] = memories,
        };
        return JsonSerializer.Serialize(doc, Json);
    }
}
