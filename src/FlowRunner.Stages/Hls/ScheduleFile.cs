using FlowRunner.Abstractions;
using FlowRunner.Hls.Schedule;
using FlowRunner.Stages.Records;

namespace FlowRunner.Stages.Hls;

/// <summary>hls.emit's schedule view as the stages read it: the one reader and writer of schedule.json (<see cref="ScheduleRecord"/>, format
/// flowrunner-schedule-2, on the stages' record serializer), with the file and the hls.emit folder its paths are relative to. The reader
/// refuses a missing field, another format and impossible values, naming the file and the entry.</summary>
public sealed record ScheduleFile(string File, string Directory, ScheduleRecord Record)
{
    /// <summary>The file name hls.emit writes.</summary>
    public const string FileName = "schedule.json";

    /// <summary>The RTL files as absolute paths.</summary>
    public IReadOnlyList<string> RtlPaths => Record.RtlFiles.Select(f => Path.GetFullPath(Path.Combine(Directory, f))).ToList();

    /// <summary>The absolute path of a memory's ROM image, or null for an SRAM.</summary>
    public string? InitPath(ScheduleMemory m) => m.InitFile is null ? null : Path.GetFullPath(Path.Combine(Directory, m.InitFile));

    /// <summary>Writes the record as schedule.json into <paramref name="directory"/>.</summary>
    public static void Write(ScheduleRecord record, string directory) =>
        System.IO.File.WriteAllText(Path.Combine(directory, FileName), ToJson(record));

    public static string ToJson(ScheduleRecord record) => RecordFile.ToJson(record, ViewJson.Records.ScheduleRecord);

    /// <param name="hlsDirectory">The hls stage folder: rtl_files and init_file are relative to it (default: the schedule's folder).</param>
    public static ScheduleFile Read(string file, string? hlsDirectory = null)
    {
        if (!System.IO.File.Exists(file)) throw new StageFailedException($"schedule '{file}' does not exist (the hls.emit stage did not write it)");
        var record = RecordFile.Parse(System.IO.File.ReadAllText(file), file, ViewJson.Records.ScheduleRecord, "format", ScheduleRecord.FormatTag);
        Check(record, file);
        return new ScheduleFile(file, hlsDirectory ?? Path.GetDirectoryName(Path.GetFullPath(file))!, record);
    }

    private static void Check(ScheduleRecord r, string file)
    {
        Positive(r.Lanes, file, "lanes");
        Positive(r.MultipliersPerLane, file, "multipliers_per_lane");
        Positive(r.CyclesPerInference, file, "cycles_per_inference");
        for (var i = 0; i < r.RtlFiles.Count; i++)
            if (string.IsNullOrWhiteSpace(r.RtlFiles[i])) throw Bad(file, $"rtl_files[{i}]", "must be a non-empty file name");
        for (var i = 0; i < r.MemoryModules.Count; i++)
            if (string.IsNullOrWhiteSpace(r.MemoryModules[i])) throw Bad(file, $"memory_modules[{i}]", "must be a non-empty module name");
        for (var i = 0; i < r.Layers.Count; i++)
        {
            var l = r.Layers[i];
            var at = $"layers[{i}]";
            if (string.IsNullOrWhiteSpace(l.Name)) throw Bad(file, $"{at}.name", "must be a non-empty name");
            ZeroOrMore(l.Cycles, file, $"{at}.cycles");
            ZeroOrMore(l.Macs, file, $"{at}.macs");
            ZeroOrMore(l.Steps, file, $"{at}.steps");
            Positive(l.AccumBits, file, $"{at}.accum_bits");
        }
        for (var i = 0; i < r.Operators.Count; i++)
        {
            var o = r.Operators[i];
            var at = $"operators[{i}]";
            if (!ScheduleRecord.OperatorKinds.Contains(o.Kind)) throw Bad(file, $"{at}.kind", $"'{o.Kind}' is not one of {string.Join(", ", ScheduleRecord.OperatorKinds)}");
            Positive(o.Width, file, $"{at}.width");
            Positive(o.AWidth, file, $"{at}.a_width");
            Positive(o.BWidth, file, $"{at}.b_width");
            ZeroOrMore(o.Count, file, $"{at}.count");
            if (o.Kind != "mul" && (o.AWidth != o.Width || o.BWidth != o.Width)) throw Bad(file, at, $"a {o.Kind} has one width: a_width and b_width must equal width {o.Width}");
            if (o.Kind == "mul" && o.Width != Math.Max(o.AWidth, o.BWidth)) throw Bad(file, $"{at}.width", "a mul's width must be the wider of a_width and b_width");
        }
        for (var i = 0; i < r.Memories.Count; i++)
        {
            var m = r.Memories[i];
            var at = $"memories[{i}]";
            if (string.IsNullOrWhiteSpace(m.Name)) throw Bad(file, $"{at}.name", "must be a non-empty name");
            if (string.IsNullOrWhiteSpace(m.Module)) throw Bad(file, $"{at}.module", "must be a non-empty module name");
            if (m.Kind is not ("sram" or "rom")) throw Bad(file, $"{at}.kind", $"'{m.Kind}' is not sram or rom");
            Positive(m.Depth, file, $"{at}.depth");
            Positive(m.Width, file, $"{at}.width");
            if (!(m.ReadsPerInference >= 0)) throw Bad(file, $"{at}.reads_per_inference", "must be a number, zero or more");
            if (!(m.WritesPerInference >= 0)) throw Bad(file, $"{at}.writes_per_inference", "must be a number, zero or more");
        }
    }

    private static void Positive(long value, string file, string at)
    {
        if (value < 1) throw Bad(file, at, $"must be a positive integer, got {value}");
    }

    private static void ZeroOrMore(long value, string file, string at)
    {
        if (value < 0) throw Bad(file, at, $"must be zero or more, got {value}");
    }

    private static StageFailedException Bad(string file, string at, string message) => new($"{file}: {at}: {message}");
}
