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

    /// <summary>synth's fmax_mhz when a synth stage upstream reports one: the latency at fmax is shown beside the chosen clock's.</summary>
    public double? FmaxMhz => Synth?.Metric("fmax_mhz") is { } f && f > 0 ? f : null;
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

    /// <summary>The clock period of the `clock` option's domain (see <see cref="ClockChoice"/>).</summary>
    private static double ClockOf(StageContext c, TechDescription tech, StageOutput? synth)
    {
        var text = c.Options.String("clock") is { Length: > 0 } t ? t : "host";
        var choice = ClockChoice.Parse(text) ?? throw new StageFailedException($"stage '{c.StageId}': option 'clock' {ClockChoice.Problem(text)}");
        switch (choice.Of)
        {
            case ClockChoice.Domain.Host:
                var core = SoftwareCore.Load(SoftwareFile(c));
                c.Log.Info($"clock: host, {core.Name}'s {core.ClockMhz:0.###} MHz (the accelerator on the host's bus)");
                return 1000 / core.ClockMhz;
            case ClockChoice.Domain.Fixed:
                return 1000 / choice.Mhz;
            case ClockChoice.Domain.Fmax:
                if (synth?.Metric("fmax_mhz") is { } f && f > 0) return 1000 / f;
                throw new StageFailedException($"stage '{c.StageId}': clock: fmax needs a synth stage upstream that reports fmax_mhz (add it to `needs`, or choose clock: host)");
            default:
                if (tech.ClockNs <= 0) throw new StageFailedException($"{tech.File}: clock_ns is not set; give the power stage `with.clock` as a frequency");
                return tech.ClockNs;
        }
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
