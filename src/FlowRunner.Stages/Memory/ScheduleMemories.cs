using FlowRunner.Abstractions;
using FlowRunner.Hls.Schedule;
using FlowRunner.Stages.Hls;
using FlowRunner.Tech.Memories;

namespace FlowRunner.Stages.Memory;

/// <summary>A memory from the schedule: the logical memory, its ROM image (absolute path, when given) and the layer it serves.</summary>
public sealed record ScheduledMemory(LogicalMemory Memory, string? InitFile, string? Layer);

/// <summary>The "memories" list of hls.emit's schedule.json (read by <see cref="ScheduleFile"/>) as logical memories for the memory compiler;
/// what the compiler cannot build from names the file and the entry.</summary>
public static class ScheduleMemories
{
    /// <param name="hlsDirectory">The hls stage folder: init_file paths are relative to it.</param>
    public static IReadOnlyList<ScheduledMemory> Read(string schedulePath, string hlsDirectory)
    {
        var schedule = ScheduleFile.Read(schedulePath, hlsDirectory);
        var result = schedule.Record.Memories.Select((m, i) => ToLogical(schedule, m, schedulePath, $"memories[{i}]")).ToList();
        var duplicate = result.GroupBy(r => r.Memory.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw Bad(schedulePath, "memories", $"the name '{duplicate.Key}' is used twice");
        var module = result.GroupBy(r => r.Memory.Module).FirstOrDefault(g => g.Count() > 1);
        if (module is not null) throw Bad(schedulePath, "memories", $"the module '{module.Key}' is used twice");
        return result;
    }

    private static ScheduledMemory ToLogical(ScheduleFile schedule, ScheduleMemory m, string file, string at)
    {
        if (!Engine.Tools.Scripting.Verilog.IsIdentifier(m.Name)) throw Bad(file, $"{at}.name", $"'{m.Name}' is not a Verilog identifier");
        if (!Engine.Tools.Scripting.Verilog.IsIdentifier(m.Module)) throw Bad(file, $"{at}.module", $"'{m.Module}' is not a Verilog identifier");
        // The reader has checked the depth, the width and the kind (sram or rom).
        var kind = m.Kind == "rom" ? MemoryKind.Rom : MemoryKind.Sram;
        var memory = new LogicalMemory(m.Name, m.Module, m.Depth, m.Width, kind) { ReadsPerInference = m.ReadsPerInference, WritesPerInference = m.WritesPerInference };
        return new ScheduledMemory(memory, schedule.InitPath(m), m.Layer);
    }

    private static StageFailedException Bad(string file, string at, string message) => new($"{file}: {at}: {message}");
}
