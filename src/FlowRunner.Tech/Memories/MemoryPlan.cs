namespace FlowRunner.Tech.Memories;

/// <summary>One macro instance of a split memory: which bank (address range) and slice (bit range) it holds, and its shape.</summary>
/// <param name="Name">Unique macro name (&lt;memory&gt;_b&lt;bank&gt;_s&lt;slice&gt;): Verilog module, Liberty cell and LEF macro.</param>
/// <param name="BaseAddress">First logical word the macro holds.</param>
/// <param name="Lsb">Lowest logical bit the macro holds.</param>
public sealed record MacroInstance(string Name, int Bank, int Slice, int BaseAddress, int Lsb, MacroShape Shape)
{
    public int Words => Shape.Words;
    public int Width => Shape.Width;
}

/// <summary>How one logical memory is built from macros, with the totals the splitter compared.</summary>
public sealed record MemoryPlan(LogicalMemory Memory, SplitKind Split, int BankDepth, int Banks, int Slices, IReadOnlyList<MacroInstance> Macros)
{
    /// <summary>Macros plus the bank decoder and output multiplexer of a depth split.</summary>
    public double AreaUm2 { get; init; }
    public double BankingAreaUm2 { get; init; }

    /// <summary>Average energy of one read over uniformly spread addresses: the slices of one bank plus the output multiplexer.</summary>
    public double ReadEnergyPj { get; init; }
    public double WriteEnergyPj { get; init; }
    public double LeakageUw { get; init; }

    /// <summary>Slowest macro's access time.</summary>
    public double AccessNs { get; init; }

    /// <summary>Slowest macro's minimum clock period.</summary>
    public double CycleNs { get; init; }

    /// <summary>Energy of one access as the policy weighs it: reads and writes in their per-inference proportion, reads only when unknown.</summary>
    public double AccessEnergyPj
    {
        get
        {
            var r = Memory.ReadsPerInference;
            var w = Memory.Kind == MemoryKind.Rom ? 0 : Memory.WritesPerInference;
            return r + w > 0 ? (r * ReadEnergyPj + w * WriteEnergyPj) / (r + w) : ReadEnergyPj;
        }
    }

    /// <summary>Energy of the memory over one inference, in pJ.</summary>
    public double EnergyPerInferencePj => Memory.ReadsPerInference * ReadEnergyPj + Memory.WritesPerInference * WriteEnergyPj;

    /// <summary>Address bits that pick the word inside a bank; the bits above pick the bank.</summary>
    public int BankAddressBits => Banks == 1 ? Memory.AddressBits : LogicalMemory.AddressWidth(BankDepth);

    public string SplitName => Split switch { SplitKind.Depth => "depth", SplitKind.Width => "width", SplitKind.Both => "both", _ => "none" };

    public override string ToString() =>
        $"{Memory.Name}: {Memory.Depth}x{Memory.Width} -> {Banks} bank(s) x {Slices} slice(s), {AreaUm2:F0} um2, {ReadEnergyPj:F2} pJ/read";
}
