using FlowRunner.Tech.Memories;
using FlowRunner.Tech.Tests.Support;

namespace FlowRunner.Tech.Tests.Memories;

public class MemoryCompilerTests
{
    private static readonly Lazy<TechDescription> Generic45 = new(() => TestPaths.Tech("generic45"));
    private static readonly Lazy<TechDescription> Osu018 = new(() => TestPaths.Tech("osu018"));

    private static TechDescription TechOf(string name) => name == "osu018" ? Osu018.Value : Generic45.Value;

    private static LogicalMemory Sram(string name, int depth, int width) => new(name, name, depth, width, MemoryKind.Sram);

    [Theory]
    [InlineData("generic45")]
    [InlineData("osu018")]
    public void A_64KB_32_bit_memory_limited_to_16KB_macros_becomes_four_macros(string tech)
    {
        var compiler = new MemoryCompiler(TechOf(tech));
        var memory = Sram("fmap", 64 * 1024 * 8 / 32, 32);
        var plan = compiler.Plan(memory, new SplitOptions(SplitLimits.FromKbits(16 * 8)));
        Assert.Equal(4, plan.Macros.Count);
        Assert.All(plan.Macros, m => Assert.True((long)m.Words * m.Width <= 16 * 1024 * 8));
        Assert.Equal(memory.Bits, plan.Macros.Sum(m => (long)m.Words * m.Width));
        Assert.NotEqual(SplitKind.None, plan.Split);
        // No cut with fewer macros fits the limit, and more macros only add periphery.
        Assert.All(compiler.Candidates(memory, SplitLimits.FromKbits(128)), c => Assert.True(c.Macros.Count >= 4));
        Assert.Equal(compiler.Candidates(memory, SplitLimits.FromKbits(128)).Min(c => c.AreaUm2), plan.AreaUm2);
    }

    [Fact]
    public void A_non_power_of_two_depth_gets_power_of_two_banks_and_a_short_last_bank()
    {
        var plan = new MemoryCompiler(Generic45.Value).Plan(Sram("dense_w", 1728, 10), new SplitOptions(new SplitLimits(MaxDepth: 512)));
        Assert.Equal(SplitKind.Depth, plan.Split);
        Assert.Equal(512, plan.BankDepth);
        Assert.Equal([512, 512, 512, 192], plan.Macros.Select(m => m.Words));
        Assert.Equal([0, 512, 1024, 1536], plan.Macros.Select(m => m.BaseAddress));
        Assert.Equal(9, plan.BankAddressBits);
        Assert.Equal(11, plan.Memory.AddressBits);
    }

    [Fact]
    public void A_width_limit_splits_side_by_side()
    {
        var plan = new MemoryCompiler(Generic45.Value).Plan(Sram("wide", 256, 64), new SplitOptions(new SplitLimits(MaxWidth: 16)));
        Assert.Equal(SplitKind.Width, plan.Split);
        Assert.Equal([0, 16, 32, 48], plan.Macros.Select(m => m.Lsb));
        Assert.All(plan.Macros, m => Assert.Equal((256, 16), (m.Words, m.Width)));
        // Every access touches every slice: the energy is the sum of the slices plus the wires to them.
        Assert.True(plan.ReadEnergyPj > plan.Macros.Sum(m => m.Shape.ReadEnergyPj));
    }

    [Fact]
    public void Uneven_width_slices_cover_every_bit_once()
    {
        var plan = new MemoryCompiler(Generic45.Value).Plan(Sram("odd", 64, 30), new SplitOptions(new SplitLimits(MaxWidth: 8)));
        Assert.Equal([8, 8, 7, 7], plan.Macros.Select(m => m.Width));
        Assert.Equal([0, 8, 16, 23], plan.Macros.Select(m => m.Lsb));
    }

    [Theory]
    [InlineData("generic45", 10.0)]
    [InlineData("osu018", 160.0)]
    public void The_energy_model_is_anchored_on_horowitz_8KB_read(string tech, double pj)
    {
        var s = new MemoryCompiler(TechOf(tech)).Characterizer.Characterize(MemoryKind.Sram, 1024, 64)!;
        Assert.Equal(pj, s.ReadEnergyPj, 9);
    }

    [Theory]
    [InlineData("generic45", MemoryKind.Sram)]
    [InlineData("generic45", MemoryKind.Rom)]
    [InlineData("osu018", MemoryKind.Sram)]
    [InlineData("osu018", MemoryKind.Rom)]
    public void Energy_per_access_grows_with_size(string tech, MemoryKind kind)
    {
        var c = new MemoryCompiler(TechOf(tech)).Characterizer;
        var byDepth = new[] { 16, 64, 256, 1024, 4096, 8192 }.Select(d => c.Characterize(kind, d, 32)!.ReadEnergyPj).ToList();
        var byWidth = new[] { 4, 8, 16, 32, 64, 128 }.Select(w => c.Characterize(kind, 1024, w)!.ReadEnergyPj).ToList();
        Assert.Equal(byDepth.Order(), byDepth);
        Assert.Equal(byDepth.Count, byDepth.Distinct().Count());
        Assert.Equal(byWidth.Order(), byWidth);
        Assert.Equal(byWidth.Count, byWidth.Distinct().Count());
    }

    [Theory]
    [InlineData("generic45")]
    [InlineData("osu018")]
    public void Small_macros_spend_most_of_their_area_on_periphery(string tech)
    {
        var c = new MemoryCompiler(TechOf(tech)).Characterizer;
        var small = c.Characterize(MemoryKind.Sram, 16, 8)!;
        var large = c.Characterize(MemoryKind.Sram, 2048, 32)!;
        Assert.True(small.ArrayEfficiency < 0.4, $"16x8 keeps {small.ArrayEfficiency:P0} for bits");
        Assert.True(large.ArrayEfficiency > 0.8, $"2048x32 keeps {large.ArrayEfficiency:P0} for bits");
        var perBit = new[] { (16, 8), (64, 8), (256, 16), (1024, 32), (4096, 64) }
            .Select(x => c.Characterize(MemoryKind.Sram, x.Item1, x.Item2)!).Select(s => s.AreaUm2 / ((double)s.Words * s.Width)).ToList();
        Assert.Equal(perBit.OrderDescending(), perBit);
    }

    [Fact]
    public void The_organization_keeps_rows_legal_and_the_outline_near_square()
    {
        var t = Generic45.Value.Memory.Sram;
        var c = new MemoryCompiler(Generic45.Value).Characterizer;
        var s = c.Characterize(MemoryKind.Sram, 2048, 32)!;
        Assert.InRange(s.Rows, t.Rows.Min, t.Rows.Max);
        Assert.Contains(s.ColumnMux, t.ColumnMux);
        Assert.Equal(2048, s.Capacity);
        Assert.InRange(s.WidthUm / s.HeightUm, 0.5, 2.0);
        Assert.Null(c.Characterize(MemoryKind.Sram, t.MaxDepth + 1, 8));
        Assert.Null(c.Characterize(MemoryKind.Sram, 64, t.Width.Max + 1));
        // Around 0.83 Mb/mm2 (OpenRAM FreePDK45) for this size.
        Assert.InRange(s.Words * s.Width / s.AreaUm2, 0.7, 0.95);
    }

    [Theory]
    [InlineData("generic45")]
    [InlineData("osu018")]
    public void Policies_trade_area_for_energy(string tech)
    {
        var compiler = new MemoryCompiler(TechOf(tech));
        var memories = new[] { Sram("a", 16384, 32), Sram("b", 5408, 8), new LogicalMemory("c", "c", 17280, 8, MemoryKind.Rom) };
        foreach (var m in memories)
        {
            var limits = SplitLimits.FromKbits(64);
            var area = compiler.Plan(m, new SplitOptions(limits, SplitPolicy.Area));
            var energy = compiler.Plan(m, new SplitOptions(limits, SplitPolicy.Energy));
            Assert.True(area.AreaUm2 <= energy.AreaUm2);
            Assert.True(energy.AccessEnergyPj <= area.AccessEnergyPj);
            Assert.True(energy.AccessEnergyPj < area.AccessEnergyPj, $"{m.Name}: splitting deeper should save read energy");
            var onlyArea = compiler.Plan(m, new SplitOptions(limits, SplitPolicy.Weighted, AreaWeight: 1));
            var onlyEnergy = compiler.Plan(m, new SplitOptions(limits, SplitPolicy.Weighted, AreaWeight: 0));
            Assert.Equal(area.AreaUm2, onlyArea.AreaUm2);
            Assert.Equal(energy.AccessEnergyPj, onlyEnergy.AccessEnergyPj);
            var half = compiler.Plan(m, new SplitOptions(limits, SplitPolicy.Weighted, AreaWeight: 0.5));
            Assert.InRange(half.AreaUm2, area.AreaUm2, energy.AreaUm2);
            Assert.True(energy.Banks <= compiler.Templates.Banking.MaxBanks);
        }
    }

    [Fact]
    public void Every_cut_respects_the_limits_and_covers_each_word_and_bit_once()
    {
        var compiler = new MemoryCompiler(Generic45.Value);
        var random = new Random(1234);
        for (var i = 0; i < 60; i++)
        {
            var m = new LogicalMemory($"m{i}", $"m{i}", random.Next(1, 40000), random.Next(1, 300), random.Next(2) == 0 ? MemoryKind.Sram : MemoryKind.Rom);
            var limits = new SplitLimits(random.Next(2) == 0 ? 0 : random.Next(4, 256) * 1024L, random.Next(2) == 0 ? 0 : random.Next(16, 4096), random.Next(2) == 0 ? 0 : random.Next(1, 128));
            var plan = compiler.Plan(m, new SplitOptions(limits, (SplitPolicy)random.Next(3)));
            var seen = new HashSet<(int, int)>();
            foreach (var macro in plan.Macros)
            {
                if (limits.MaxMacroBits > 0) Assert.True((long)plan.BankDepth * macro.Width <= limits.MaxMacroBits);
                if (limits.MaxDepth > 0) Assert.True(macro.Words <= limits.MaxDepth);
                if (limits.MaxWidth > 0) Assert.True(macro.Width <= limits.MaxWidth);
                Assert.True(seen.Add((macro.BaseAddress, macro.Lsb)));
                Assert.Equal(macro.Bank * plan.BankDepth, macro.BaseAddress);
            }
            Assert.Equal(m.Bits, plan.Macros.Sum(x => (long)x.Words * x.Width));
            Assert.Equal(m.Depth, plan.Macros.Where(x => x.Slice == 0).Sum(x => x.Words));
            Assert.Equal(m.Width, plan.Macros.Where(x => x.Bank == 0).Sum(x => x.Width));
        }
    }

    [Fact]
    public void An_impossible_limit_is_a_clear_error()
    {
        var e = Assert.Throws<MemoryCompileException>(() =>
            new MemoryCompiler(Generic45.Value).Plan(Sram("tiny_limit", 64, 8), new SplitOptions(new SplitLimits(MaxMacroBits: 1))));
        Assert.Contains("tiny_limit", e.Message);
        Assert.Contains("64 x 8", e.Message);
    }

    [Fact]
    public void Reads_and_writes_per_inference_weigh_the_energy_the_policy_sees()
    {
        var compiler = new MemoryCompiler(Generic45.Value);
        var m = Sram("fm", 4096, 16) with { ReadsPerInference = 1000, WritesPerInference = 3000 };
        var plan = compiler.Plan(m, new SplitOptions(SplitLimits.FromKbits(64)));
        Assert.Equal((1000 * plan.ReadEnergyPj + 3000 * plan.WriteEnergyPj) / 4000, plan.AccessEnergyPj, 9);
        Assert.Equal(1000 * plan.ReadEnergyPj + 3000 * plan.WriteEnergyPj, plan.EnergyPerInferencePj, 9);
        Assert.Equal(1.2 * plan.Macros[0].Shape.ReadEnergyPj, plan.Macros[0].Shape.WriteEnergyPj, 9);
    }
}
