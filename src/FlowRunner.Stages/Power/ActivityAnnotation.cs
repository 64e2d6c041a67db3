using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FlowRunner.Models.Activity;

namespace FlowRunner.Stages.Power;

/// <summary>Turns the measured toggle rates into OpenSTA activity commands (OpenSTA 2.0.17 reads no VCD). Rates are toggles per bit per clock
/// cycle over the whole inference (load and read-back cycles included), what OpenSTA calls activity.
/// <list type="bullet">
/// <item>Flip-flop outputs (cells with an `ff` group in the Liberty) are annotated by the name of the net they drive: a name with "acc" gets the
/// accumulator rate; "w", "wt", "weight", "coef" or "rom" as a word gets the weight-operand rate; "x", "act", "pix", "win", "din", the window row buffers "rb0".."rb2" or the output packer "pk" the
/// activation rate; any other flip-flop the control activity.</item>
/// <item>Memory black boxes' outputs get the activation rate (they feed the operands).</item>
/// <item>Primary inputs get the control activity; OpenSTA propagates activity through the combinational logic from these.</item>
/// </list>
/// OpenSTA 2.0.17's `set_power_activity -pins` is broken (it calls an undefined get_pins_error and keeps only input pins), so pins are annotated
/// with the command it was meant to call, sta::set_power_pin_activity; -global is not used because it overrides every pin annotation.</summary>
public sealed record ActivityAnnotation(double AccumulatorRate, double WeightRate, double ActivationRate, double ControlRate,
    IReadOnlyDictionary<string, IReadOnlyList<string>> PinsByRole)
{
    private static readonly Regex Accumulator = new("acc", RegexOptions.IgnoreCase);
    private static readonly Regex Weight = new(@"(^|[^a-z])(w|wt|weight|weights|coef|rom)([^a-z]|$)", RegexOptions.IgnoreCase);
    private static readonly Regex Activation = new(@"(^|[^a-z])(x|act|pix|pixel|win|window|din|rb[0-9]*|pk)([^a-z]|$)", RegexOptions.IgnoreCase);

    public int AnnotatedPins => PinsByRole.Values.Sum(p => p.Count);

    public static ActivityAnnotation Build(IReadOnlyList<NetlistInstance> instances, ISet<string> flopCells, ISet<string> memoryModules,
        ActivityReport activity, long cyclesPerInference, double controlRate)
    {
        double cycles = Math.Max(1, cyclesPerInference);
        double Rate(Func<LayerActivity, double> toggles, Func<LayerActivity, double> bits) =>
            activity.Layers.Count == 0 ? 0 : Math.Min(1, activity.Layers.Sum(toggles) / (activity.Layers.Max(bits) * cycles));
        var lanes = Math.Max(1, activity.Lanes);
        var acc = Rate(l => l.Accumulator.TogglesPerInference, l => (double)l.Accumulator.Bits * l.Accumulator.Units);
        var weight = Rate(l => l.OperandA.TogglesPerInference, l => (double)l.OperandA.Bits * l.OperandA.Units);
        var act = Rate(l => l.OperandB.TogglesPerInference / lanes, l => (double)l.OperandB.Bits * l.OperandB.Units / lanes);
        var roles = new Dictionary<string, List<string>> { ["accumulator"] = [], ["weight"] = [], ["activation"] = [], ["control"] = [], ["memory"] = [] };
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
                var role = Accumulator.IsMatch(net) ? "accumulator" : Weight.IsMatch(net) ? "weight" : Activation.IsMatch(net) ? "activation" : "control";
                roles[role].Add($"{i.Name}/{pin}");
            }
        }
        return new ActivityAnnotation(acc, weight, act, controlRate, roles.ToDictionary(r => r.Key, r => (IReadOnlyList<string>)r.Value));
    }

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
            sb.Append("# ").Append(role).Append(": ").Append(pins.Count).Append(" pins at ").AppendLine(F(RateOf(role)));
            foreach (var chunk in pins.Chunk(100))
                sb.Append("foreach p [get_pins {").Append(string.Join(' ', chunk)).Append("}] { sta::set_power_pin_activity $p ")
                    .Append(F(RateOf(role))).AppendLine(" 0.5 }");
        }
        return sb.ToString();
    }

    private static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}
