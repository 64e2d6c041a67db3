using FlowRunner.Abstractions;
using FlowRunner.Tech;
using FlowRunner.Tech.Liberty;

using FlowRunner.Stages.Hls;

namespace FlowRunner.Stages.Synthesis;

/// <summary>What both synth adapters start from: the schedule, the tech, its Liberty (path and parsed), the clock period.</summary>
public sealed record SynthSetup(ScheduleFile Schedule, string HlsDirectory, TechDescription Tech, string LibertyPath, LibertyLibrary Library, double ClockNs)
{
    public static SynthSetup From(StageContext context)
    {
        var hls = context.View(Views.Schedule);
        var schedule = ScheduleFile.Read(hls.ArtifactPath(Views.Schedule.Name), hls.Directory);
        if (context.TechFile is null)
            throw new StageFailedException($"stage '{context.StageId}' ({context.Kind}) needs a technology: set `tech:` in the recipe");
        TechDescription tech;
        try
        {
            tech = TechLoader.LoadFile(context.TechFile);
        }
        catch (Exception e) when (e is TechFormatException or FileNotFoundException or YamlDotNet.Core.YamlException)
        {
            throw new StageFailedException(e.Message, e);
        }
        var liberty = LibertyOf(context, tech);
        LibertyLibrary library;
        try
        {
            library = LibertyReader.ReadFile(liberty);
        }
        catch (Exception e) when (e is LibertyFormatException or FileNotFoundException)
        {
            throw new StageFailedException(e.Message, e);
        }
        var clock = context.Options.Has("clock_ns") ? context.Options.Double("clock_ns") : tech.ClockNs;
        if (!(clock > 0)) throw new StageFailedException($"stage '{context.StageId}': `with.clock_ns` must be a positive number of ns, got {clock}");
        return new SynthSetup(schedule, hls.Directory, tech, liberty, library, clock);
    }

    /// <summary>The `liberty` option, else the tech's installed Liberty, else the generated one (written into the stage folder).</summary>
    private static string LibertyOf(StageContext context, TechDescription tech)
    {
        if (context.Options.StringOrNull("liberty") is { Length: > 0 } given)
        {
            var path = context.ResolvePath(given);
            return File.Exists(path) ? path : throw new StageFailedException($"stage '{context.StageId}': `with.liberty`: '{path}' does not exist");
        }
        try
        {
            return Path.GetFullPath(StandardCells.LibertyPath(tech, context.Directory));
        }
        catch (Exception e) when (e is FileNotFoundException or TechFormatException)
        {
            throw new StageFailedException(e.Message, e);
        }
    }
}
