using FlowRunner.Hls.Architecture;

namespace FlowRunner.Hls.Schedule;

/// <summary>Builds hls.emit's schedule record (<see cref="ScheduleRecord"/>): cycles per layer and per inference, the operator inventory and
/// the memory list that the synthesis, memory and power stages consume.</summary>
public static class ScheduleReport
{
    /// <summary>The operator inventory: the MAC array, accumulators, row buffers, packer, logits and control.</summary>
    public static IReadOnlyList<ScheduledOperator> Operators(Accelerator a)
    {
        var l = a.Lanes;
        var acc = a.AccumulatorRegisterBits;
        var ws = a.Layers.Max(x => x.Stored.Width);
        var taps = a.Array.TapsPerLane;
        var list = new List<ScheduledOperator> { ScheduledOperator.Mul(a.OperandBits, a.WeightBits, (long)l * taps) };
        // Per lane: the adder tree of the products (pairs at each level, each a bit wider than its operands: 4 + 2 + 1 + 1 for 9) and
        // the accumulate adder.
        for (int n = taps, level = 1; n > 1; n = (n + 1) / 2, level++)
            list.Add(ScheduledOperator.Of("add", a.OperandBits + a.WeightBits + level, (long)l * (n / 2)));
        list.AddRange(
        [
            ScheduledOperator.Of("add", acc, l),
            ScheduledOperator.Of("reg", acc, l),
            ScheduledOperator.Of("reg", a.OperandBits, (long)a.Array.Rows * a.WindowValues),
            ScheduledOperator.Of("reg", ws, 2L * l),
            ScheduledOperator.Of("reg", a.Last.Stored.Width, a.Classes),
            // Tap selection: a window value out of a row buffer per tap.
            ScheduledOperator.Of("mux", a.OperandBits, (long)taps * Math.Max(1, a.WindowValues - 1)),
            // Packer placement and weight/operand selection across layers.
            ScheduledOperator.Of("mux", ws, 2L * l * l),
        ]);
        foreach (var x in a.Layers)
        {
            // Rounding incrementer and two saturation comparators per lane and assignment.
            var assigns = x.AssignStored ? 2 : 1;
            list.Add(ScheduledOperator.Of("add", x.Formats.Output.Width + 1, (long)l * assigns, x.Name));
            list.Add(ScheduledOperator.Of("cmp", acc, 2L * l * assigns, x.Name));
        }
        // Control: counters and address registers of the FSM (about 12 counters of the address width) and their incrementers.
        var ctrl = Accelerator.BitsFor(a.Layers.Max(x => (long)x.InputWords + x.WordsPerRun)) + 2;
        list.Add(ScheduledOperator.Of("reg", ctrl, 12));
        list.Add(ScheduledOperator.Of("add", ctrl, 8));
        return list;
    }

    /// <summary>The schedule record of the accelerator; <paramref name="rtlFiles"/> are relative to the hls.emit folder.</summary>
    public static ScheduleRecord Of(Accelerator a, IReadOnlyList<string> rtlFiles)
    {
        var rom = Tech.Memories.MemoryKind.Rom;
        var memories = AcceleratorMemories.Of(a).Select(m => new ScheduleMemory(m.Memory.Name, m.Memory.Module, m.Memory.Depth, m.Memory.Width,
            m.Memory.Kind == rom ? "rom" : "sram", m.Memory.ReadsPerInference, m.Memory.WritesPerInference,
            m.Memory.Kind == rom ? $"rtl/{m.Memory.Module}.hex" : null, m.Layer.Name)).ToList();
        var layers = a.Layers.Select(x => new ScheduleLayer(x.Name, x.KindName, x.Cycles, (long)x.Output.Size * x.FanIn, (long)x.Pixels * x.Groups * x.Steps,
            x.Formats.Input.ToString(), x.Formats.Weight.ToString(), x.Formats.Output.ToString(), x.Stored.ToString(), x.Relu, x.AccumulatorBits,
            x.InputMemory, x.WeightMemory, a.OutputMemory(x))).ToList();
        var formats = new ScheduleFormats(a.Model.Defaults.Format.ToString(), a.Model.Defaults.Accumulator?.ToString(), a.Model.Defaults.Logits?.ToString());
        return new ScheduleRecord(ScheduleRecord.FormatTag, "accel", a.Model.Spec.Name, formats, a.Lanes, a.Directives.BusBits, a.Array.TapsPerLane,
            a.Multipliers, rtlFiles, memories.Select(m => m.Module).ToList(), a.CyclesPerInference,
            new ScheduleCycles(a.LoadBeats, a.ComputeCycles, a.ReadBeats), layers, Operators(a), memories);
    }
}
