using FlowRunner.Abstractions;
using FlowRunner.Stages.Hls;
using FlowRunner.Stages.Memory;
using FlowRunner.Stages.Model;
using FlowRunner.Stages.Services;
using FlowRunner.Tech;

namespace FlowRunner.Stages.Power;

/// <summary>The power stage's gathering step: the views it reads, each through its one reader (tech, schedule, memories, the synth stage and
/// its figures, the floor plan's die area, the model, hls.emit's register activity) and the clock of the point. Every estimator starts from
/// these and reads no view itself except through them.</summary>
public sealed record PowerViews(TechDescription Tech, ScheduleFile Schedule, MemoryManifest? Memories, StageOutput? Synth, double? DieAreaUm2,
    double ClockNs, ModelArtifacts Model)
{
    /// <summary>Register activity from hls.emit's RTL simulation (activity.vcd), when it simulated.</summary>
    public VcdActivity? Simulated { get; init; }

    /// <summary>hls.emit's register map (registers.json), which gives each register's role; null for a run from before it was written.</summary>
    public RegisterMapFile? Registers { get; init; }

    /// <summary>The memory.generate stage's folder (its Liberty views are relative to it), when one is upstream.</summary>
    public string? MemoryDirectory { get; init; }

    public static PowerViews Gather(StageContext c)
    {
        var tech = c.Tech();
        var hls = c.View(Views.Schedule);
        var schedule = ScheduleFile.Read(hls.ArtifactPath(Views.Schedule.Name), hls.Directory);
        var memoryStage = c.FindView(Views.Memories);
        MemoryManifest? memories = null;
        if (memoryStage is null) c.Log.Warn("no memory.generate stage upstream: memory energy, leakage and area are left out");
        else memories = MemoryManifest.Read(memoryStage.ArtifactPath(Views.Memories.Name));
        var synth = c.FindInput("synth");
        var die = c.FindInput("floorplan")?.Metric("die_area_um2");
        var clock = ClockOf(c, tech, synth);
        var model = ModelArtifacts.From(c);
        VcdActivity? simulated = null;
        if (c.FindView(Views.RegisterActivity) is { } sim)
        {
            try { simulated = VcdActivity.Read(sim.ArtifactPath(Views.RegisterActivity.Name)); }
            catch (FormatException e) { throw new StageFailedException(e.Message); }
        }
        var registers = c.FindView(Views.Registers) is { } map ? RegisterMapFile.Read(map.ArtifactPath(Views.Registers.Name)) : null;
        return new PowerViews(tech, schedule, memories, synth, die, clock, model)
        {
            Simulated = simulated, Registers = registers, MemoryDirectory = memoryStage?.Directory,
        };
    }

    private static double ClockOf(StageContext c, TechDescription tech, StageOutput? synth)
    {
        var o = c.Options;
        var ns = o.Double("clock_ns");
        if (ns < 0) throw new StageFailedException($"stage '{c.StageId}': `with.clock_ns` must be positive (or 0 for the default), got {ns}");
        if (ns > 0) return ns;
        if (o.Bool("use_fmax"))
        {
            if (synth?.Metric("fmax_mhz") is { } f && f > 0) return 1000 / f;
            c.Log.Warn("use_fmax is set but no synth stage upstream reports fmax_mhz: using the tech's clock");
        }
        if (tech.ClockNs <= 0) throw new StageFailedException($"{tech.File}: clock_ns is not set; give the power stage `with.clock_ns`");
        return tech.ClockNs;
    }

    /// <summary>The software core the stage prices the network on: `with.software`, else tech/software/rv32imf.yaml.</summary>
    public static string SoftwareFile(StageContext c)
    {
        if (c.Options.String("software") is { Length: > 0 } s) return c.ResolvePath(s);
        var root = c.TechFile is not null ? Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(c.TechFile))) : TechLoader.FindTechRoot(c.RecipeDirectory);
        if (root is null) throw new StageFailedException($"stage '{c.StageId}': no tech/ folder found for {SoftwareCore.DefaultFile}; set `with.software`");
        return Path.Combine(root, SoftwareCore.DefaultFile);
    }
}
