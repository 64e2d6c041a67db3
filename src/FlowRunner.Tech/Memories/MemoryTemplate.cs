namespace FlowRunner.Tech.Memories;

/// <summary>The `memory:` section of a tech.yaml: one compiler template per memory kind, the cost of soft banking, and how macro views are drawn.</summary>
public sealed class MemoryTemplateSet
{
    public MemoryTemplate Sram { get; set; } = new();
    public MemoryTemplate Rom { get; set; } = new();
    public BankingCost Banking { get; set; } = new();
    public MacroViewSpec Views { get; set; } = new();

    public MemoryTemplate For(MemoryKind kind) => kind == MemoryKind.Rom ? Rom : Sram;
}

/// <summary>A memory compiler template: legal shapes, bitcell, periphery, energy, leakage and timing as functions of the array size.</summary>
public sealed class MemoryTemplate
{
    public BitcellSpec Bitcell { get; set; } = new();

    /// <summary>Rows per macro (OpenRAM: at least 16, at most 512).</summary>
    public IntRange Rows { get; set; } = new();

    /// <summary>Words per row the column multiplexer may select from.</summary>
    public List<int> ColumnMux { get; set; } = [];

    /// <summary>Word widths the compiler makes.</summary>
    public IntRange Width { get; set; } = new();
    public PeripherySpec Periphery { get; set; } = new();
    public AccessEnergySpec Energy { get; set; } = new();
    public MemoryLeakageSpec Leakage { get; set; } = new();
    public MemoryTimingSpec Timing { get; set; } = new();

    /// <summary>Deepest macro the template can make: most rows times the widest column mux.</summary>
    public int MaxDepth => Rows.Max * (ColumnMux.Count == 0 ? 1 : ColumnMux.Max());
}

/// <summary>An inclusive integer range.</summary>
public sealed class IntRange
{
    public int Min { get; set; }
    public int Max { get; set; }
}

/// <summary>Pitch of one bitcell in the array.</summary>
public sealed class BitcellSpec
{
    public double WidthUm { get; set; }
    public double HeightUm { get; set; }
}

/// <summary>Periphery sizes: the row decoder and word-line drivers beside the array, the column circuits (precharge, mux, sense amplifiers, write drivers) below it.</summary>
public sealed class PeripherySpec
{
    public double DecoderBaseUm { get; set; }
    public double DecoderPerAddressBitUm { get; set; }
    public double ColumnBaseUm { get; set; }
    public double ColumnPerMuxBitUm { get; set; }
}

/// <summary>Energy per access: a fixed part plus a part that grows as width x depth^exponent (CACTI, Accelergy), anchored on one published point.</summary>
public sealed class AccessEnergySpec
{
    public int AnchorWidth { get; set; }
    public int AnchorDepth { get; set; }
    public double AnchorReadPj { get; set; }
    public double DepthExponent { get; set; }

    /// <summary>Part of every access that does not depend on size (control, address latch, clock), included in the anchor.</summary>
    public double FixedPj { get; set; }

    /// <summary>Write energy over read energy (full-swing bit lines).</summary>
    public double WriteToRead { get; set; }
}

/// <summary>Leakage of the array bits and of the periphery.</summary>
public sealed class MemoryLeakageSpec
{
    public double PerBitNw { get; set; }
    public double PerPeripheryUm2Nw { get; set; }
}

/// <summary>Access time from the array shape, and the cycle time and input constraints derived from it.</summary>
public sealed class MemoryTimingSpec
{
    public double BaseNs { get; set; }
    public double PerAddressBitNs { get; set; }
    public double PerRowNs { get; set; }
    public double PerColumnNs { get; set; }

    /// <summary>Minimum clock period over access time.</summary>
    public double CycleToAccess { get; set; }
    public double SetupNs { get; set; }
    public double HoldNs { get; set; }
}

/// <summary>Logic a depth split adds outside the macros: the bank decoder and the output multiplexer.</summary>
public sealed class BankingCost
{
    /// <summary>Area of one 2-input multiplexer bit (a depth split of b banks needs b-1 per output bit).</summary>
    public double MuxAreaUm2PerBit { get; set; }

    /// <summary>Energy of one multiplexer level per output bit per read.</summary>
    public double MuxEnergyPjPerBit { get; set; }

    /// <summary>Decoder and select register area per bank.</summary>
    public double DecoderAreaUm2PerBank { get; set; }

    /// <summary>Most banks one wrapper fans out to (one level of decode and multiplexing); more only when the limits leave no other cut.</summary>
    public int MaxBanks { get; set; } = 16;
}

/// <summary>How the LEF and Liberty views of a macro are drawn: pin layer and pitch, obstructions, power pins, pin capacitance.</summary>
public sealed class MacroViewSpec
{
    public string PinLayer { get; set; } = "";
    public double PinWidthUm { get; set; }
    public double PinLengthUm { get; set; }
    public double PinPitchUm { get; set; }
    public double PinCapacitancePf { get; set; }
    public List<string> ObstructionLayers { get; set; } = [];
    public string PowerLayer { get; set; } = "";

    /// <summary>Power and ground pin names, in that order (vdd, gnd).</summary>
    public List<string> PowerPins { get; set; } = [];
    public double PowerStripeUm { get; set; }

    /// <summary>Macro sizes are rounded up to this grid.</summary>
    public double GridUm { get; set; }
}
