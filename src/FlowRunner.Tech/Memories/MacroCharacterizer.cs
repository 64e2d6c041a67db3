namespace FlowRunner.Tech.Memories;

/// <summary>The physical figures of one macro: array organization, outline, energy per access, leakage and timing.</summary>
public sealed record MacroShape(MemoryKind Kind, int Words, int Width, int Rows, int ColumnMux)
{
    public int Columns => Width * ColumnMux;

    /// <summary>Words the array physically holds (rows x mux), at least <see cref="Words"/>.</summary>
    public int Capacity => Rows * ColumnMux;
    public double WidthUm { get; init; }
    public double HeightUm { get; init; }
    public double AreaUm2 => WidthUm * HeightUm;
    public double ArrayAreaUm2 { get; init; }
    public double ReadEnergyPj { get; init; }
    public double WriteEnergyPj { get; init; }
    public double LeakageUw { get; init; }
    public double AccessNs { get; init; }
    public double CycleNs { get; init; }

    /// <summary>Bits stored over outline area: what periphery leaves of the bitcell density.</summary>
    public double ArrayEfficiency => ArrayAreaUm2 / AreaUm2;
}

/// <summary>Sizes a macro from a compiler template, the way OpenRAM organizes an array: pick the column mux that keeps it about square.</summary>
/// <remarks>
/// Outline: width = columns x bitcell width + decoder (base + per address bit), height = rows x bitcell height + column periphery
/// (base + per mux select bit); the width grows when the pins on the bottom edge need more room.
/// Energy per access = fixed + (anchor - fixed) x (width / anchor width) x (capacity / anchor depth)^exponent.
/// Leakage = bits x per-bit + periphery area x per-um2. Access = base + per address bit x log2(rows) + per row x rows + per column x columns.
/// </remarks>
public sealed class MacroCharacterizer(MemoryTemplateSet templates)
{
    private readonly Dictionary<(MemoryKind, int, int), MacroShape?> _cache = [];

    public MemoryTemplateSet Templates { get; } = templates;

    /// <summary>The macro for a words x width block, or null when the template cannot make it (too deep or too wide).</summary>
    public MacroShape? Characterize(MemoryKind kind, int words, int width)
    {
        if (_cache.TryGetValue((kind, words, width), out var hit)) return hit;
        var shape = Best(kind, words, width);
        _cache[(kind, words, width)] = shape;
        return shape;
    }

    private MacroShape? Best(MemoryKind kind, int words, int width)
    {
        var t = Templates.For(kind);
        if (words < 1 || width < t.Width.Min || width > t.Width.Max) return null;
        MacroShape? best = null;
        double bestAspect = 0;
        foreach (var mux in t.ColumnMux.Order())
        {
            var rows = (words + mux - 1) / mux;
            if (rows > t.Rows.Max) continue;
            rows = Math.Max(rows, t.Rows.Min);
            var shape = Shape(kind, t, words, width, rows, mux);
            var aspect = Math.Max(shape.WidthUm / shape.HeightUm, shape.HeightUm / shape.WidthUm);
            // Least padding first (small memories must not double their array for a squarer outline), then squarest.
            if (best is null || shape.Capacity < best.Capacity || shape.Capacity == best.Capacity && aspect < bestAspect)
            {
                best = shape;
                bestAspect = aspect;
            }
        }
        return best;
    }

    private MacroShape Shape(MemoryKind kind, MemoryTemplate t, int words, int width, int rows, int mux)
    {
        var v = Templates.Views;
        var rowBits = Log2Ceil(rows);
        var muxBits = Log2Ceil(mux);
        var columns = width * mux;
        var arrayW = columns * t.Bitcell.WidthUm;
        var arrayH = rows * t.Bitcell.HeightUm;
        var pins = PinCount(kind, words, width);
        var pinRow = (pins + 1) * v.PinPitchUm;
        var w = Snap(Math.Max(arrayW + t.Periphery.DecoderBaseUm + t.Periphery.DecoderPerAddressBitUm * rowBits, pinRow), v.GridUm);
        var h = Snap(arrayH + t.Periphery.ColumnBaseUm + t.Periphery.ColumnPerMuxBitUm * muxBits, v.GridUm);
        var capacity = rows * mux;
        var e = t.Energy;
        var read = e.FixedPj + (e.AnchorReadPj - e.FixedPj) * ((double)width / e.AnchorWidth) * Math.Pow((double)capacity / e.AnchorDepth, e.DepthExponent);
        var arrayArea = arrayW * arrayH;
        var leakNw = (double)capacity * width * t.Leakage.PerBitNw + (w * h - arrayArea) * t.Leakage.PerPeripheryUm2Nw;
        var tm = t.Timing;
        var access = tm.BaseNs + tm.PerAddressBitNs * rowBits + tm.PerRowNs * rows + tm.PerColumnNs * columns;
        return new MacroShape(kind, words, width, rows, mux)
        {
            WidthUm = w,
            HeightUm = h,
            ArrayAreaUm2 = arrayArea,
            ReadEnergyPj = read,
            WriteEnergyPj = kind == MemoryKind.Rom ? 0 : read * e.WriteToRead,
            LeakageUw = leakNw / 1000,
            AccessNs = access,
            CycleNs = access * tm.CycleToAccess,
        };
    }

    /// <summary>Signal pins on the macro's edge: clk, ce, (we), address, (din), dout.</summary>
    public static int PinCount(MemoryKind kind, int words, int width) =>
        2 + LogicalMemory.AddressWidth(words) + width + (kind == MemoryKind.Sram ? 1 + width : 0);

    private static int Log2Ceil(int n)
    {
        var b = 0;
        while ((1L << b) < n) b++;
        return b;
    }

    private static double Snap(double value, double grid) => Math.Round(Math.Ceiling(value / grid - 1e-9) * grid, 6);
}
