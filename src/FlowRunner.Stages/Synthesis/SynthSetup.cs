using FlowRunner.Abstractions;
using FlowRunner.Stages.Services;
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
        var tech = context.Tech();
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

    /// <summary>The liberty view: the Liberty mapped to, inside the stage folder (copied to liberty/ when it lives elsewhere, as an installed
    /// tech's does), so the stages after synthesis read the very file and never look for it.</summary>
    public Artifact LibertyView(StageContext context)
    {
        var folder = Path.GetFullPath(context.Directory) + Path.DirectorySeparatorChar;
        var relative = Path.Combine("liberty", Path.GetFileName(LibertyPath));
        if (Path.GetFullPath(LibertyPath).StartsWith(folder, StringComparison.Ordinal)) relative = Path.GetRelativePath(context.Directory, LibertyPath);
        else
        {
            Directory.CreateDirectory(context.PathOf("liberty"));
            File.Copy(LibertyPath, context.PathOf(relative), overwrite: true);
        }
        return new Artifact(Views.Liberty.Name, relative, "the standard-cell Liberty the design was mapped to");
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
