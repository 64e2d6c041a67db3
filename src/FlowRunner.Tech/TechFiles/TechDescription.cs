using FlowRunner.Tech.CellLibrary;
using FlowRunner.Tech.Memories;
using YamlDotNet.Serialization;

namespace FlowRunner.Tech;

/// <summary>A technology as described by tech/&lt;name&gt;/tech.yaml: node, supply, standard cells, rows, wires, operation costs and memory compiler template.</summary>
public sealed class TechDescription
{
    public string Name { get; set; } = "";

    /// <summary>One line for people: what the technology is and where its numbers come from.</summary>
    public string Description { get; set; } = "";
    public double NodeNm { get; set; }
    public double SupplyV { get; set; }

    /// <summary>Default clock period when a recipe sets none.</summary>
    public double ClockNs { get; set; }

    [YamlMember(Alias = "stdcells")]
    public StdCellSpec StdCells { get; set; } = new();
    public RowSpec Rows { get; set; } = new();
    public WireModel Wire { get; set; } = new();
    public OperationTable Operations { get; set; } = new();

    /// <summary>The cell set FlowRunner derives a Liberty file from, when <see cref="StdCellSpec.Generate"/> is set.</summary>
    public GenericCellSpec? Cells { get; set; }
    public MemoryTemplateSet Memory { get; set; } = new();

    /// <summary>Absolute path of the tech.yaml this was read from.</summary>
    [YamlIgnore]
    public string File { get; internal set; } = "";

    /// <summary>Folder of the tech.yaml; relative paths inside it resolve against this folder.</summary>
    [YamlIgnore]
    public string Directory => Path.GetDirectoryName(File) ?? ".";

    public override string ToString() => $"{Name} ({NodeNm} nm, {SupplyV} V)";
}

/// <summary>Where the standard cells come from: files of an installed library (folder overridable by an environment variable) or generated.</summary>
public sealed class StdCellSpec
{
    /// <summary>Folder holding the library files (Debian default for osu018).</summary>
    public string? Dir { get; set; }

    /// <summary>Environment variable that, when set, replaces <see cref="Dir"/> (e.g. FLOWRUNNER_OSU018_DIR).</summary>
    public string? DirEnv { get; set; }

    /// <summary>Liberty file name or path (relative to the folder).</summary>
    public string? Liberty { get; set; }
    public string? Lef { get; set; }

    /// <summary>True when FlowRunner writes the Liberty itself from the tech's `cells:` section.</summary>
    public bool Generate { get; set; }
}

/// <summary>Placement rows: the height of a standard-cell row and the width of one site.</summary>
public sealed class RowSpec
{
    public double HeightUm { get; set; }
    public double SiteUm { get; set; }
}

/// <summary>On-chip wires: capacitance per length and the energy of moving one bit one millimetre.</summary>
public sealed class WireModel
{
    public double CapacitanceFfPerUm { get; set; }
    public double EnergyPjPerBitMm { get; set; }
}
