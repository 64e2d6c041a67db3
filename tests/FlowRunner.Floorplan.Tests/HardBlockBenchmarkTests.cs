using FlowRunner.Floorplan.Annealing;
using FlowRunner.Floorplan.Bookshelf;
using FlowRunner.Floorplan.Designs;

namespace FlowRunner.Floorplan.Tests;

/// <summary>The generated GSRC-style hard-block cases: their statistics, their seeding, the Bookshelf round trip and the shipped copies.</summary>
public sealed class HardBlockBenchmarkTests
{
    [Fact]
    public void Blocks_have_aspects_from_1_to_3_up_to_3_to_1_and_areas_over_two_decades()
    {
        var p = HardBlockBenchmark.Create(300, seed: 1);
        Assert.Equal(300, p.Blocks.Count);
        Assert.All(p.Blocks, b =>
        {
            Assert.False(b.Soft);
            Assert.InRange(b.Height / b.Width, 1 / 3.0 - 1e-9, 3 + 1e-9);
            Assert.Equal(Math.Round(b.Width), b.Width);
            Assert.Equal(Math.Round(b.Height), b.Height);
        });
        var areas = p.Blocks.Select(b => b.Area).Order().ToList();
        Assert.InRange(areas[^1] / areas[0], 50, 150);
        // Both ends of the aspect range are used, not just the middle.
        Assert.Contains(p.Blocks, b => b.Height / b.Width > 2.5);
        Assert.Contains(p.Blocks, b => b.Width / b.Height > 2.5);
        Assert.All(p.Nets, n => Assert.True(n.Degree >= 2));
        Assert.Equal(900, p.Nets.Count);
    }

    [Fact]
    public void The_same_seed_gives_the_same_case_and_another_seed_another()
    {
        var a = HardBlockBenchmark.Create(100, seed: 4);
        var b = HardBlockBenchmark.Create(100, seed: 4);
        var c = HardBlockBenchmark.Create(100, seed: 5);
        Assert.Equal(a.Blocks, b.Blocks);
        Assert.Equal(a.Terminals, b.Terminals);
        Assert.NotEqual(a.Blocks, c.Blocks);
    }

    [Fact]
    public void Written_bookshelf_files_read_back_to_the_same_problem_and_match_the_shipped_copies()
    {
        var dir = Path.Combine(Path.GetTempPath(), "flowrunner-fpgen-" + Guid.NewGuid().ToString("N")[..10]);
        foreach (var n in new[] { 100, 200, 300 })
        {
            var p = HardBlockBenchmark.Create(n);
            var path = BookshelfWriter.Write(p, dir);
            var back = BookshelfReader.Read(path);
            Assert.Equal(p.Blocks.Select(b => (b.Name, b.Width, b.Height)), back.Blocks.Select(b => (b.Name, b.Width, b.Height)));
            Assert.Equal(p.Terminals, back.Terminals);
            Assert.Equal(p.Nets.Select(x => (x.Name, string.Join(",", x.Blocks), string.Join(",", x.Terminals))),
                back.Nets.Select(x => (x.Name, string.Join(",", x.Blocks), string.Join(",", x.Terminals))));
            foreach (var ext in new[] { ".blocks", ".nets", ".pl" })
                Assert.Equal(File.ReadAllText(TestData.Blocks(p.Name)[..^".blocks".Length] + ext), File.ReadAllText(Path.Combine(dir, p.Name + ext)));
        }
    }

    [Fact]
    public void Synchronized_chains_give_the_same_plan_on_one_thread_and_on_three()
    {
        var p = BookshelfReader.Read(TestData.Blocks("hard100"));
        var options = new AnnealOptions { Seed = 2, MovesScale = 0.1, WirelengthWeight = 0, Chains = 3 };
        var one = Annealer.Run(p, options with { Threads = 1 });
        var three = Annealer.Run(p, options with { Threads = 3 });
        Assert.Equal(one.Blocks, three.Blocks);
        Assert.True(one.IsLegal());
    }
}
