using FlowRunner.Abstractions;
using FlowRunner.Stages.Floorplan;
using FlowRunner.Stages.Hls;
using FlowRunner.Stages.Records;
using FlowRunner.Stages.Services;
using FlowRunner.Stages.Synthesis;
using FlowRunner.Tech;

namespace FlowRunner.Stages.PlaceRoute;

/// <summary>Everything place.route reads from upstream and the tech, in one place: the netlist and its top, the Liberty it was mapped to, the
/// memory black boxes (with their ports, from the RTL), the tech LEF and qflow tech folder, the clock, and the floor plan.</summary>
public sealed record PlaceRouteInputs(string Netlist, string Top, string Liberty, IReadOnlyList<VerilogModule> Memories, string TechLef,
    string QflowTechDir, string TechName, double SupplyV, double ClockNs, FloorplanJson Floorplan, string FloorplanDirectory, string? FloorplanDef,
    double RowHeightUm)
{
    /// <summary>The qflow tech folder's files the adapter reads (graywolf's parameters, the tech script of ypostproc.tcl).</summary>
    public static IEnumerable<string> QflowTechFiles(string dir, string tech) => [Path.Combine(dir, tech + ".par"), Path.Combine(dir, tech + ".sh")];

    /// <summary>Why the tech can never be placed and routed (it declares no cell LEF: generic45 generates a Liberty and no layout), or null;
    /// no file is opened, so `validate` gives the same answer on every machine.</summary>
    public static string? Unsupported(TechDescription tech) => tech.StdCells.Generate || string.IsNullOrWhiteSpace(tech.StdCells.Lef)
        ? $"tech '{tech.Name}' has no standard-cell LEF ({tech.File}: stdcells.lef): place.route supports techs with a real cell library, its LEF " +
          $"and qflow's tech files (osu018); {tech.Name} is unsupported"
        : null;

    /// <summary>The tech's cell LEF and qflow tech folder as installed, or the one line saying what is missing.</summary>
    public static (string? Lef, string? QflowTechDir, string? Problem) TechSupport(TechDescription tech)
    {
        if (Unsupported(tech) is { } problem) return (null, null, problem);
        string lef;
        try { lef = StandardCells.LefPath(tech)!; }
        catch (FileNotFoundException e) { return (null, null, e.Message); }
        var dir = StandardCells.LibraryFolder(tech) ?? tech.Directory;
        if (QflowTechFiles(dir, tech.Name).FirstOrDefault(f => !File.Exists(f)) is { } missing)
            return (lef, null, $"'{missing}' does not exist: the qflow adapter of place.route needs qflow's tech folder for {tech.Name} (Debian qflow-tech-{tech.Name})");
        return (lef, dir, null);
    }

    public static PlaceRouteInputs Gather(StageContext context)
    {
        StageFailedException Fail(string what) => new($"stage '{context.StageId}' (place.route): {what}");
        var netlist = context.FindView(Views.Netlist)
            ?? throw Fail("no stage upstream wrote a netlist: place.route needs synth with the yosys adapter in `needs:`");
        var reportPath = context.ViewPath(Views.Synthesis);
        var report = SynthReport.Read(reportPath);
        var liberty = context.FindView(Views.Liberty) is { } lib ? lib.ArtifactPath(Views.Liberty.Name) : report.Liberty;

        var tech = context.Tech("place.route needs its cell LEF");
        var (lef, qflowTech, problem) = TechSupport(tech);
        if (problem is not null) throw Fail(problem);

        var floorplan = context.View(Views.Floorplan);
        var fp = RecordFile.Read(floorplan.ArtifactPath(Views.Floorplan.Name), ViewJson.Records.FloorplanJson, "format", FloorplanJson.FormatName);
        var fpDef = context.FindView(Views.FloorplanDef)?.ArtifactPath(Views.FloorplanDef.Name);

        var memories = new List<VerilogModule>();
        if (report.Blackboxes.Count > 0)
        {
            var hls = context.FindView(Views.Schedule)
                ?? throw Fail($"the netlist has black boxes ({string.Join(", ", report.Blackboxes)}) and no stage upstream wrote the schedule that names their RTL; add hls.emit to `needs:`");
            var schedule = ScheduleFile.Read(hls.ArtifactPath(Views.Schedule.Name), hls.Directory);
            var declared = schedule.RtlPaths.SelectMany(VerilogModules.Read).GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            foreach (var b in report.Blackboxes)
                memories.Add(declared.TryGetValue(b, out var m) ? m : throw Fail($"black box '{b}' of {reportPath} is declared in none of the schedule's RTL files"));
        }
        return new PlaceRouteInputs(netlist.ArtifactPath(Views.Netlist.Name), report.Top, liberty, memories, lef!, qflowTech!, tech.Name, tech.SupplyV,
            report.ClockNs > 0 ? report.ClockNs : tech.ClockNs, fp, floorplan.Directory, fpDef, tech.Rows.HeightUm);
    }
}
