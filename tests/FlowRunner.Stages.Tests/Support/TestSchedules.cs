using FlowRunner.Hls.Schedule;
using FlowRunner.Stages.Hls;

namespace FlowRunner.Stages.Tests.Support;

/// <summary>Complete schedule records for tests that need only a few of its facts: what a test does not give takes a small fixed value, and
/// the JSON comes from the one writer (<see cref="ScheduleFile.ToJson"/>), so fixtures follow the record's format.</summary>
public static class TestSchedules
{
    public const string Format8 = "ac_fixed<8,4,true,AC_RND,AC_SAT>";

    public static ScheduleLayer Layer(string name, long cycles, long macs, long steps, int accumBits, string kind = "conv2d", string format = Format8,
        string? inputMemory = null, string? weightMemory = null, string? outputMemory = null) =>
        new(name, kind, cycles, macs, steps, format, format, format, format, true, accumBits, inputMemory ?? $"mem_{name}_in", weightMemory ?? $"rom_{name}",
            outputMemory);

    public static ScheduleMemory Memory(string name, int depth, int width, string kind = "sram", double reads = 0, double writes = 0, string? layer = null,
        string? module = null, string? initFile = null) =>
        new(name, module ?? name, depth, width, kind, reads, writes, initFile, layer);

    public static ScheduleRecord Record(int lanes = 2, int multipliersPerLane = 9, long cyclesPerInference = 100, IReadOnlyList<ScheduleLayer>? layers = null,
        IReadOnlyList<ScheduledOperator>? operators = null, IReadOnlyList<ScheduleMemory>? memories = null, IReadOnlyList<string>? rtlFiles = null,
        IReadOnlyList<string>? memoryModules = null, string top = "accel", string format = Format8) =>
        new(ScheduleRecord.FormatTag, top, "test", new ScheduleFormats(format, null, null), lanes, 32, multipliersPerLane, lanes * multipliersPerLane,
            rtlFiles ?? [], memoryModules ?? (memories ?? []).Select(m => m.Module).ToList(), cyclesPerInference,
            new ScheduleCycles(0, cyclesPerInference, 0), layers ?? [], operators ?? [], memories ?? []);

    public static string Json(ScheduleRecord record) => ScheduleFile.ToJson(record);
}
