using System.Globalization;
using System.Text;
using FlowRunner.Engine.Tools.Scripting;
using FlowRunner.Hls.Rtl;
using FlowRunner.Models.Activity;
using FlowRunner.Stages.Hls;

namespace FlowRunner.Stages.Power;

/// <summary>Turns the measured toggle rates into OpenSTA activity commands (OpenSTA 2.0.17 reads no VCD). Rates are toggles per bit per clock
/// cycle over the whole inference (load and read-back cycles included), what OpenSTA calls activity.
/// <list type="bullet">
/// <item>Flip-flops whose output net an RTL simulation measured (hls.emit's activity.vcd) get that register bit's own rate and duty.</item>
/// <item>Other flip-flop outputs (cells with an `ff` group in the Liberty) are annotated by the role hls.emit's register map (registers.json) gives
/// the register their net belongs to (<see cref="RoleOf"/>): accumulators the accumulator rate, weight operands the weight-operand rate, the window
/// row buffers and the output packer the activation rate, every other register (control, counters, addresses, constants, outputs) and a
/// net no register of the map names the control activity. Without a register map the roles are unknown: those flip-flops are
/// listed as "unknown", at the control activity.</item>
/// <item>Memory black boxes' outputs get the activation rate (they feed the operands).</item>
/// <item>Primary inputs get the control activity; OpenSTA propagates activity through the combinational logic from these.</item>
/// </list>
/// What OpenSTA 2.0.17 does with it (measured on the MNIST accelerator's netlist): it ignores activity set on flip-flop outputs (removing
/// every flip-flop annotation, or setting all of them to 0.9, left report_power unchanged to three digits); activity enters its
/// propagation through the input ports (`set_power_activity -input`: control_activity) and the memory macros' outputs. The flip-flop
/// annotations are kept for OpenSTA versions that honor them; with 2.0.17 the logic power follows the input-activity assumption
/// (2.48 mW at 0.1, 1.60 mW at 0.02 for 8.4 with 4 lanes at 143 MHz).
/// OpenSTA 2.0.17's `set_power_activity -pins` is broken (it calls an undefined get_pins_error and keeps only input pins), so pins are annotated
/// with the command it was meant to call, sta::set_power_pin_activity; -global is not used because it overrides every pin annotation.</summary>
public sealed record ActivityAnnotation(double AccumulatorRate, double WeightRate, double ActivationRate, double ControlRate,
    IReadOnlyDictionary<string, IReadOnlyList<string>> PinsByRole)
{
    /// <summary>Flip-flop pins annotated from a simulation (hls.emit's activity.vcd) with their own rate and duty; role "measured".</summary>
    public IReadOnlyDictionary<string, RegisterActivity> Measured { get; init; } = new Dictionary<string, RegisterActivity>();

    /// <summary>The role of a flip-flop whose register the stage cannot tell: no register map upstream.</summary>
    public const string Unknown = "unknown";

    public int AnnotatedPins => PinsByRole.Values.Sum(p => p.Count);

    /// <param name="measured">Register activity from an RTL simulation by net name (<see cref="VcdActivity"/>): a flip-flop whose output net
    /// it names gets its measured rate and duty instead of its role's rate.</param>
    /// <param name="registers">hls.emit's register map, which gives each flip-flop's role; null: the roles are unknown.</param>
    public static ActivityAnnotation Build(IReadOnlyList<NetlistInstance> instances, ISet<string> flopCells, ISet<string> memoryModules,
        ActivityReport activity, long cyclesPerInference, double controlRate, RegisterMapFile? registers, IReadOnlyDictionary<string, RegisterActivity>? measured = null)
    {
        var byPin = new Dictionary<string, RegisterActivity>(StringComparer.Ordinal);
        double cycles = Math.Max(1, cyclesPerInference);
        double Rate(Func<LayerActivity, double> toggles, Func<LayerActivity, double> bits) =>
            activity.Layers.Count == 0 ? 0 : Math.Min(1, activity.Layers.Sum(toggles) / (activity.Layers.Max(bits) * cycles));
        var lanes = Math.Max(1, activity.Lanes);
        var acc = Rate(l => l.Accumulator.TogglesPerInference, l => (double)l.Accumulator.Bits * l.Accumulator.Units);
        var weight = Rate(l => l.OperandA.TogglesPerInference, l => (double)l.OperandA.Bits * l.OperandA.Units);
        var act = Rate(l => l.OperandB.TogglesPerInference / lanes, l => (double)l.OperandB.Bits * l.OperandB.Units / lanes);
        var roles = new Dictionary<string, List<string>> { ["measured"] = [], ["accumulator"] = [], ["weight"] = [], ["activation"] = [], ["control"] = [], ["memory"] = [], [Unknown] = [] };
        foreach (var i in instances)
        {
            if (i.Name.StartsWith('\\')) continue; // escaped names do not survive Tcl lists reliably; they keep the propagated activity
            if (memoryModules.Contains(i.Cell))
            {
                roles["memory"].AddRange(i.Pins.Keys.Where(p => p == "dout").Select(p => $"{i.Name}/{p}[*]"));
                continue;
            }
            if (!flopCells.Contains(i.Cell)) continue;
            foreach (var (pin, net) in i.Pins.Where(p => p.Key is "Q" or "QN"))
            {
                if (pin == "Q" && measured is not null && measured.TryGetValue(net.Replace(" ", "").TrimStart('\\'), out var m))
                {
                    roles["measured"].Add($"{i.Name}/{pin}");
                    byPin[$"{i.Name}/{pin}"] = m;
                    continue;
                }
                var role = RoleOf(net, registers);
                roles[role].Add($"{i.Name}/{pin}");
            }
        }
        return new ActivityAnnotation(acc, weight, act, controlRate, roles.ToDictionary(r => r.Key, r => (IReadOnlyList<string>)r.Value)) { Measured = byPin };
    }

    /// <summary>The annotation role of a flip-flop or VCD net by the register map: accumulator, weight, activation or control; <see cref="Unknown"/>
    /// without a map.</summary>
    public static string RoleOf(string net, RegisterMapFile? registers) =>
        registers is null ? Unknown : registers.Find(net) is { } r ? RoleOf(r.Role) : "control";

    /// <summary>The activity a register role is annotated with: the MAC datapath's operands and accumulators by theirs, everything else at the
    /// control activity (the read word and the assigned outputs included, as they always were).</summary>
    public static string RoleOf(string registerRole) => registerRole switch
    {
        RegisterRoles.Accumulator => "accumulator",
        RegisterRoles.Weight => "weight",
        RegisterRoles.Window or RegisterRoles.Activation => "activation",
        _ => "control",
    };

    public double RateOf(string role) => role switch
    {
        "accumulator" => AccumulatorRate,
        "weight" => WeightRate,
        "activation" or "memory" => ActivationRate,
        _ => ControlRate,
    };

    /// <summary>The Tcl lines: input activity, then the pins of each role in chunks.</summary>
    public string ToTcl()
    {
        var sb = new StringBuilder();
        sb.Append("set_power_activity -input -activity ").Append(F(ControlRate)).AppendLine(" -duty 0.5");
        foreach (var (role, pins) in PinsByRole)
        {
            if (pins.Count == 0) continue;
            if (role == "measured")
            {
                sb.Append("# measured: ").Append(pins.Count).AppendLine(" flip-flop outputs at the rates and duties of the RTL simulation (activity.vcd)");
                foreach (var chunk in pins.Chunk(100))
                    sb.Append("foreach {p a d} ").Append(Tcl.List(chunk.SelectMany(p => new[] { p, F(Measured[p].Rate), F(Measured[p].Duty) }), "a flip-flop pin"))
                        .AppendLine(" { foreach q [get_pins $p] { sta::set_power_pin_activity $q $a $d } }");
                continue;
            }
            sb.Append("# ").Append(role).Append(": ").Append(pins.Count).Append(" pins at ").AppendLine(F(RateOf(role)));
            foreach (var chunk in pins.Chunk(100))
                sb.Append("foreach p [get_pins ").Append(Tcl.List(chunk, "a pin")).Append("] { sta::set_power_pin_activity $p ")
                    .Append(F(RateOf(role))).AppendLine(" 0.5 }");
        }
        return sb.ToString();
    }

    private static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}
