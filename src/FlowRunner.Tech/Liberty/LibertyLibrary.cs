namespace FlowRunner.Tech.Liberty;

/// <summary>The typed view of a Liberty library: units, nominal voltage and cells, over the raw group tree.</summary>
public sealed class LibertyLibrary
{
    private readonly Dictionary<string, LibertyCell> _byName;

    private LibertyLibrary(string name, string file, LibertyGroup group, LibertyUnits units, double? nominalVoltage, IReadOnlyList<LibertyCell> cells)
    {
        Name = name;
        File = file;
        Group = group;
        Units = units;
        NominalVoltage = nominalVoltage;
        Cells = cells;
        _byName = new Dictionary<string, LibertyCell>(StringComparer.Ordinal);
        foreach (var c in cells) _byName.TryAdd(c.Name, c);
    }

    public string Name { get; }

    /// <summary>The file read, for messages.</summary>
    public string File { get; }

    /// <summary>The raw `library` group, for attributes the typed view does not cover.</summary>
    public LibertyGroup Group { get; }
    public LibertyUnits Units { get; }

    /// <summary>nom_voltage, in the library's voltage unit; null when the file has none.</summary>
    public double? NominalVoltage { get; }
    public IReadOnlyList<LibertyCell> Cells { get; }

    public LibertyCell? Cell(string name) => _byName.GetValueOrDefault(name);

    public static LibertyLibrary FromGroup(LibertyGroup root, string file = "<text>")
    {
        if (root.Type != "library")
            throw new LibertyFormatException(file, root.Line, $"expected a 'library' group at the top, found '{root.Type}'");
        var units = LibertyUnits.From(root, file);
        var cells = root.GroupsOf("cell").Select(c => LibertyCell.From(c, root, file)).ToList();
        return new LibertyLibrary(root.Name, file, root, units, root.Number("nom_voltage", file), cells);
    }

    public override string ToString() => $"{Name} ({Cells.Count} cells)";
}

/// <summary>A cell: area, leakage, pins with their timing and power, and whether it stores state.</summary>
public sealed class LibertyCell
{
    private LibertyCell(string name, LibertyGroup group, double area, double? leakage, IReadOnlyList<LibertyPin> pins)
    {
        Name = name;
        Group = group;
        Area = area;
        LeakagePower = leakage;
        Pins = pins;
    }

    public string Name { get; }
    public LibertyGroup Group { get; }

    /// <summary>Area in the library's area unit (um2 in practice); 0 when the file gives none.</summary>
    public double Area { get; }

    /// <summary>cell_leakage_power in the library's leakage power unit; null when absent.</summary>
    public double? LeakagePower { get; }
    public IReadOnlyList<LibertyPin> Pins { get; }

    /// <summary>True for flip-flops and latches (an `ff` or `latch` group), which synthesis maps registers onto.</summary>
    public bool IsSequential => Group.GroupsOf("ff").Any() || Group.GroupsOf("latch").Any() || Group.GroupsOf("ff_bank").Any();

    public bool DontUse => Group.Text("dont_use") == "true";

    public IEnumerable<LibertyPin> Inputs => Pins.Where(p => p.Direction == PinDirection.Input);
    public IEnumerable<LibertyPin> Outputs => Pins.Where(p => p.Direction == PinDirection.Output);

    public LibertyPin? Pin(string name) => Pins.FirstOrDefault(p => p.Name == name);

    internal static LibertyCell From(LibertyGroup g, LibertyGroup library, string file)
    {
        if (g.Name.Length == 0) throw new LibertyFormatException(file, g.Line, "cell group has no name");
        var pins = g.GroupsOf("pin").Select(p => LibertyPin.From(p, library, file, null))
            .Concat(g.GroupsOf("bus").Select(b => LibertyPin.From(b, library, file, BusWidth(b, library))))
            .ToList();
        return new LibertyCell(g.Name, g, g.Number("area", file) ?? 0, g.Number("cell_leakage_power", file), pins);
    }

    private static int? BusWidth(LibertyGroup bus, LibertyGroup library)
    {
        var type = bus.Text("bus_type");
        return library.GroupsOf("type").FirstOrDefault(t => t.Name == type)?.Number("bit_width") is { } w ? (int)w : null;
    }

    public override string ToString() => $"{Name} (area {Area})";
}

/// <summary>Direction of a cell pin.</summary>
public enum PinDirection { Input, Output, Inout, Internal }

/// <summary>A pin (or bus): direction, capacitance, function, and the timing arcs and internal power that end on it.</summary>
public sealed class LibertyPin
{
    public required string Name { get; init; }
    public required PinDirection Direction { get; init; }

    /// <summary>Input capacitance in the library's capacitance unit (0 for outputs in most libraries).</summary>
    public double Capacitance { get; init; }

    /// <summary>Boolean function of an output, in Liberty syntax (`(A B)`, `!A`, `A^B`); null for inputs.</summary>
    public string? Function { get; init; }
    public bool IsClock { get; init; }

    /// <summary>Number of bits when this is a bus; null for a single-bit pin.</summary>
    public int? BusWidth { get; init; }
    public IReadOnlyList<LibertyTiming> Timings { get; init; } = [];
    public IReadOnlyList<LibertyInternalPower> InternalPower { get; init; } = [];
    public required LibertyGroup Group { get; init; }

    internal static LibertyPin From(LibertyGroup g, LibertyGroup library, string file, int? busWidth)
    {
        var direction = g.Text("direction") switch
        {
            "input" => PinDirection.Input,
            "output" => PinDirection.Output,
            "inout" => PinDirection.Inout,
            "internal" => PinDirection.Internal,
            null => throw new LibertyFormatException(file, g.Line, $"{g.Type} '{g.Name}' has no direction"),
            var d => throw new LibertyFormatException(file, g.Attribute("direction")!.Line, $"{g.Type} '{g.Name}' has unknown direction '{d}'"),
        };
        return new LibertyPin
        {
            Name = g.Name,
            Direction = direction,
            Capacitance = g.Number("capacitance", file) ?? 0,
            Function = g.Text("function"),
            IsClock = g.Text("clock") == "true",
            BusWidth = busWidth,
            Timings = g.GroupsOf("timing").Select(t => LibertyTiming.From(t, library, file)).ToList(),
            InternalPower = g.GroupsOf("internal_power").Select(p => LibertyInternalPower.From(p, library, file)).ToList(),
            Group = g,
        };
    }

    public override string ToString() => $"{Name} ({Direction})";
}

/// <summary>A timing arc from a related pin: its type (combinational, rising_edge, setup_rising...), sense and tables.</summary>
public sealed class LibertyTiming
{
    public required string? RelatedPin { get; init; }

    /// <summary>timing_type; "combinational" when the file leaves it out, as Liberty defines.</summary>
    public required string TimingType { get; init; }
    public string? TimingSense { get; init; }
    public string? When { get; init; }

    /// <summary>Tables by name: cell_rise, cell_fall, rise_transition, fall_transition, rise_constraint, fall_constraint.</summary>
    public required IReadOnlyDictionary<string, LibertyTable> Tables { get; init; }

    public LibertyTable? CellRise => Tables.GetValueOrDefault("cell_rise");
    public LibertyTable? CellFall => Tables.GetValueOrDefault("cell_fall");

    internal static LibertyTiming From(LibertyGroup g, LibertyGroup library, string file) => new()
    {
        RelatedPin = g.Text("related_pin"),
        TimingType = g.Text("timing_type") ?? "combinational",
        TimingSense = g.Text("timing_sense"),
        When = g.Text("when"),
        Tables = g.Groups.Where(t => t.Attribute("values") is not null)
            .GroupBy(t => t.Type).ToDictionary(x => x.Key, x => LibertyTable.From(x.First(), library, file)),
    };
}

/// <summary>Internal energy of a pin per transition (rise_power / fall_power tables), optionally under a `when` condition.</summary>
public sealed class LibertyInternalPower
{
    public string? RelatedPin { get; init; }
    public string? When { get; init; }
    public LibertyTable? RisePower { get; init; }
    public LibertyTable? FallPower { get; init; }

    internal static LibertyInternalPower From(LibertyGroup g, LibertyGroup library, string file)
    {
        LibertyTable? T(string type) => g.Group(type) is { } t ? LibertyTable.From(t, library, file) : null;
        var both = T("power");
        return new LibertyInternalPower
        {
            RelatedPin = g.Text("related_pin"),
            When = g.Text("when"),
            RisePower = T("rise_power") ?? both,
            FallPower = T("fall_power") ?? both,
        };
    }
}
