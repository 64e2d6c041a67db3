using System.Globalization;
using System.Text;

namespace FlowRunner.Stages.PlaceRoute;

/// <summary>
/// Writes qrouter's RC trees as SPEF (IEEE 1481) so OpenSTA's `read_spef` sees every routed net's wire capacitance (which loads
/// its driver, in delay and in switching power) and resistance (Elmore delay to each sink). Each tree node is a SPEF node: the
/// pin it reaches when it reaches one, else `net:k`; each node's C is a grounded *CAP, its R a *RES to its parent; the driver is
/// the root. Units: ns, pF, ohm, as the RC file's.
/// </summary>
public static class SpefWriter
{
    public static string Write(string design, IReadOnlyList<RcNet> nets)
    {
        var sb = new StringBuilder();
        sb.Append("*SPEF \"IEEE 1481-1998\"\n");
        sb.Append($"*DESIGN \"{design}\"\n");
        sb.Append("*DATE \"-\"\n*VENDOR \"FlowRunner\"\n*PROGRAM \"FlowRunner place.route: qrouter -d RC trees\"\n*VERSION \"1\"\n");
        sb.Append("*DESIGN_FLOW \"PIN_CAP NONE\"\n*DIVIDER /\n*DELIMITER :\n*BUS_DELIMITER [ ]\n");
        sb.Append("*T_UNIT 1 NS\n*C_UNIT 1 PF\n*R_UNIT 1 OHM\n*L_UNIT 1 HENRY\n\n");
        foreach (var net in nets)
        {
            var name = Name(NetlistName(net));
            var caps = new List<(string Node, double C)>();
            var res = new List<(string A, string B, double R)>();
            var sinks = new List<string>();
            var k = 0;
            var driver = Pin(net.Driver);
            void Walk(RcNode n, string parent)
            {
                var node = n.Pins.Count > 0 ? Pin(n.Pins[0]) : $"{name}:{++k}";
                foreach (var p in n.Pins) sinks.Add(p);
                // Further pins at the same node are joined to it by a zero-length wire.
                foreach (var p in n.Pins.Skip(1)) res.Add((node, Pin(p), 0.001));
                caps.Add((node, n.CapacitancePf));
                res.Add((parent, node, Math.Max(n.ResistanceOhm, 0.001)));
                foreach (var c in n.Children) Walk(c, node);
            }
            foreach (var n in net.Tree) Walk(n, driver);
            sb.Append(CultureInfo.InvariantCulture, $"*D_NET {name} {N(caps.Sum(c => c.C))}\n*CONN\n");
            sb.Append(Conn(net.Driver, driving: true));
            foreach (var s in sinks.Distinct(StringComparer.Ordinal)) sb.Append(Conn(s, driving: false));
            sb.Append("*CAP\n");
            for (var i = 0; i < caps.Count; i++) sb.Append(CultureInfo.InvariantCulture, $"{i + 1} {caps[i].Node} {N(caps[i].C)}\n");
            sb.Append("*RES\n");
            for (var i = 0; i < res.Count; i++) sb.Append(CultureInfo.InvariantCulture, $"{i + 1} {res[i].A} {res[i].B} {N(res[i].R)}\n");
            sb.Append("*END\n\n");
        }
        return sb.ToString();
    }

    /// <summary>The net's name in blif2Verilog's netlist: a bus bit that is not a top-level port becomes `name_index_` there (`x_q[3]` is `x_q_3_`),
    /// a port keeps its bus name, and a '$' (blifFanout's `clk_bF$buf6`) becomes '_'.</summary>
    public static string NetlistName(RcNet net)
    {
        var isPort = IsPort(net.Driver) || net.Tree.Any(t => t.Pins.Any(IsPort) || t.Descendants().Any(d => d.Pins.Any(IsPort)));
        return isPort ? net.Name : net.Name.Replace('[', '_').Replace(']', '_').Replace('$', '_');
    }

    /// <summary>A top-level port is `PIN/name` in the RC file: it drives the net when it is an input, is driven when it is an output.</summary>
    private static string Conn(string pin, bool driving) => IsPort(pin)
        ? $"*P {Name(pin[4..])} {(driving ? "I" : "O")}\n"
        : $"*I {Pin(pin)} {(driving ? "O" : "I")}\n";

    private static bool IsPort(string pin) => pin.StartsWith("PIN/", StringComparison.Ordinal);

    private static string Pin(string pin)
    {
        if (IsPort(pin)) return Name(pin[4..]);
        var slash = pin.LastIndexOf('/');
        return slash < 0 ? Name(pin) : $"{Name(pin[..slash].Replace('$', '_'))}:{Name(pin[(slash + 1)..])}";
    }

    /// <summary>SPEF identifiers: letters, digits, '_' and the bus brackets stand as they are; any other character is escaped with '\'.</summary>
    public static string Name(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var ch in s)
        {
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '_' or '[' or ']')) sb.Append('\\');
            sb.Append(ch);
        }
        return sb.ToString();
    }

    private static string N(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}
