using FlowRunner.Stages.Memory;
using FlowRunner.Tech.Liberty;

namespace FlowRunner.Stages.Power;

/// <summary>The Liberty cells OpenSTA's power run reads for the memories the netlist keeps as black boxes: memory.generate's view of each
/// logical memory (<see cref="LogicalLiberty"/>), with the clock pin charged the measured traffic.</summary>
/// <remarks>With the cycles of an inference, the clock pin carries the measured access energy a cycle, (reads x read energy + writes x write
/// energy) / cycles, unconditionally (split over the edges as OpenSTA 2.0.17 counts them), in place of the view's per-access energies under
/// `when: "ce &amp; !we"` and `"ce &amp; we"`: OpenSTA 2.0.17 weighs those conditions by ce and we probabilities it propagates through the
/// control logic from the default input duty (0.5), and it ignores activity set on the nets that drive ce and we (the report did not move).
/// The memory traffic of the schedule is exact, so this is how it reaches OpenSTA. Before it, OpenSTA charged the conv2d1 input memory
/// 0.29 mW for 4,252 accesses in 30,208 cycles (the access count gives 0.037 mW) and the conv2d2 input memory 0.11 mW for 13,448 (0.24 mW).</remarks>
public static class MemoryLiberty
{
    /// <summary>Writes one .lib a module into <paramref name="directory"/> from memory.generate's views in <paramref name="memoryDirectory"/>;
    /// returns their paths.</summary>
    /// <param name="cyclesPerInference">Cycles of an inference, to charge the measured traffic per cycle; 0 keeps the per-access energies.</param>
    public static IReadOnlyList<string> Write(MemoryManifest manifest, string memoryDirectory, IEnumerable<string> modules, string directory, long cyclesPerInference = 0)
    {
        Directory.CreateDirectory(directory);
        var wanted = modules.ToHashSet();
        var files = new List<string>();
        foreach (var l in manifest.Logical.Where(l => wanted.Contains(l.Module)))
        {
            LibertyGroup lib;
            try { lib = LibertyReader.ParseFile(Path.Combine(memoryDirectory, l.Lib)); }
            catch (Exception e) when (e is LibertyFormatException or IOException)
            {
                throw new Abstractions.StageFailedException($"memory '{l.Name}': cannot read its Liberty view: {e.Message}");
            }
            if (cyclesPerInference > 0)
                foreach (var clk in lib.GroupsOf("cell").SelectMany(c => c.GroupsOf("pin")).Where(p => p.Name == "clk"))
                {
                    clk.RemoveGroups("internal_power");
                    // A quarter on each edge: OpenSTA 2.0.17 charges a clock pin's rise + fall energy on each of its two transitions a cycle
                    // (a cycle's energy as rise_power alone, or split over rise and fall, came out twice the traffic; the OpenSTA power
                    // test checks the result against the traffic).
                    var perEdge = LibertyTable.Scalar(Math.Round((l.ReadsPerInference * l.ReadEnergyPj + l.WritesPerInference * l.WriteEnergyPj) / cyclesPerInference / 4, 9));
                    clk.Add(new LibertyGroup("internal_power").Add(perEdge.ToGroup("rise_power")).Add(perEdge.ToGroup("fall_power")));
                }
            var file = Path.Combine(directory, l.Module + ".lib");
            LibertyWriter.WriteFile(file, lib, $"FlowRunner power stage: logical memory {l.Name} ({l.Split} split of {l.Macros.Count} macro(s)) from memory.generate's {l.Lib}, clock pin charged the measured traffic");
            files.Add(file);
        }
        return files;
    }
}
