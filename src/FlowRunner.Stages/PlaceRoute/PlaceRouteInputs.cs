using FlowRunner.Abstractions;
using FlowRunner.Stages.Floorplan;
using FlowRunner.Stages.Hls;
using FlowRunner.Stages.Synthesis;
using FlowRunner.Tech;

namespace FlowRunner.Stages.PlaceRoute;

/// <summary>Everything place.route reads from upstream and the tech, in one place: the netlist and its top, the Liberty it was mapped to, the
/// memory black boxes (with their ports, from the RTL), the tech LEF and qflow tech folder, the clock, and the floor plan.</summary>
public sealed record PlaceRouteInputs(string Netlist, string Top, string Liberty, IReadOnlyList<VerilogModule> Memories, string TechLef,
    string QflowTechDir, string TechName, double SupplyV, double ClockNs, FloorplanJson Floorplan, string FloorplanDirectory, double RowHeightUm)
{
    public static PlaceRouteInputs Gather(StageContext context)
    {
        StageFailedException Fail(string what) => new($"stage '{context.StageId}' (place.route): {what}");
        var synth = context.Input(SynthStage.KindName);
        if (!synth.HasArtifact("netlist"))
            throw Fail($"stage '{synth.StageId}' wrote no netlist (adapter {synth.Adapter}): place.route needs the yosys adapter of synth");
        var netlist = synth.ArtifactPath("netlist");
        var reportPath = synth.ArtifactPath("synth_report");
        SynthReport report;
        try { report = SynthReport.FromJson(File.ReadAllText(reportPath)); }
        catch (System.Text.Json.JsonException e) { throw new StageFailedException($"{reportPath}:{(e.LineNumber ?? 0) + 1}: not a synth.json: {e.Message}"); }

        if (context.TechFile is null) throw Fail("needs a technology: set `tech:` in the recipe");
        var tech = TechLoader.LoadFile(context.TechFile);
        string? lef;
        try { lef = StandardCells.LefPath(tech); }
        catch (FileNotFoundException e) { throw new StageFailedException(e.Message, e); }
        if (lef is null)
            throw Fail($"tech '{tech.Name}' has no standard-cell LEF ({tech.File}: stdcells.lef): place.route supports techs with a real cell library and LEF (osu018); {tech.Name} is unsupported");
        var qflowTech = StandardCells.LibraryFolder(tech) ?? tech.Directory;
        if (!File.Exists(Path.Combine(qflowTech, tech.Name + ".par")))
            throw Fail($"'{Path.Combine(qflowTech, tech.Name + ".par")}' does not exist: the qflow adapter needs qflow's tech folder for {tech.Name} (Debian qflow-tech-{tech.Name})");

        var floorplanOut = context.Input(FloorplanStage.KindName);
        var fpPath = floorplanOut.ArtifactPath("floorplan");
        FloorplanJson fp;
        try { fp = FloorplanJson.FromJson(File.ReadAllText(fpPath)); }
        catch (System.Text.Json.JsonException e) { throw new StageFailedException($"{fpPath}:{(e.LineNumber ?? 0) + 1}: not a floorplan.json: {e.Message}"); }

        var memories = new List<VerilogModule>();
        if (report.Blackboxes.Count > 0)
        {
            var hls = context.Input("hls.emit");
            var schedule = ScheduleFile.Read(hls.ArtifactPath("schedule"), hls.Directory);
            var declared = schedule.RtlFiles.SelectMany(VerilogModules.Read).GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            foreach (var b in report.Blackboxes)
                memories.Add(declared.TryGetValue(b, out var m) ? m : throw Fail($"black box '{b}' of {reportPath} is declared in none of the schedule's RTL files"));
        }
        return new PlaceRouteInputs(netlist, report.Top, report.Liberty, memories, lef, qflowTech, tech.Name, tech.SupplyV,
            report.ClockNs > 0 ? report.ClockNs : tech.ClockNs, fp, floorplanOut.Directory, tech.Rows.HeightUm);
    }
}
