using FlowRunner.Tech;
using FlowRunner.Tech.Liberty;
using FlowRunner.Tech.Memories;

namespace FlowRunner.Stages.Memory;

/// <summary>The Liberty view of a logical memory, written by memory.generate beside its macros: the netlist instantiates a logical memory by
/// its module name, so each module gets one black-box cell (MacroViews' pins: clk, ce, [we], addr, [din], dout) whose area, leakage, timing and
/// energy per read and write are the totals of its macros as memory.json records them (banking muxes included).</summary>
public static class LogicalLiberty
{
    public const string FolderName = "logical";

    /// <summary>Where memory.generate writes the module's Liberty, relative to its stage folder.</summary>
    public static string FileOf(string module) => $"{FolderName}/{module}.lib";

    /// <summary>The cell of <paramref name="l"/> through the memory compiler's one Liberty writer (<see cref="MacroViews.Liberty"/>).</summary>
    public static LibertyGroup Of(LogicalEntry l, TechDescription tech)
    {
        var kind = l.Kind == "rom" ? MemoryKind.Rom : MemoryKind.Sram;
        // A logical memory is a set of macros, not one rectangle: the cell's area is theirs; its outline is only nominal.
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
        return lib;
    }

    /// <summary>Writes the Liberty of every logical memory of <paramref name="manifest"/> below <paramref name="stageDirectory"/>.</summary>
    public static void WriteAll(MemoryManifest manifest, TechDescription tech, string stageDirectory)
    {
        Directory.CreateDirectory(Path.Combine(stageDirectory, FolderName));
        foreach (var l in manifest.Logical)
            LibertyWriter.WriteFile(Path.Combine(stageDirectory, l.Lib), Of(l, tech),
                $"FlowRunner memory.generate: logical memory {l.Name} ({l.Split} split of {l.Macros.Count} macro(s)) as one black-box cell");
    }
}
