using FlowRunner.Abstractions;
using FlowRunner.Floorplan.Model;
using FlowRunner.Stages.Memory;
using FlowRunner.Tech.Lef;

namespace FlowRunner.Stages.Floorplan;

/// <summary>A macro to place: its memory.json entry, its LEF MACRO name and size, and the LEF file.</summary>
public sealed record FloorplanMacro(MacroEntry Entry, string Cell, double WidthUm, double HeightUm, string LefPath, int DatabaseMicrons);

/// <summary>Everything the floor planner needs from upstream: the macros (sizes from their LEFs), the logic area and the nets.</summary>
public sealed record FloorplanInputs(IReadOnlyList<FloorplanMacro> Macros, double LogicAreaUm2, string LogicSource, IReadOnlyList<(string Name, IReadOnlyList<string> Macros, double Weight)> Nets, string Top)
{
    /// <summary>The top module's ports, one per bit, from hls.emit's RTL (empty without it): the DEF's PINS.</summary>
    public IReadOnlyList<global::FlowRunner.Floorplan.Output.DefPin> Ports { get; init; } = [];

    public const string LogicBlock = "stdcells";

    public static FloorplanInputs Gather(StageContext context)
    {
        var memory = context.View(Views.Memories);
        var manifestPath = memory.ArtifactPath(Views.Memories.Name);
        var manifest = MemoryManifest.Read(manifestPath);
        if (manifest.Macros is null || manifest.Logical is null) throw new StageFailedException($"{manifestPath}: needs \"macros\" and \"logical\" lists");

        var libraries = new Dictionary<string, LefLibrary>(StringComparer.Ordinal);
        var macros = new List<FloorplanMacro>();
        for (var i = 0; i < manifest.Macros.Count; i++)
        {
            var m = manifest.Macros[i];
            if (string.IsNullOrEmpty(m.Lef)) throw new StageFailedException($"{manifestPath}: macros[{i}] ('{m.Name}') has no \"lef\"");
            var lef = Path.GetFullPath(Path.Combine(memory.Directory, m.Lef));
            if (!libraries.TryGetValue(lef, out var lib))
            {
                if (!File.Exists(lef)) throw new StageFailedException($"{manifestPath}: macros[{i}] ('{m.Name}'): LEF '{lef}' does not exist");
                try { lib = LefReader.ReadFile(lef); }
                catch (LefFormatException e) { throw new StageFailedException(e.Message, e); }
                libraries[lef] = lib;
            }
            var macro = lib.Macro(m.Name) ?? (lib.Macros.Count == 1 ? lib.Macros[0] : null)
                ?? throw new StageFailedException($"{lef}: no MACRO {m.Name} (named by {manifestPath} macros[{i}])");
            if (!(macro.WidthUm > 0 && macro.HeightUm > 0))
                throw new StageFailedException($"{lef}:{macro.Line}: MACRO {macro.Name} has zero size {macro.WidthUm} x {macro.HeightUm}");
            macros.Add(new FloorplanMacro(m, macro.Name, macro.WidthUm, macro.HeightUm, lef, lib.DatabaseMicrons));
        }
        if (macros.Select(m => m.Entry.Name).Distinct(StringComparer.Ordinal).Count() != macros.Count)
            throw new StageFailedException($"{manifestPath}: two macros share a name");

        var (logicArea, logicSource) = LogicArea(context);
        var (layers, top) = Layers(context);
        return new FloorplanInputs(macros, logicArea, logicSource, BuildNets(manifest, layers), top) { Ports = TopPorts(context, top) };
    }

    /// <summary>The top's ports bit by bit (`data[3]`), in declaration order, from the RTL file of hls.emit that declares the top.</summary>
    private static IReadOnlyList<global::FlowRunner.Floorplan.Output.DefPin> TopPorts(StageContext context, string top)
    {
        var hls = context.FindView(Views.Schedule);
        if (hls is null) return [];
        var schedule = Hls.ScheduleFile.Read(hls.ArtifactPath(Views.Schedule.Name), hls.Directory);
        var module = schedule.RtlPaths.Where(File.Exists).SelectMany(Synthesis.VerilogModules.Read).FirstOrDefault(m => m.Name == top);
        if (module is null) return [];
        var pins = new List<global::FlowRunner.Floorplan.Output.DefPin>();
        foreach (var p in module.Ports)
        {
            var direction = p.Direction switch { "input" => "INPUT", "output" => "OUTPUT", _ => "INOUT" };
            if (!p.IsBus) { pins.Add(new(p.Name, direction)); continue; }
            var step = p.Msb >= p.Lsb ? -1 : 1;
            for (var i = p.Msb; ; i += step)
            {
                pins.Add(new($"{p.Name}[{i}]", direction));
                if (i == p.Lsb) break;
            }
        }
        return pins;
    }

    /// <summary>Logic area from the synth stage's `logic_area_um2`, else `with.cell_area_um2`.</summary>
    private static (double, string) LogicArea(StageContext context)
    {
        var synth = context.FindInput("synth");
        if (synth?.Metric("logic_area_um2") is double a && a > 0) return (a, $"stage '{synth.StageId}' logic_area_um2");
        var given = context.Options.Double("cell_area_um2");
        if (given > 0) return (given, "with.cell_area_um2");
        if (given < 0) throw new StageFailedException($"stage '{context.StageId}': `with.cell_area_um2` must be positive, got {given}");
        throw new StageFailedException(synth is null
            ? $"stage '{context.StageId}' (floorplan) needs the standard-cell area: add a synth stage to `needs:` or set `with.cell_area_um2`"
            : $"stage '{context.StageId}' (floorplan): stage '{synth.StageId}' reports no logic_area_um2; set `with.cell_area_um2`");
    }

    /// <summary>The layer of each logical memory and the top module, from hls.emit's schedule when it is upstream.</summary>
    private static (Dictionary<string, string> Layers, string Top) Layers(StageContext context)
    {
        var hls = context.FindView(Views.Schedule);
        if (hls is null) return ([], "accel");
        var schedule = Hls.ScheduleFile.Read(hls.ArtifactPath(Views.Schedule.Name), hls.Directory);
        return (schedule.Record.Memories.Where(m => m.Layer is not null).ToDictionary(m => m.Name, m => m.Layer!, StringComparer.Ordinal), schedule.Record.Top);
    }

    /// <summary>
    /// One net per logical memory (its macros and the logic), weighted by its accesses per inference relative to the mean,
    /// between 0.25 and 8; and one net per layer joining all its memories' macros and the logic (weight 1), which keeps a layer's memories together.
    /// </summary>
    private static List<(string, IReadOnlyList<string>, double)> BuildNets(MemoryManifest manifest, Dictionary<string, string> layers)
    {
        var nets = new List<(string, IReadOnlyList<string>, double)>();
        var accesses = manifest.Logical.Select(l => l.ReadsPerInference + l.WritesPerInference).ToList();
        var mean = accesses.Count > 0 ? accesses.Average() : 0;
        foreach (var (l, a) in manifest.Logical.Zip(accesses))
        {
            if (l.Macros is null || l.Macros.Count == 0) continue;
            var weight = mean > 0 ? Math.Clamp(0.25 + a / mean, 0.25, 8) : 1;
            nets.Add(($"mem_{l.Name}", [.. l.Macros, LogicBlock], weight));
        }
        foreach (var g in manifest.Logical.Where(l => layers.ContainsKey(l.Name)).GroupBy(l => layers[l.Name]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var members = g.SelectMany(l => l.Macros ?? []).ToList();
            if (members.Count > 0) nets.Add(($"layer_{g.Key}", [.. members, LogicBlock], 1));
        }
        return nets;
    }
}
