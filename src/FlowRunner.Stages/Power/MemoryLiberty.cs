using FlowRunner.Stages.Memory;
using FlowRunner.Tech;
using FlowRunner.Tech.Liberty;
using FlowRunner.Tech.Memories;

namespace FlowRunner.Stages.Power;

/// <summary>Liberty cells for the memories the netlist keeps as black boxes: the netlist instantiates a logical memory by its module name, so
/// each module gets one cell (MacroViews' pins: clk, ce, [we], addr, [din], dout) whose area, leakage and energy per read and write are the
/// sums over its macros from memory.json (banking muxes included: the logical totals).</summary>
public static class MemoryLiberty
{
    /// <summary>Writes one .lib a module into <paramref name="directory"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Write(MemoryManifest manifest, IEnumerable<string> modules, TechDescription tech, string directory)
    {
        Directory.CreateDirectory(directory);
        var wanted = modules.ToHashSet();
        var files = new List<string>();
        foreach (var l in manifest.Logical.Where(l => wanted.Contains(l.Module)))
        {
            var kind = l.Kind == "rom" ? MemoryKind.Rom : MemoryKind.Sram;
            var side = Math.Sqrt(Math.Max(1e-6, l.AreaUm2));
            var access = l.AccessNs > 0 ? l.AccessNs : 1;
            var shape = new MacroShape(kind, l.Depth, l.Width, l.Depth, 1)
            {
                WidthUm = side,
                HeightUm = side,
                ReadEnergyPj = l.ReadEnergyPj,
                WriteEnergyPj = l.WriteEnergyPj,
                LeakageUw = l.LeakageUw,
                AccessNs = access,
                CycleNs = access * 1.25,
            };
            var lib = MacroViews.Liberty(new MacroInstance(l.Module, 0, 0, 0, 0, shape), kind, tech);
            // Lets newer OpenSTA file the cell under "Macro"; 2.0.17 ignores it and counts macros as Combinational, so the power stage
            // asks for them by instance (report_power -instances).
            foreach (var cell in lib.GroupsOf("cell")) cell.Set("is_macro_cell", "true");
            var file = Path.Combine(directory, l.Module + ".lib");
            LibertyWriter.WriteFile(file, lib, $"FlowRunner power stage: logical memory {l.Name} ({l.Split} split of {l.Macros.Count} macro(s)) as one black-box cell");
            files.Add(file);
        }
        return files;
    }
}
