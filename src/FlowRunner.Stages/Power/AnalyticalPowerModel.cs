using FlowRunner.Hls.Schedule;
using FlowRunner.Models.Activity;
using FlowRunner.Stages.Memory;

namespace FlowRunner.Stages.Power;

/// <summary>Options of the analytical model that are assumptions rather than measurements (documented in power.json's "assumptions").</summary>
/// <param name="ControlActivity">Toggles per bit per cycle of the registers, muxes and comparators outside the MAC datapath (counters, FSM).</param>
/// <param name="ClockTreeOverhead">Clock-tree buffers' energy as a share of the flip-flops' clock-pin energy.</param>
public sealed record PowerAssumptions(double ControlActivity = 0.1, double ClockTreeOverhead = 0.5);

/// <summary>The analytical power model: energy per inference from measured toggle rates and the tech's energy per operation.
/// <list type="bullet">
/// <item>Multipliers: steps x lanes x taps operations, each at the table's energy for the hardware widths scaled by the operand toggles per
/// operation over the table's (activity 0.5 on every input bit).</item>
/// <item>Adders: per lane an adder tree of taps-1 adders (product width + log2 taps) at the adder-tree toggle rate and the accumulator adder at
/// the accumulator toggle rate, each over 0.5.</item>
/// <item>Data registers: every measured toggle of the accumulators, the weight registers (one a multiplier) and the activation registers (one a
/// tap, broadcast to the lanes) costs one flip-flop transition.</item>
/// <item>Control: the schedule's other registers, muxes and comparators at <see cref="PowerAssumptions.ControlActivity"/> every cycle.</item>
/// <item>Clock: every flip-flop's clock pin every cycle of the inference, plus the tree overhead.</item>
/// <item>Memory: reads and writes per inference x energy per access from memory.json.</item>
/// <item>Leakage: logic area x the tech's leakage density, plus the macros' leakage, over the inference time.</item>
/// </list></summary>
public static class AnalyticalPowerModel
{
    public static PowerBreakdown Estimate(ScheduleRecord schedule, ActivityReport activity, MemoryManifest? memories, TechEnergy tech, double clockNs,
        PowerAssumptions assumptions, double? synthLogicAreaUm2 = null, long? synthFlipFlops = null)
    {
        if (clockNs <= 0) throw new ArgumentException($"the clock period must be positive, got {clockNs} ns");
        var lanes = schedule.Lanes;
        var taps = schedule.MultipliersPerLane;
        var mul = schedule.Operators.FirstOrDefault(o => o.Kind == "mul");
        var layers = new List<LayerEnergy>();
        double mulPj = 0, addPj = 0, regPj = 0;
        foreach (var a in activity.Layers)
        {
            var s = schedule.Layers.FirstOrDefault(l => l.Name == a.Name);
            var aw = mul is { AWidth: > 0 } ? mul.AWidth : a.OperandA.Bits;
            var bw = mul is { BWidth: > 0 } ? mul.BWidth : a.OperandB.Bits;
            var accBits = s is { AccumBits: > 0 } ? s.AccumBits : a.Accumulator.Bits;
            var ops = (double)a.Steps * lanes * taps;
            var operandToggles = a.OperandA.TogglesPerInference + a.OperandB.TogglesPerInference;
            var operandRate = ops == 0 ? 0 : operandToggles / (ops * (aw + bw));
            var m = ops * tech.MultiplyPj(aw, bw) * operandRate / TechEnergy.TableActivity;
            var treeWidth = aw + bw + (int)Math.Ceiling(Math.Log2(Math.Max(2, taps)));
            var tree = (double)a.Steps * lanes * (taps - 1) * tech.AddPj(treeWidth) * a.AdderTree.ToggleRate / TechEnergy.TableActivity;
            var accAdd = (double)a.Steps * lanes * tech.AddPj(accBits) * a.Accumulator.ToggleRate / TechEnergy.TableActivity;
            var regs = (a.Accumulator.TogglesPerInference + a.OperandA.TogglesPerInference + a.OperandB.TogglesPerInference / Math.Max(1, lanes))
                * tech.FlopTogglePj;
            layers.Add(new LayerEnergy(a.Name, a.Steps, m, tree + accAdd, regs, operandRate, a.Accumulator.ToggleRate));
            mulPj += m;
            addPj += tree + accAdd;
            regPj += regs;
        }

        // Datapath flip-flops the activity accounts for: accumulators, weight registers, activation registers.
        var accWidth = schedule.Layers.Where(l => l.AccumBits > 0).Select(l => l.AccumBits).DefaultIfEmpty(activity.Layers.Select(l => l.Accumulator.Bits).DefaultIfEmpty(0).Max()).Max();
        // Register widths from the measured formats (the schedule's `mul` operator does not say which input is the weight).
        var weightWidth = activity.Layers.Select(l => l.OperandA.Bits).DefaultIfEmpty(0).Max();
        var activationWidth = activity.Layers.Select(l => l.OperandB.Bits).DefaultIfEmpty(0).Max();
        var aWidth = mul is { AWidth: > 0 } ? mul.AWidth : weightWidth;
        var bWidth = mul is { BWidth: > 0 } ? mul.BWidth : activationWidth;
        long datapathFlops = (long)lanes * accWidth + (long)lanes * taps * weightWidth + (long)taps * activationWidth;
        var flops = Math.Max(synthFlipFlops ?? schedule.RegisterBits(), datapathFlops);
        var controlFlops = Math.Max(0, flops - datapathFlops);
        var cycles = schedule.CyclesPerInference;
        var control = controlFlops * assumptions.ControlActivity * tech.FlopTogglePj * cycles;
        foreach (var o in schedule.Operators.Where(o => o.Kind is "mux" or "cmp"))
        {
            // A 2:1 mux bit is ~2.3 GE against a full adder's ~5.3 (NanGate ratios); a comparator is a subtractor.
            var perOp = o.Kind == "mux" ? tech.AddPj(Math.Max(1, o.Width)) * 2.333 / 5.333 : tech.AddPj(Math.Max(1, o.Width));
            control += o.Count * perOp * assumptions.ControlActivity / TechEnergy.TableActivity * cycles;
        }
        var clock = flops * tech.FlopClockPj * (1 + assumptions.ClockTreeOverhead) * cycles;

        var memoryRows = MemoryEnergy.Of(memories);

        var (logicArea, areaSource) = synthLogicAreaUm2 is { } synthArea ? (synthArea, "synth")
            : (AnalyticalLogicArea(schedule, tech, flops, aWidth, bWidth, accWidth), "analytical (tech operation areas)");
        var logicLeakage = logicArea * tech.LeakageNwPerUm2 * 1e-6;
        var memoryLeakage = memoryRows.Sum(m => m.LeakageUw) / 1000;
        return new PowerBreakdown
        {
            Tech = tech.Tech,
            ClockNs = clockNs,
            Cycles = cycles,
            LogicPj = mulPj + addPj + regPj + control,
            MemoryPj = memoryRows.Sum(m => m.EnergyPj),
            ClockPj = clock,
            LeakageMw = logicLeakage + memoryLeakage,
            Analytical = new AnalyticalParts(mulPj, addPj, regPj, control, logicLeakage, memoryLeakage, layers),
            LogicAreaUm2 = logicArea,
            LogicAreaSource = areaSource,
            MemoryAreaUm2 = memories?.Logical.Sum(l => l.AreaUm2) ?? 0,
            FlipFlops = flops,
            Memories = memoryRows,
            Assumptions =
            [
                $"operation energies at input activity {TechEnergy.TableActivity} scaled by measured toggles per bit per cycle over {TechEnergy.TableActivity}",
                $"flip-flop: {tech.FlopTogglePj:G4} pJ a transition, {tech.FlopClockPj:G4} pJ a clock cycle ({tech.Source})",
                $"control logic ({controlFlops} flip-flops outside the datapath, muxes, comparators) at activity {assumptions.ControlActivity} every cycle",
                $"clock tree: {assumptions.ClockTreeOverhead:P0} over the clock pins; no clock gating (every flip-flop clocked every cycle)",
                "MAC array idle during load and read-back cycles (its registers hold)",
            ],
        };
    }

    /// <summary>Logic area without synthesis: the MAC array's multipliers and adders from the tech table, every flip-flop, the muxes and comparators.</summary>
    public static double AnalyticalLogicArea(ScheduleRecord schedule, TechEnergy tech, long flops, int aWidth, int bWidth, int accWidth)
    {
        var lanes = schedule.Lanes;
        var taps = schedule.MultipliersPerLane;
        var treeWidth = aWidth + bWidth + (int)Math.Ceiling(Math.Log2(Math.Max(2, taps)));
        var area = (double)lanes * taps * tech.MultiplyAreaUm2(aWidth, bWidth)
            + lanes * ((taps - 1) * tech.AddAreaUm2(treeWidth) + tech.AddAreaUm2(accWidth))
            + flops * tech.FlopAreaUm2;
        foreach (var o in schedule.Operators.Where(o => o.Kind is "mux" or "cmp"))
            area += o.Count * tech.AddAreaUm2(Math.Max(1, o.Width)) * (o.Kind == "mux" ? 2.333 / 5.333 : 1);
        return area;
    }
}
