namespace FlowRunner.Tech.Netlist;

/// <summary>One bit of a gate-level netlist: bit <see cref="Index"/> of wire <see cref="Wire"/> (index 0 for a scalar wire), or a constant
/// (<see cref="Wire"/> null, <see cref="Constant"/> '0', '1', 'x' or 'z').</summary>
public readonly record struct NetBit(string? Wire, int Index, char Constant = '\0')
{
    public bool IsConstant => Wire is null;

    public static NetBit Const(char value) => new(null, 0, value);

    public override string ToString() => Wire is null ? $"1'b{Constant}" : $"{Wire}[{Index}]";
}

/// <summary>A declared wire or port: name, range as written (msb, lsb; a scalar is 0:0 and not <see cref="Ranged"/>) and direction.</summary>
public sealed record NetlistWire(string Name, int Msb, int Lsb, bool Ranged, string Direction = "wire")
{
    public int Width => Math.Abs(Msb - Lsb) + 1;

    /// <summary>The bit indices from the most significant one, as a concatenation lists them.</summary>
    public IEnumerable<int> Indices() => Msb >= Lsb ? Enumerable.Range(0, Width).Select(i => Msb - i) : Enumerable.Range(0, Width).Select(i => Msb + i);

    public bool IsPort => Direction is "input" or "output" or "inout";
}

/// <summary>A cell or module instance: its pins' connections bit by bit (most significant first, as the expression lists them) and its
/// parameters as written.</summary>
public sealed record NetlistCell(string Name, string Cell, IReadOnlyDictionary<string, IReadOnlyList<NetBit>> Pins, IReadOnlyDictionary<string, string> Parameters, int Line);

/// <summary>A flat gate-level module as Yosys' `write_verilog` (and qflow's blif2Verilog) writes it: ports, wires, instances and
/// continuous assignments between bits (aliases).</summary>
public sealed class GateNetlist
{
    public required string File { get; init; }
    public required string Module { get; init; }
    public required IReadOnlyList<string> PortOrder { get; init; }
    public required IReadOnlyDictionary<string, NetlistWire> Wires { get; init; }
    public required IReadOnlyList<NetlistCell> Cells { get; init; }
    public required IReadOnlyList<(NetBit Left, NetBit Right)> Assigns { get; init; }

    /// <summary>The electrical nets: every wire bit mapped to its net's representative bit (assign aliases joined; a net tied to a constant is
    /// represented by the constant). Representatives prefer a port, then a bit some cell pin connects, then the shortest name.</summary>
    public IReadOnlyDictionary<NetBit, NetBit> Nets()
    {
        var parent = new Dictionary<NetBit, NetBit>();
        NetBit Find(NetBit b)
        {
            var root = b;
            while (parent[root] != root) root = parent[root];
            while (parent[b] != root)
            {
                var next = parent[b];
                parent[b] = root;
                b = next;
            }
            return root;
        }
        var connected = new HashSet<NetBit>(Cells.SelectMany(c => c.Pins.Values.SelectMany(v => v)));
        int Rank(NetBit b) => b.IsConstant ? 0 : Wires.TryGetValue(b.Wire!, out var w) && w.IsPort ? 1 : connected.Contains(b) ? 2 : 3;
        bool Better(NetBit a, NetBit b) => Rank(a) != Rank(b) ? Rank(a) < Rank(b)
            : a.IsConstant || b.IsConstant ? a.IsConstant : a.Wire!.Length != b.Wire!.Length ? a.Wire.Length < b.Wire.Length : string.CompareOrdinal(a.ToString(), b.ToString()) < 0;
        foreach (var w in Wires.Values)
            foreach (var i in w.Indices()) parent[new NetBit(w.Name, i)] = new NetBit(w.Name, i);
        foreach (var (l, r) in Assigns)
        {
            parent.TryAdd(l, l);
            parent.TryAdd(r, r);
            var (a, b) = (Find(l), Find(r));
            if (a == b) continue;
            if (Better(a, b)) parent[b] = a; else parent[a] = b;
        }
        return parent.Keys.ToDictionary(b => b, Find);
    }
}
