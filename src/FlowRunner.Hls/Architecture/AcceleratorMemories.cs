using FlowRunner.Tech.Memories;

namespace FlowRunner.Hls.Architecture;

/// <summary>The memories of an accelerator as logical memories (the memory stage's input), with their traffic per inference.</summary>
public static class AcceleratorMemories
{
    /// <summary>Per layer: its input feature-map SRAM (L values a word) and its weight ROM (L x taps weights a word).</summary>
    public static IReadOnlyList<(LogicalMemory Memory, EngineLayer Layer)> Of(Accelerator a)
    {
        var list = new List<(LogicalMemory, EngineLayer)>();
        foreach (var l in a.Layers)
        {
            var writes = l.Position == 0 ? a.LoadBeats : l.InputWords;
            list.Add((new LogicalMemory(l.InputMemory, l.InputMemory, l.InputWords, a.Lanes * l.Formats.Input.Width, MemoryKind.Sram)
            {
                ReadsPerInference = l.InputReads,
                WritesPerInference = writes,
            }, l));
            list.Add((new LogicalMemory(l.WeightMemory, l.WeightMemory, l.WeightWords, a.Lanes * a.Array.TapsPerLane * l.Formats.Weight.Width, MemoryKind.Rom)
            {
                ReadsPerInference = (long)l.Pixels * l.Groups * l.Steps,
            }, l));
        }
        return list;
    }
}
