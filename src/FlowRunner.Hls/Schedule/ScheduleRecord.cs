namespace FlowRunner.Hls.Schedule;

/// <summary>hls.emit's schedule view (schedule.json, format <see cref="FormatTag"/>), as the producer records it: the top module and RTL files,
/// the run's formats, the MAC array, cycles per inference and per layer, the operator inventory and the memories with their traffic.
/// Written by <see cref="ScheduleReport.Of"/>; paths are relative to the hls.emit folder. Every field is always written: a reader refuses a
/// schedule that lacks one instead of guessing.</summary>
public sealed record ScheduleRecord(string Format, string Top, string Network, ScheduleFormats Formats, int Lanes, int BusBits,
    int MultipliersPerLane, int Multipliers, IReadOnlyList<string> RtlFiles, IReadOnlyList<string> MemoryModules, long CyclesPerInference,
    ScheduleCycles Cycles, IReadOnlyList<ScheduleLayer> Layers, IReadOnlyList<ScheduledOperator> Operators, IReadOnlyList<ScheduleMemory> Memories)
{
    /// <summary>The format tag of this record; a reader refuses any other.</summary>
    public const string FormatTag = "flowrunner-schedule-2";

    /// <summary>Operator kinds of the inventory.</summary>
    public static IReadOnlyList<string> OperatorKinds { get; } = ["mul", "add", "reg", "mux", "cmp"];

    /// <summary>Flip-flop bits of the design: the `reg` operators (count registers of `width` bits).</summary>
    public long RegisterBits() => Operators.Where(o => o.Kind == "reg").Sum(o => o.Count * Math.Max(1, o.Width));
}

/// <summary>The run's formats as text: the default format of inputs, weights and outputs, the accumulator (null: full precision) and the
/// logits format (null: the default format; "accumulator": the logits layer's accumulator). With the network description they give every
/// layer's formats exactly (FormatDefaults.For).</summary>
public sealed record ScheduleFormats(string Format, string? Accumulator, string? Logits);

/// <summary>Cycles of one inference by phase: loading the image, computing the layers, reading the logits.</summary>
public sealed record ScheduleCycles(long Load, long Compute, long Read);

/// <summary>One layer of the schedule, whatever its kind: the kind's name, cycles, MACs and MAC-array steps per inference, formats,
/// accumulator width and the memories it reads and writes (output null: the logits registers).</summary>
public sealed record ScheduleLayer(string Name, string Kind, long Cycles, long Macs, long Steps, string InputFormat, string WeightFormat,
    string OutputFormat, string StoredFormat, bool Relu, int AccumBits, string InputMemory, string WeightMemory, string? OutputMemory);

/// <summary>A hardware operator of the schedule and how many there are: mul of a_width x b_width (width: the wider), or add, reg, mux (2:1),
/// cmp of `width` (a_width = b_width = width); layer null = shared.</summary>
public sealed record ScheduledOperator(string Kind, int Width, int AWidth, int BWidth, long Count, string? Layer = null)
{
    /// <summary>A mul of a x b bits.</summary>
    public static ScheduledOperator Mul(int a, int b, long count, string? layer = null) => new("mul", Math.Max(a, b), a, b, count, layer);

    /// <summary>An operator of one width (add, reg, mux, cmp).</summary>
    public static ScheduledOperator Of(string kind, int width, long count, string? layer = null) => new(kind, width, width, width, count, layer);

    public override string ToString() => Kind == "mul" ? $"{Count} x mul {AWidth}x{BWidth}" : $"{Count} x {Kind} {Width}";
}

/// <summary>A memory of the schedule: its module, words and width, kind ("sram" or "rom"), traffic per inference, ROM image (relative to the
/// hls.emit folder, null for an SRAM) and the layer it serves.</summary>
public sealed record ScheduleMemory(string Name, string Module, int Depth, int Width, string Kind, double ReadsPerInference, double WritesPerInference,
    string? InitFile, string? Layer);
