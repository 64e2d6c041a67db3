namespace FlowRunner.Tech.Memories;

/// <summary>Read-write or read-only memory.</summary>
public enum MemoryKind { Sram, Rom }

/// <summary>A memory as the RTL sees it (one behavioral module), before it is cut into macros.</summary>
/// <param name="Name">Logical name, used to name its macros.</param>
/// <param name="Module">Verilog module name of the behavioral model the wrapper replaces.</param>
public sealed record LogicalMemory(string Name, string Module, int Depth, int Width, MemoryKind Kind)
{
    public double ReadsPerInference { get; init; }
    public double WritesPerInference { get; init; }

    /// <summary>Address width of the interface: max(1, ceil(log2(depth))).</summary>
    public int AddressBits => AddressWidth(Depth);

    public long Bits => (long)Depth * Width;

    public static int AddressWidth(int depth)
    {
        var bits = 0;
        while ((1L << bits) < depth) bits++;
        return Math.Max(1, bits);
    }
}

/// <summary>The limits a recipe puts on one macro; 0 means only the template's own limit applies.</summary>
public sealed record SplitLimits(long MaxMacroBits = 0, int MaxDepth = 0, int MaxWidth = 0)
{
    /// <summary>Limits with the macro size in kbit (1024 bits); a positive size never rounds down to "no limit".</summary>
    public static SplitLimits FromKbits(double maxMacroKbits, int maxDepth = 0, int maxWidth = 0) =>
        new(maxMacroKbits > 0 ? Math.Max(1, (long)Math.Round(maxMacroKbits * 1024)) : 0, maxDepth, maxWidth);
}

/// <summary>What the splitter minimizes when a memory may be cut several ways.</summary>
public enum SplitPolicy { Area, Energy, Weighted }

/// <summary>Limits and policy for splitting; <paramref name="AreaWeight"/> is the share of area in the weighted policy (0..1).</summary>
public sealed record SplitOptions(SplitLimits Limits, SplitPolicy Policy = SplitPolicy.Area, double AreaWeight = 0.5);

/// <summary>How a logical memory was cut: not at all, into banks by depth, into slices by width, or both.</summary>
public enum SplitKind { None, Depth, Width, Both }
