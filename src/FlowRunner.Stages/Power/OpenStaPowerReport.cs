using System.Globalization;
using System.Text.RegularExpressions;

namespace FlowRunner.Stages.Power;

/// <summary>The table OpenSTA's report_power prints (2.0.17): one row per group (Sequential, Combinational, Macro, Pad) with internal,
/// switching, leakage and total power in watts, then the Total row.</summary>
/// <remarks>`report_power -instances` adds one row an instance (internal, switching, leakage, total, name): <see cref="InstancesW"/>.</remarks>
public sealed record OpenStaPowerReport(IReadOnlyDictionary<string, double> GroupsW, double TotalW, double InternalW, double SwitchingW, double LeakageW)
{
    /// <summary>Total power of the instances listed by `report_power -instances`, by instance name.</summary>
    public IReadOnlyDictionary<string, double> InstancesW { get; init; } = new Dictionary<string, double>();

    /// <summary>Leakage of the instances listed by `report_power -instances`, by instance name (part of <see cref="InstancesW"/>).</summary>
    public IReadOnlyDictionary<string, double> InstancesLeakageW { get; init; } = new Dictionary<string, double>();

    private static readonly Regex InstanceRow = new(@"^\s*([-+.\deE]+)\s+([-+.\deE]+)\s+([-+.\deE]+)\s+([-+.\deE]+)\s+(\S+)\s*$", RegexOptions.Multiline);

    private static readonly Regex Row = new(@"^\s*(Sequential|Combinational|Macro|Pad|Total)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", RegexOptions.Multiline);

    /// <summary>Reads the last report_power table of a log; a log without one is an error quoting its tail.</summary>
    public static OpenStaPowerReport Parse(string log, string source = "sta output")
    {
        var groups = new Dictionary<string, double>();
        double[]? total = null;
        foreach (Match m in Row.Matches(log))
        {
            var values = new double[4];
            for (var k = 0; k < 4; k++)
                if (!double.TryParse(m.Groups[k + 2].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out values[k]))
                    throw new FormatException($"{source}: report_power row '{m.Value.Trim()}': '{m.Groups[k + 2].Value}' is not a number");
            if (m.Groups[1].Value == "Total") total = values;
            else groups[m.Groups[1].Value] = values[3];
        }
        if (total is null)
        {
            var tail = string.Join("\n", log.Split('\n').TakeLast(8));
            throw new FormatException($"{source}: no report_power Total row; the output ends with:\n{tail}");
        }
        var instances = new Dictionary<string, double>();
        var leakage = new Dictionary<string, double>();
        foreach (Match m in InstanceRow.Matches(log))
            if (double.TryParse(m.Groups[4].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var w)
                && double.TryParse(m.Groups[3].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var l))
            {
                instances[m.Groups[5].Value] = w;
                leakage[m.Groups[5].Value] = l;
            }
        return new OpenStaPowerReport(groups, total[3], total[0], total[1], total[2]) { InstancesW = instances, InstancesLeakageW = leakage };
    }
}
