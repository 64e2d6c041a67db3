using FlowRunner.Stages.Memory;
using FlowRunner.Tech;
using FlowRunner.Tech.Liberty;
using FlowRunner.Tech.Memories;

namespace FlowRunner.Stages.Power;

/// <summary>Liberty cells for the memories the netlist keeps as black boxes: the netlist instantiates a logical memory by its module name, so
/// each module gets one cell (MacroViews' pins: clk, ce, [we], addr, [din], dout) whose area, leakage and energy per read and write are the
/// sums over its macros from memory.json (banking muxes included: the logical totals).
/// With the cycles of an inference, the clock pin carries the measured access energy a cycle, (reads x read energy + writes x write energy)
/// / cycles, unconditionally (split over the edges as OpenSTA 2.0.17 counts them), in place of the macro view's per-access energies under `when: "ce &amp; !we"` and `"ce &amp; we"`: OpenSTA 2.0.17
/// weighs those conditions by ce and we probabilities it propagates through the control logic from the default input duty (0.5), and
/// it ignores activity set on the nets that drive ce and we (tried: the report did not move). The memory traffic of the schedule is
/// exact, so this is how it reaches OpenSTA. Before it, OpenSTA charged the conv2d1 input memory 0.29 mW for 4,252 accesses in
/// 30,208 cycles (the access count gives 0.037 mW) and the conv2d2 input memory 0.11 mW for 13,448 (0.24 mW).</summary>
public static class MemoryLiberty
{
    /// <summary>Writes one .lib a module into <paramref name="directory"/>; returns their paths.</summary>
    /// <param name="cyclesPerInference">Cycles of an inference, to charge the measured traffic per cycle; 0 keeps the per-access energies.</param>
    public static IReadOnlyList<string> Write(MemoryManifest manifest, IEnumerable<string> modules, TechDescription tech, string directory, long cyclesPerInference = 0)
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
            foreach (var cell in lib.GroupsOf("cell"))
            {
                cell.Set("is_macro_cell", "true");
                if (cyclesPerInference <= 0) continue;
                foreach (var clk in cell.GroupsOf("pin").Where(p => p.Name == "clk"))
                {
                    clk.RemoveGroups("internal_power");
                    // A quarter on each edge: OpenSTA 2.0.17 charges a clock pin's rise + fall energy on each of its two transitions a cycle
                    // (measured: a cycle's energy as rise_power alone, or split over rise and fall, came out twice the traffic; the
                    // OpenSTA power test checks the result against the traffic).
                    var perEdge = LibertyTable.Scalar(Math.Round((l.ReadsPerInference * l.ReadEnergyPj + l.WritesPerInference * l.WriteEnergyPj) / cyclesPerInference / 4, 9));
                    clk.Add(new LibertyGroup("internal_power").Add(perEdge.ToGroup("rise_power")).Add(perEdge.ToGroup("fall_power")));
                }
            }
            var file = Path.Combine(directory, l.Module + ".lib");
            LibertyWriter.WriteFile(file, lib, $"FlowRunner power stage: logical memory {l.Name} ({l.Split} split of {l.Macros.Count} macro(s)) as one black-box cell");
            files.Add(file);
        }
        return files;
    }
}
