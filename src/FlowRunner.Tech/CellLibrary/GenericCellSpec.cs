namespace FlowRunner.Tech.CellLibrary;

/// <summary>The `cells:` section of a tech.yaml: unit figures of one gate equivalent and the cell list FlowRunner derives a Liberty from.</summary>
public sealed class GenericCellSpec
{
    /// <summary>Name of the generated Liberty library (and of its file, with .lib).</summary>
    public string Library { get; set; } = "";
    public CellUnit Unit { get; set; } = new();

    /// <summary>Input transitions (ns) and output loads (pF) the delay tables are given at.</summary>
    public TableAxes Axes { get; set; } = new();
    public List<GenericCell> List { get; set; } = [];
}

/// <summary>Figures of one gate equivalent (GE, a 1x NAND2) and of the unit inverter, from which every cell is derived.</summary>
public sealed class CellUnit
{
    /// <summary>Area of one GE.</summary>
    public double AreaUm2 { get; set; }

    /// <summary>Input capacitance of the unit inverter; a cell input presents effort x this.</summary>
    public double InputCapPf { get; set; }

    /// <summary>Logical-effort delay unit: a 1x gate drives its own input capacitance in one tau.</summary>
    public double TauNs { get; set; }

    /// <summary>How much of the input transition adds to a cell's delay.</summary>
    public double SlewFactor { get; set; }

    /// <summary>Internal (short-circuit and self-load) energy per output transition per GE, in pJ.</summary>
    public double EnergyPj { get; set; }

    /// <summary>Leakage per GE.</summary>
    public double LeakageNw { get; set; }
}

/// <summary>The two index points of the generated delay tables.</summary>
public sealed class TableAxes
{
    public List<double> TransitionNs { get; set; } = [];
    public List<double> LoadPf { get; set; } = [];
}

/// <summary>One generated cell: size in GE, logical effort and parasitic delay, pins and output functions.</summary>
public sealed class GenericCell
{
    public string Name { get; set; } = "";

    /// <summary>Area in gate equivalents.</summary>
    public double Ge { get; set; }

    /// <summary>Logical effort of the inputs (input capacitance relative to the unit inverter).</summary>
    public double Effort { get; set; } = 1;

    /// <summary>Parasitic delay in tau; for flip-flops the clock-to-Q delay.</summary>
    public double Parasitic { get; set; } = 1;
    public List<string> Inputs { get; set; } = [];

    /// <summary>Output pin names and their Liberty functions (for flip-flops, the state variable IQ).</summary>
    public Dictionary<string, string> Outputs { get; set; } = [];

    /// <summary>Set for flip-flops: the clock pin, next state, and optional asynchronous clear.</summary>
    public SequentialSpec? Sequential { get; set; }
}

/// <summary>The `ff` group of a generated flip-flop and its setup and hold, in tau.</summary>
public sealed class SequentialSpec
{
    public string Clock { get; set; } = "CLK";
    public string NextState { get; set; } = "D";

    /// <summary>Asynchronous clear condition, e.g. "!RN"; null for none.</summary>
    public string? Clear { get; set; }
    public double SetupTau { get; set; }
    public double HoldTau { get; set; }

    /// <summary>Share of a GE's internal energy the clock pin burns on every clock edge.</summary>
    public double ClockEnergyGe { get; set; }
}
