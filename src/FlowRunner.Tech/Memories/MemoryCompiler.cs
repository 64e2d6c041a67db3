namespace FlowRunner.Tech.Memories;

/// <summary>A memory the template and limits cannot build (e.g. a word wider than any macro while width splits are ruled out).</summary>
public sealed class MemoryCompileException(string message) : Exception(message);

/// <summary>Turns logical memories into macros: every legal cut by depth (power-of-two banks) and width (slices) is costed, and the policy picks one.</summary>
/// <remarks>
/// Soft banking as OpenRAM's maintainers advise: the generator makes macros no larger than the limits, and a wrapper decodes the bank
/// from the address MSBs and multiplexes the outputs. A depth split costs a decoder and an output multiplexer but each read touches a
/// shallower array; a width split duplicates the periphery and every access touches every slice.
/// </remarks>
public sealed class MemoryCompiler
{
    public MemoryCompiler(TechDescription tech) : this(tech.Memory, tech.Wire.EnergyPjPerBitMm) { }

    /// <param name="wireEnergyPjPerBitMm">Energy of one transition on a wire one millimetre long: what carrying address and data to the banks of a split memory costs.</param>
    public MemoryCompiler(MemoryTemplateSet templates, double wireEnergyPjPerBitMm)
    {
        Templates = templates;
        WireEnergyPjPerBitMm = wireEnergyPjPerBitMm;
        Characterizer = new MacroCharacterizer(templates);
    }

    public MemoryTemplateSet Templates { get; }
    public double WireEnergyPjPerBitMm { get; }
    public MacroCharacterizer Characterizer { get; }

    /// <summary>The cut the policy prefers.</summary>
    /// <exception cref="MemoryCompileException">No cut fits the limits and the template.</exception>
    public MemoryPlan Plan(LogicalMemory memory, SplitOptions options)
    {
        var costs = Costs(memory, options.Limits);
        if (costs.Count == 0) throw Impossible(memory, options.Limits);
        return Build(memory, Choose(costs, options));
    }

    /// <summary>Every legal cut with its costs, unsorted: for reports and tests.</summary>
    public IReadOnlyList<MemoryPlan> Candidates(LogicalMemory memory, SplitLimits limits) =>
        Costs(memory, limits).Select(c => Build(memory, c)).ToList();

    private readonly record struct Cut(int BankDepth, int Banks, int Slices, double Area, double Banking, double Read, double Write,
        double Leakage, double Access, double Cycle, double AccessEnergy);

    private List<Cut> Costs(LogicalMemory m, SplitLimits limits)
    {
        if (m.Depth < 1 || m.Width < 1) throw new MemoryCompileException($"memory '{m.Name}' has depth {m.Depth} and width {m.Width}; both must be at least 1");
        var t = Templates.For(m.Kind);
        var maxDepth = limits.MaxDepth > 0 ? Math.Min(limits.MaxDepth, t.MaxDepth) : t.MaxDepth;
        var maxWidth = limits.MaxWidth > 0 ? Math.Min(limits.MaxWidth, t.Width.Max) : t.Width.Max;
        var maxBits = limits.MaxMacroBits > 0 ? limits.MaxMacroBits : long.MaxValue;
        var cuts = new List<Cut>();
        foreach (var (bankDepth, banks) in BankOptions(m.Depth, maxDepth))
        {
            for (var slices = 1; slices <= m.Width; slices++)
            {
                var widest = (m.Width + slices - 1) / slices;
                if (slices > 1 && (m.Width + slices - 2) / (slices - 1) == widest) continue;
                if (widest > maxWidth) continue;
                if ((long)bankDepth * widest > maxBits) continue;
                if (widest < t.Width.Min) break;
                if (Cost(m, bankDepth, banks, slices) is { } cut) cuts.Add(cut);
            }
        }
        if (cuts.Count == 0) return cuts;
        // Keep the fan-out of the wrapper practical: thousands of tiny banks would win on energy per access alone.
        var bankCap = Math.Max(Templates.Banking.MaxBanks, cuts.Min(c => c.Banks));
        return cuts.Where(c => c.Banks <= bankCap).ToList();
    }

    /// <summary>One bank holding everything (when deep enough is allowed), else banks of every power-of-two depth the limit allows.</summary>
    private static IEnumerable<(int BankDepth, int Banks)> BankOptions(int depth, int maxDepth)
    {
        if (depth <= maxDepth) yield return (depth, 1);
        // Banks of at least two words, so every bank has an address bit of its own.
        for (var d = 2; d < depth && d <= maxDepth; d *= 2)
        {
            var banks = (depth + d - 1) / d;
            if (banks <= 4096) yield return (d, banks);
        }
    }

    private Cut? Cost(LogicalMemory m, int bankDepth, int banks, int slices)
    {
        double area = 0, read = 0, write = 0, leak = 0, access = 0, cycle = 0;
        foreach (var (words, bankCount) in BankWords(m.Depth, bankDepth, banks))
        {
            double bankRead = 0, bankWrite = 0;
            foreach (var (width, sliceCount) in SliceWidths(m.Width, slices))
            {
                if (Characterizer.Characterize(m.Kind, words, width) is not { } s) return null;
                area += s.AreaUm2 * bankCount * sliceCount;
                leak += s.LeakageUw * bankCount * sliceCount;
                bankRead += s.ReadEnergyPj * sliceCount;
                bankWrite += s.WriteEnergyPj * sliceCount;
                access = Math.Max(access, s.AccessNs);
                cycle = Math.Max(cycle, s.CycleNs);
            }
            var share = (double)words * bankCount / m.Depth;
            read += bankRead * share;
            write += bankWrite * share;
        }
        var banking = 0.0;
        if (banks > 1)
        {
            var b = Templates.Banking;
            banking = (banks - 1) * m.Width * b.MuxAreaUm2PerBit + banks * b.DecoderAreaUm2PerBank;
            read += Math.Ceiling(Math.Log2(banks)) * m.Width * b.MuxEnergyPjPerBit;
        }
        area += banking;
        if (banks * slices > 1)
        {
            // Address and data travel from the wrapper to the macros: about half the side of the block, each bit toggling half the time.
            var distanceMm = Math.Sqrt(area) / 2 / 1000;
            var route = (m.AddressBits + m.Width) * 0.5 * WireEnergyPjPerBitMm * distanceMm;
            read += route;
            write += route;
        }
        if (m.Kind == MemoryKind.Rom) write = 0;
        var r = m.ReadsPerInference;
        var w = m.Kind == MemoryKind.Rom ? 0 : m.WritesPerInference;
        var accessEnergy = r + w > 0 ? (r * read + w * write) / (r + w) : read;
        return new Cut(bankDepth, banks, slices, area, banking, read, write, leak, access, cycle, accessEnergy);
    }

    /// <summary>Words per bank: full banks and possibly one shorter last bank (non-power-of-two depths), with their counts.</summary>
    private static IEnumerable<(int Words, int Count)> BankWords(int depth, int bankDepth, int banks)
    {
        var last = depth - (banks - 1) * bankDepth;
        if (last == bankDepth) { yield return (bankDepth, banks); yield break; }
        if (banks > 1) yield return (bankDepth, banks - 1);
        yield return (last, 1);
    }

    /// <summary>Slice widths, as even as possible: the first width % slices slices are one bit wider.</summary>
    private static IEnumerable<(int Width, int Count)> SliceWidths(int width, int slices)
    {
        var narrow = width / slices;
        var wide = width % slices;
        if (wide > 0) yield return (narrow + 1, wide);
        if (slices - wide > 0) yield return (narrow, slices - wide);
    }

    private static Cut Choose(List<Cut> cuts, SplitOptions o)
    {
        switch (o.Policy)
        {
            case SplitPolicy.Area:
                return cuts.OrderBy(c => c.Area).ThenBy(c => c.AccessEnergy).ThenBy(c => c.Banks * c.Slices).First();
            case SplitPolicy.Energy:
                return cuts.OrderBy(c => c.AccessEnergy).ThenBy(c => c.Area).ThenBy(c => c.Banks * c.Slices).First();
            default:
                var a = Math.Clamp(o.AreaWeight, 0, 1);
                var minArea = cuts.Min(c => c.Area);
                var minEnergy = Math.Max(cuts.Min(c => c.AccessEnergy), 1e-12);
                return cuts.OrderBy(c => a * c.Area / minArea + (1 - a) * c.AccessEnergy / minEnergy).ThenBy(c => c.Area).First();
        }
    }

    private MemoryPlan Build(LogicalMemory m, Cut c)
    {
        var macros = new List<MacroInstance>(c.Banks * c.Slices);
        for (var bank = 0; bank < c.Banks; bank++)
        {
            var baseAddress = bank * c.BankDepth;
            var words = Math.Min(c.BankDepth, m.Depth - baseAddress);
            var lsb = 0;
            var slice = 0;
            foreach (var (width, count) in SliceWidths(m.Width, c.Slices))
                for (var k = 0; k < count; k++, slice++)
                {
                    var shape = Characterizer.Characterize(m.Kind, words, width)!;
                    macros.Add(new MacroInstance($"{m.Name}_b{bank}_s{slice}", bank, slice, baseAddress, lsb, shape));
                    lsb += width;
                }
        }
        var split = (c.Banks > 1, c.Slices > 1) switch
        {
            (true, true) => SplitKind.Both,
            (true, false) => SplitKind.Depth,
            (false, true) => SplitKind.Width,
            _ => SplitKind.None,
        };
        return new MemoryPlan(m, split, c.BankDepth, c.Banks, c.Slices, macros)
        {
            AreaUm2 = c.Area,
            BankingAreaUm2 = c.Banking,
            ReadEnergyPj = c.Read,
            WriteEnergyPj = c.Write,
            LeakageUw = c.Leakage,
            AccessNs = c.Access,
            CycleNs = c.Cycle,
        };
    }

    private MemoryCompileException Impossible(LogicalMemory m, SplitLimits l)
    {
        var t = Templates.For(m.Kind);
        return new MemoryCompileException(
            $"memory '{m.Name}' ({m.Depth} x {m.Width} {m.Kind.ToString().ToUpperInvariant()}) cannot be built: the template makes macros of " +
            $"{t.Width.Min}..{t.Width.Max} bits and at most {t.MaxDepth} words, and the limits allow " +
            $"{(l.MaxMacroBits > 0 ? l.MaxMacroBits + " bits" : "any size")}, depth {(l.MaxDepth > 0 ? l.MaxDepth : t.MaxDepth)}, width {(l.MaxWidth > 0 ? l.MaxWidth : t.Width.Max)} per macro");
    }
}
