using YamlDotNet.Serialization;

namespace FlowRunner.Tech;

/// <summary>Energy and area of arithmetic and memory operations (Horowitz-style table), with width scaling for sizes not listed.</summary>
public sealed class OperationTable
{
    /// <summary>Integer add, by operand width.</summary>
    public List<WidthCost> IntAdd { get; set; } = [];

    /// <summary>Integer multiply, by operand width (both operands that wide).</summary>
    public List<WidthCost> IntMul { get; set; } = [];

    /// <summary>Other named operations: fp16_add, fp32_mul, mac8_acc20...</summary>
    public Dictionary<string, OpCost> Named { get; set; } = [];

    /// <summary>Reads of 64 bits from an SRAM of the given size.</summary>
    [YamlMember(Alias = "sram_read_64b")]
    public List<SramReadCost> SramRead64b { get; set; } = [];

    /// <summary>Energy of a 64-bit DRAM read: the published range, low and high.</summary>
    [YamlMember(Alias = "dram_read_64b_pj")]
    public List<double> DramRead64bPj { get; set; } = [];

    /// <summary>Cost of an add of the given width, scaled linearly in width from the nearest listed width.</summary>
    public OpCost Add(int width) => Scale(IntAdd, width, w => w, "int_add");

    /// <summary>Cost of a multiply of the given operand widths, scaled with the product of the widths (area and energy grow with the square).</summary>
    public OpCost Multiply(int widthA, int widthB) => Scale(IntMul, Math.Sqrt((double)widthA * widthB), w => w * w, "int_mul");

    private static OpCost Scale(List<WidthCost> table, double width, Func<double, double> growth, string key)
    {
        if (table.Count == 0) throw new InvalidOperationException($"the tech's operations table has no `{key}` entries");
        var nearest = table.MinBy(c => Math.Abs(Math.Log(c.Width / width)))!;
        var f = growth(width) / growth(nearest.Width);
        return new OpCost { EnergyPj = nearest.EnergyPj * f, AreaUm2 = nearest.AreaUm2 * f };
    }
}

/// <summary>Energy (pJ) and area (um2) of one operation; either may be unknown (null) when the source gives none.</summary>
public class OpCost
{
    public double? EnergyPj { get; set; }
    public double? AreaUm2 { get; set; }
}

/// <summary>An operation cost at one operand width.</summary>
public sealed class WidthCost : OpCost
{
    public int Width { get; set; }
}

/// <summary>Energy of a 64-bit SRAM read at one array size.</summary>
public sealed class SramReadCost
{
    public double Kbytes { get; set; }
    public double EnergyPj { get; set; }
}
