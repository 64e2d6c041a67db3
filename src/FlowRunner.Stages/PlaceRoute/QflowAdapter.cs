using System.Diagnostics;
using System.Globalization;
using FlowRunner.Abstractions;
using FlowRunner.Engine.Tools;
using FlowRunner.Stages.Power;
using FlowRunner.Stages.Synthesis;
using FlowRunner.Tech.Lef;

namespace FlowRunner.Stages.PlaceRoute;

/// <summary>
/// Adapter "qflow" of `place.route`: the sequence of qflow's placement.sh, router.sh and opensta.sh (Debian qflow 1.3) run tool by tool:
/// Yosys cuts the logic block out of the netlist and writes BLIF, ypostproc.tcl and blif2cel.tcl make graywolf's .cel, graywolf places,
/// place2def.tcl, addspacers.tcl and arrangepins.tcl make the placed DEF, qrouter routes it and writes the RC file (`-d`), rc2dly turns
/// that into SDF and FlowRunner into SPEF, blif2Verilog writes the placed netlist, OpenSTA times it before and after routing, KLayout draws it.
/// </summary>
/// <remarks>
/// graywolf and qrouter in Debian's qflow take no fixed macro placements from a DEF, so the macros are not placed by them: the logic block is
/// placed and routed alone, each memory instance's pins become the block's boundary pins, and the picture shows the routed block at the
/// floor plan's cell region among the macros where the floor plan put them.
/// </remarks>
public sealed class QflowAdapter : IToolAdapter
{
    private static readonly PlaceRouteStage Stage = new();

    public string StageKind => PlaceRouteStage.KindName;
    public string Id => "qflow";
    public int Priority => 20;

    /// <summary>rc2dly and blif2Verilog are run by their path in qflow's folder (<see cref="QflowInstall"/>); the runner checks them by name.</summary>
    public IReadOnlyList<string> RequiredTools => ["yosys", "graywolf", "qrouter", "tclsh", "sta", "rc2dly", "blif2Verilog", "blifFanout"];

    public IReadOnlyList<string> OptionalTools => ["klayout"];

    public async Task<IReadOnlyList<ToolInfo>> ProbeAsync(IToolLocator locator, CancellationToken cancellationToken)
    {
        var qflow = QflowInstall.Find(locator);
        ToolInfo Helper(string name) => qflow is not null && File.Exists(qflow.Bin(name)) ? new ToolInfo(name, qflow.Bin(name), "qflow " + qflow.Directory) : ToolInfo.Missing(name);
        return
        [
            await ToolLocator.ProbeAsync(locator, "yosys", ["-V"], cancellationToken),
            new ToolInfo("graywolf", locator.Find("graywolf"), locator.Find("graywolf") is null ? null : "qflow"),
            await ToolLocator.ProbeAsync(locator, "qrouter", ["-v", "0", "-h"], cancellationToken),
            new ToolInfo("tclsh", locator.Find("tclsh"), null),
            await ToolLocator.ProbeAsync(locator, "sta", ["-version"], cancellationToken),
            Helper("rc2dly"),
            Helper("blif2Verilog"),
            Helper("blifFanout"),
            await ToolLocator.ProbeAsync(locator, "klayout", ["-v"], cancellationToken),
        ];
    }

    public async Task<StageResult> RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        // Cell and port names reach qflow's scripts, the BLIF and the Tcl as they are: the planner's check again, before any work, for
        // callers that did not plan (tests, plug-in hosts).
        Services.OptionRecheck.Require(Stage, context, x => x.PlainName);
        var inputs = PlaceRouteInputs.Gather(context);
        var qflow = QflowInstall.Require(context.Locator);
        string Bin(string program) => qflow.Bin(program);
        string Script(string name) => qflow.Script(name);
        var o = context.Options;
        var seed = o.Int("seed", context.Seed);
        var clockPort = o.String("clock_port", "clk");
        var fill = o.String("fill_cell", "FILL");
        var attempts = Math.Max(1, o.Int("route_attempts", 2));
        var work = context.PathOf("qflow");
        Directory.CreateDirectory(work);
        var top = inputs.Top;
        string W(string f) => Path.Combine(work, f);
        async Task<ToolResult> Run(string tool, IReadOnlyList<string> args, string what)
        {
            try { return await context.Tools.RunAsync(new ToolInvocation(tool, args) { WorkingDirectory = work }, cancellationToken); }
            catch (ToolFailedException e) { throw new StageFailedException($"stage '{context.StageId}': {what} failed: {e.Message}", e); }
        }

        var region = inputs.Floorplan.CellRegion.Rect;
        context.Log.Info($"qflow: the logic block of {top} alone ({inputs.Memories.Count} memory module(s) cut out, their pins at the block's boundary: " +
            "Debian's graywolf and qrouter take no fixed macros), placed for the floor plan's cell region " +
            $"{region.Width:N1} x {region.Height:N1} um at ({region.X:N1}, {region.Y:N1})");

        var (buffer, clockBuffer) = (BufferPins(inputs.Liberty, o.String("buffer_cell", "BUFX2"), "buffer_cell"),
            BufferPins(inputs.Liberty, o.String("clock_buffer_cell", "CLKBUF1"), "clock_buffer_cell"));
        // 1. The block's BLIF: memories exposed as ports, outputs buffered, constants tied (ypostproc), as qflow's synthesize.sh.
        context.Log.Progress(0.05, "yosys");
        var clockOutputs = new List<string>();
        foreach (var m in inputs.Memories)
            foreach (var p in m.Ports.Where(p => p.Name == clockPort))
                clockOutputs.AddRange(InstancesOf(inputs.Netlist, m.Name).Select(i => $"{i}__{p.Name}"));
        File.WriteAllText(W("memories.v"), QflowScripts.MemoryStubs(inputs.Memories));
        File.WriteAllText(W("prepare.ys"), QflowScripts.Prepare(top, inputs.Netlist, inputs.Liberty, "memories.v", inputs.Memories.Select(m => m.Name).ToList(),
            $"{top}_mapped.blif", buffer));
        await Run("yosys", ["-q", "-l", "prepare.log", "-s", "prepare.ys"], "yosys (cutting the logic block out of the netlist)");
        var techScript = Path.Combine(inputs.QflowTechDir, inputs.TechName + ".sh");
        await Run("tclsh", [Script("ypostproc.tcl"), $"{top}_mapped.blif", top, techScript, "vdd", "gnd"], "ypostproc.tcl");
        File.WriteAllText(W($"{top}.blif"), CleanBlif(File.ReadAllText(W($"{top}_mapped_tmp.blif"))));

        // Fanout buffering and gate sizing as qflow's synthesize.sh does (blifFanout until it changes nothing): without it the clock
        // reaches every flip-flop as one net, which qrouter cannot route on the main job.
        var resized = 0;
        for (var pass = 1; pass <= 10; pass++)
        {
            File.Move(W($"{top}.blif"), W($"{top}_prefanout.blif"), true);
            var r = await Run(Bin("blifFanout"), ["-l", Num(o.Double("fanout_latency_ps", 100)), "-c", Num(o.Double("fanout_max_load_ff", 20)),
                "-s", "nullstring", "-p", inputs.Liberty, "-b", $"{buffer.Cell},{clockBuffer.Cell}", "-i", $"{buffer.In},{clockBuffer.In}",
                "-o", $"{buffer.Out},{clockBuffer.Out}", $"{top}_prefanout.blif", $"{top}.blif"], "blifFanout (fanout buffering)");
            var changed = GatesChanged(r.StandardOutput + r.StandardError);
            resized += changed;
            if (changed == 0) break;
        }
        context.Log.Info($"blifFanout: {resized} gate(s) buffered or resized ({clockBuffer.Cell} on the clock, {buffer.Cell} elsewhere)");

        // 2. Placement, retried at lower density when routing fails.
        File.WriteAllText(W($"{top}.cfg"), QflowScripts.QrouterInfo(inputs.TechLef));
        await Run("qrouter", ["-i", $"{top}.info", "-c", $"{top}.cfg"], "qrouter -i (layer table)");
        var info = File.ReadAllLines(W($"{top}.info"));
        var layers = o.Int("route_layers") is > 0 and var l ? l : info.Count(x => x.Contains("horizontal", StringComparison.Ordinal) || x.Contains("vertical", StringComparison.Ordinal));
        var units = info.FirstOrDefault(x => x.StartsWith("units scale", StringComparison.Ordinal))?.Split(' ').Last() ?? "100";
        var density = o.Double("density");
        var aspect = region.Width > 0 && region.Height > 0 ? region.Height / region.Width : 1;
        var placeClock = new Stopwatch();
        var routeClock = new Stopwatch();
        QrouterLog? route = null;
        string qrouterLogText = "";
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            context.Log.Progress(0.1 + 0.3 * (attempt - 1) / attempts, $"graywolf (attempt {attempt})");
            placeClock.Start();
            await Run("tclsh", [Script("blif2cel.tcl"), "--blif", $"{top}.blif", "--lef", inputs.TechLef, "--cel", $"{top}.cel"], "blif2cel.tcl");
            if (density > 0)
            {
                await Run("tclsh", [Script("decongest.tcl"), top, inputs.TechLef, fill, density.ToString("0.###", CultureInfo.InvariantCulture), $"--units={units}"], "decongest.tcl");
                File.Move(W($"{top}.acel"), W($"{top}.cel"), true);
            }
            File.WriteAllText(W($"{top}.par"), QflowScripts.Par(File.ReadAllText(Path.Combine(inputs.QflowTechDir, inputs.TechName + ".par")), aspect, seed + attempt - 1));
            await Run("graywolf", ["-n", top], "graywolf placement");
            if (!File.Exists(W($"{top}.pin"))) throw new StageFailedException($"stage '{context.StageId}': graywolf wrote no {top}.pin in {work}");
            await Run("tclsh", [Script("place2def.tcl"), top, fill], "place2def.tcl");
            await Run("tclsh", [Script("addspacers.tcl"), "-stripe", Num(o.Double("stripe_width_um", 2)), Num(o.Double("stripe_pitch_um", 50)), "PG", top, inputs.TechLef, fill], "addspacers.tcl");
            if (File.Exists(W($"{top}_filled.def"))) File.Move(W($"{top}_filled.def"), W($"{top}.def"), true);
            if (File.Exists(W($"{top}.obsx"))) File.Move(W($"{top}.obsx"), W($"{top}.obs"), true);
            await Run("tclsh", [Script("arrangepins.tcl"), top], "arrangepins.tcl");
            if (File.Exists(W($"{top}_mod.def"))) File.Move(W($"{top}_mod.def"), W($"{top}.def"), true);
            placeClock.Stop();

            // 3. Routing.
            context.Log.Progress(0.4 + 0.3 * (attempt - 1) / attempts, $"qrouter (attempt {attempt})");
            var obstructions = File.Exists(W($"{top}.obs")) ? File.ReadAllText(W($"{top}.obs")) : "";
            File.WriteAllText(W($"{top}_route.cfg"), QflowScripts.QrouterRoute(inputs.TechLef, layers, obstructions, $"{top}.def", $"{top}_route.def"));
            routeClock.Start();
            var r = await Run("qrouter", ["-nog", "-s", $"{top}_route.cfg"], "qrouter routing");
            routeClock.Stop();
            qrouterLogText = r.StandardOutput + r.StandardError;
            File.WriteAllText(W("qrouter.log"), qrouterLogText);
            try { route = QrouterLog.Parse(qrouterLogText, W("qrouter.log")); }
            catch (FormatException e) { throw new StageFailedException($"stage '{context.StageId}': {e.Message}", e); }
            if (route.FinalFailed == 0 && File.Exists(W($"{top}_route.def")) && File.Exists(W($"{top}_route.rc"))) break;
            var placed = RoutedDef.Parse(File.ReadAllText(W($"{top}.def")), W($"{top}.def"));
            var reached = Utilization(placed, LefReader.ReadFile(inputs.TechLef), fill);
            var next = Math.Round(Math.Max(0.2, (density > 0 ? density : reached) - o.Double("density_step", 0.15)), 3);
            if (attempt == attempts)
                throw new StageFailedException($"stage '{context.StageId}': qrouter left {route.FinalFailed} net(s) unrouted after {attempts} placement(s) " +
                    $"(last density {reached:F2}): {string.Join(", ", route.FailedNets.Take(8))}. Last lines of {W("qrouter.log")}:{Environment.NewLine}{QrouterLog.Tail(qrouterLogText.Split('\n'))}");
            context.Log.Warn($"qrouter left {route.FinalFailed} net(s) unrouted at density {reached:F2}; placing again at density {next}");
            density = next;
        }

        // 4. Parasitics: RC -> SDF (rc2dly, as opensta.sh) and SPEF.
        context.Log.Progress(0.75, "parasitics");
        var def = RoutedDef.Parse(File.ReadAllText(W($"{top}_route.def")), W($"{top}_route.def"));
        File.Copy(W($"{top}_route.def"), context.PathOf("routed.def"), true);
        File.Copy(W($"{top}_route.rc"), context.PathOf("routed.rc"), true);
        // The SDF is a by-product (OpenSTA times with the SPEF): rc2dly aborting (it does on the MNIST accelerator's RC file) is a warning.
        var sdf = false;
        try
        {
            await context.Tools.RunAsync(new ToolInvocation(Bin("rc2dly"), ["-r", $"{top}_route.rc", "-l", inputs.Liberty, "-d", $"{top}.sdf"]) { WorkingDirectory = work }, cancellationToken);
            // SDF has no way to change the bus delimiters: qflow's opensta.sh turns rc2dly's <> into [] the same way.
            File.WriteAllText(context.PathOf("routed.sdf"), File.ReadAllText(W($"{top}.sdf")).Replace('<', '[').Replace('>', ']'));
            sdf = true;
        }
        catch (ToolFailedException e)
        {
            context.Log.Warn($"rc2dly could not write the SDF ({e.Message.Split('\n')[0]}); the post-route timing uses the SPEF, no routed.sdf");
        }
        IReadOnlyList<RcNet> rc;
        try { rc = RcFile.Parse(File.ReadAllText(W($"{top}_route.rc")), W($"{top}_route.rc")); }
        catch (FormatException e) { throw new StageFailedException(e.Message, e); }
        File.WriteAllText(context.PathOf("routed.spef"), SpefWriter.Write(top, rc));
        if (rc.Sum(n => n.UnresolvedPins) is > 0 and var unresolved)
            context.Log.Warn($"qrouter's RC file names {unresolved} sink pin(s) ERROR (it could not tell which pin a branch reaches): their wire counts as capacitance, their pin gets no Elmore delay of its own");
        // graywolf re-assigns the sinks of buffer trees while it places: blifanno.tcl writes those assignments back into the BLIF, as
        // qflow's placement.sh does, so that the netlist names the nets the DEF and the parasitics name.
        await Run("tclsh", [Script("blifanno.tcl"), $"{top}.blif", $"{top}.def", $"{top}_anno.blif"], "blifanno.tcl");
        var placedBlif = File.Exists(W($"{top}_anno.blif")) ? $"{top}_anno.blif" : throw new StageFailedException(
            $"stage '{context.StageId}': blifanno.tcl wrote no {top}_anno.blif in {work}: the netlist would not match the placement's buffer trees");
        var netlistResult = await Run(Bin("blif2Verilog"), ["-c", "-p", "-v", "vdd", "-g", "gnd", placedBlif], "blif2Verilog");
        File.WriteAllText(context.PathOf("routed.v"), netlistResult.StandardOutput);

        // 5. Timing and power before and after the wires, on the same block netlist.
        context.Log.Progress(0.85, "sta");
        var activity = o.Double("activity", 0.1);
        var pre = await TimeAsync(context, "pre_route", inputs, clockOutputs, null, activity, cancellationToken);
        var post = await TimeAsync(context, "post_route", inputs, clockOutputs, "routed.spef", activity, cancellationToken);

        // 6. Picture.
        var picture = false;
        if (o.Bool("picture", true) && context.Locator.Find("klayout") is not null)
        {
            context.Log.Progress(0.92, "klayout");
            var macroLefs = inputs.Floorplan.Macros.Select(m => Path.GetFullPath(Path.Combine(inputs.FloorplanDirectory, m.Lef))).Distinct().ToList();
            picture = await KlayoutPicture.RenderAsync(context, work, context.PathOf("routed.def"), [inputs.TechLef], inputs.FloorplanDef, macroLefs,
                (region.X - def.DieUm.X1, region.Y - def.DieUm.Y1), context.PathOf("layout.oas"), context.PathOf("layout.png"), cancellationToken);
        }
        else if (o.Bool("picture", true)) context.Log.Warn("klayout is not installed: no layout.png");

        var lef = LefReader.ReadFile(inputs.TechLef);
        var utilization = Utilization(def, lef, fill);
        var cells = def.Components.Where(c => c.Cell != fill).ToList();
        var rows = def.Components.Select(c => Math.Round(c.YUm, 2)).Distinct().Count();
        var metrics = new List<Metric>
        {
            new("placement_s", Math.Round(placeClock.Elapsed.TotalSeconds, 3), "s"),
            new("routing_s", Math.Round(routeClock.Elapsed.TotalSeconds, 3), "s"),
            new("core_width_um", Math.Round(def.DieWidthUm, 3), "um"),
            new("core_height_um", Math.Round(def.DieHeightUm, 3), "um"),
            new("core_area_um2", Math.Round(def.DieWidthUm * def.DieHeightUm, 3), "um2"),
            new("cell_rows", rows),
            new("placed_cells", cells.Count),
            new("utilization", Math.Round(utilization, 4)),
            new("wirelength_um", Math.Round(def.WireLengthUm, 3), "um"),
            new("vias", def.Vias),
            new("routed_nets", def.RoutedNets),
            new("failed_routes_first_pass", route!.FailedFirstPass),
            new("failed_routes", route.FinalFailed),
            new("wire_capacitance_pf", Math.Round(rc.Sum(n => n.WireCapacitancePf), 6), "pF"),
            new("rc_unresolved_pins", rc.Sum(n => n.UnresolvedPins)),
        };
        void Timing(string prefix, StaRun run)
        {
            if (run.Timing is { } t)
            {
                metrics.Add(new($"{prefix}_critical_path_ns", Math.Round(t.CriticalPathNs, 4), "ns"));
                metrics.Add(new($"{prefix}_fmax_mhz", Math.Round(t.FmaxMhz, 3), "MHz"));
            }
            metrics.Add(new($"{prefix}_power_mw", Math.Round(run.Power.TotalW * 1000, 6), "mW"));
        }
        Timing("pre_route", pre);
        Timing("post_route", post);
        if (context.FindInput(SynthStage.KindName)?.Metric("critical_path_ns") is double synthPath) metrics.Add(new("synth_critical_path_ns", synthPath, "ns"));
        context.Log.Info($"placed {cells.Count} cells in {rows} rows, core {def.DieWidthUm:N1} x {def.DieHeightUm:N1} um, utilization {utilization:P1}; " +
            $"routed {def.RoutedNets} nets, {def.WireLengthUm:N0} um of wire, {def.Vias} vias, {route.FailedFirstPass} nets failed the first pass, {route.FinalFailed} unrouted; " +
            $"critical path {pre.Timing?.CriticalPathNs:F3} ns before the wires, {post.Timing?.CriticalPathNs:F3} ns after; power {pre.Power.TotalW * 1000:F4} -> {post.Power.TotalW * 1000:F4} mW");

        PathEnds? Ends(StaRun run) => run.Timing is { } t ? new(t.Startpoint, t.Endpoint) : null;
        File.WriteAllText(context.PathOf("place_route.json"), new PlaceRouteRecord(PlaceRouteRecord.FormatName, Id, top,
            "logic block routed alone; memory pins at its boundary (graywolf and qrouter take no fixed macros)", def.Pins, region,
            new(def.DieUm.X1, def.DieUm.Y1, def.DieWidthUm, def.DieHeightUm), def.WireLengthUmByLayer, Ends(pre), Ends(post),
            metrics.ToDictionary(m => m.Name, m => m.Value)).ToJson());

        var artifacts = new List<Artifact>
        {
            new(Views.RoutedDef.Name, "routed.def", "routed DEF of the logic block (cells, pins, wiring), coordinates of the block; read with the tech LEF"),
            new(Views.Parasitics.Name, "routed.spef", "parasitics of every routed net (SPEF from qrouter's RC trees)"),
            new(PlaceRouteStage.RcTrees.Name, "routed.rc", "qrouter's RC trees (-d)"),
            new(Views.RoutedNetlist.Name, "routed.v", "the placed block's netlist (blif2Verilog), names as in the DEF and the parasitics"),
            new(Views.PlaceRoute.Name, "place_route.json", "metrics, core, cell region, wire length by layer, critical path end points"),
        };
        if (sdf) artifacts.Add(new(Views.InterconnectDelays.Name, "routed.sdf", "interconnect delays (rc2dly on qrouter's RC file, as qflow's opensta.sh)"));
        if (picture) artifacts.Add(new(PlaceRouteStage.Layout.Name, "layout.png", "KLayout picture: the floor plan's macros with the routed block at the cell region"));
        context.Log.Progress(1, "done");
        return new StageResult(metrics, artifacts);
    }

    private sealed record StaRun(StaTimingReport? Timing, OpenStaPowerReport Power);

    private static async Task<StaRun> TimeAsync(StageContext context, string name, PlaceRouteInputs inputs, IReadOnlyList<string> clockOutputs, string? spef,
        double activity, CancellationToken ct)
    {
        var script = $"{name}.tcl";
        File.WriteAllText(context.PathOf(script), QflowScripts.Sta(StaTiming.ReadableLiberty(context.Directory, inputs.Liberty), "routed.v", inputs.Top, inputs.ClockNs,
            context.Options.String("clock_port", "clk"), clockOutputs, spef, activity));
        ToolResult r;
        try { r = await context.Tools.RunAsync(new ToolInvocation("sta", ["-no_splash", "-exit", script]) { WorkingDirectory = context.Directory }, ct); }
        catch (ToolFailedException e) { throw new StageFailedException($"stage '{context.StageId}': sta ({name}) failed: {e.Message}", e); }
        var log = r.StandardOutput + r.StandardError;
        var logPath = context.PathOf($"{name}.log");
        File.WriteAllText(logPath, log);
        try { return new StaRun(StaTiming.Parse(log, inputs.ClockNs, logPath), OpenStaPowerReport.Parse(log, logPath)); }
        catch (FormatException e) { throw new StageFailedException(e.Message, e); }
    }

    /// <summary>Standard-cell area (fill excluded, sizes from the LEF) over the core area.</summary>
    internal static double Utilization(RoutedDef def, LefLibrary lef, string fill)
    {
        var area = def.Components.Where(c => c.Cell != fill).Sum(c => lef.Macro(c.Cell)?.AreaUm2 ?? 0);
        var core = def.DieWidthUm * def.DieHeightUm;
        return core > 0 ? area / core : 0;
    }

    /// <summary>The instance names of a module in a Yosys netlist (`module_name [#(...)] instance (`), enough to name the exposed clock ports.</summary>
    private static IEnumerable<string> InstancesOf(string netlist, string module) =>
        NetlistScan.Read(File.ReadAllText(netlist)).Where(i => i.Cell == module).Select(i => i.Name);

    /// <summary>A buffer cell of the Liberty with its one input and one output pin; a cell that is not there is a stage error naming the option.</summary>
    private static (string Cell, string In, string Out) BufferPins(string liberty, string cell, string option)
    {
        var c = Tech.Liberty.LibertyReader.ReadFile(liberty).Cell(cell);
        if (c is null || c.Inputs.Count() != 1 || c.Outputs.Count() != 1)
            throw new StageFailedException($"`with.{option}`: '{cell}' is no buffer of {liberty} (a cell with one input and one output)");
        return (cell, c.Inputs.Single().Name, c.Outputs.Single().Name);
    }

    /// <summary>blifFanout's count of substituted gates ("Number of gates changed: N"), which qflow iterates to 0.</summary>
    public static int GatesChanged(string output)
    {
        const string key = "Number of gates changed:";
        var line = output.Split('\n').LastOrDefault(l => l.Contains(key, StringComparison.Ordinal));
        return line is not null && int.TryParse(line[(line.IndexOf(key, StringComparison.Ordinal) + key.Length)..].Trim(), out var n) ? n : 0;
    }

    /// <summary>qflow's synthesize.sh cleanup of Yosys' BLIF (its sed line): no backslash escapes, no `$techmap` prefixes.</summary>
    internal static string CleanBlif(string blif) => blif.Replace("$techmap", "").Replace("\\", "");

    private static string Num(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
