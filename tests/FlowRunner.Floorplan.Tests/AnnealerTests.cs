using FlowRunner.Floorplan.Annealing;
using FlowRunner.Floorplan.Bookshelf;
using FlowRunner.Floorplan.Designs;
using FlowRunner.Floorplan.Model;

namespace FlowRunner.Floorplan.Tests;

/// <summary>The sequence-pair annealer: legality, fixed outline, determinism, rotation, soft blocks, halos, fixed blocks (small move budgets).</summary>
public sealed class AnnealerTests
{
    private static readonly AnnealOptions Quick = new() { Seed = 3, MovesScale = 0.15 };

    private static void AssertNoOverlap(FloorplanResult r)
    {
        for (var i = 0; i < r.Blocks.Count; i++)
            for (var j = i + 1; j < r.Blocks.Count; j++)
                Assert.False(r.Blocks[i].Overlaps(r.Blocks[j]), $"{r.Blocks[i]} overlaps {r.Blocks[j]}");
    }

    [Fact]
    public void Fixed_outline_keeps_every_ami33_block_inside_and_apart()
    {
        var p = BookshelfReader.Read(TestData.Blocks("ami33"));
        var (w, h) = FixedOutline.For(p, 0.15, 1);
        var r = Annealer.Run(p.WithOutline(w, h), Quick);
        Assert.Equal((w, h), (r.DieWidth, r.DieHeight));
        Assert.All(r.Blocks, b =>
        {
            Assert.InRange(b.X, 0, w);
            Assert.InRange(b.Y, 0, h);
            Assert.True(b.X + b.Width <= w + 1e-6 && b.Y + b.Height <= h + 1e-6, $"{b.Name} sticks out");
        });
        AssertNoOverlap(r);
        Assert.True(r.IsLegal());
        Assert.Equal(p.BlockArea, r.Blocks.Sum(b => b.Width * b.Height), 3);
        Assert.True(r.Wirelength > 0);
    }

    [Fact]
    public void Free_packing_of_ami49_is_legal_and_tight()
    {
        var p = BookshelfReader.Read(TestData.Blocks("ami49"));
        var r = Annealer.Run(p, Quick with { WirelengthWeight = 0 });
        Assert.True(r.IsLegal());
        Assert.Equal(r.PackingWidth * r.PackingHeight, r.DieArea, 6);
        // Even a short anneal leaves well under a fifth of the box empty; random sequence pairs leave about half.
        Assert.InRange(r.DeadSpace, 0, 0.2);
    }

    [Fact]
    public void The_same_seed_gives_the_same_plan_whatever_the_threads()
    {
        var p = BookshelfReader.Read(TestData.Blocks("ami33"));
        var a = Annealer.Run(p, Quick with { Threads = 2 });
        var b = Annealer.Run(p, Quick with { Threads = 1 });
        Assert.Equal(a.Blocks, b.Blocks);
        Assert.Equal(a.Wirelength, b.Wirelength);
        var c = Annealer.Run(p, Quick with { Seed = 4 });
        Assert.NotEqual(a.Blocks, c.Blocks);
    }

    [Fact]
    public void Blocks_turn_when_only_turned_they_fit()
    {
        // 10 x 2 blocks in an outline 8.5 wide: each must stand on end (W orientation, 2 x 10).
        var blocks = Enumerable.Range(0, 4).Select(i => new FloorplanBlock($"b{i}", 10, 2) { PinEdge = PinEdge.Bottom }).ToList();
        var p = new FloorplanProblem("tall", blocks, [], []) { Outline = (8.5, 11) };
        var r = Annealer.Run(p, Quick);
        Assert.All(r.Blocks, b =>
        {
            Assert.True(b.Rotated);
            Assert.Equal((2.0, 10.0), (b.Width, b.Height));
            Assert.True(Orientations.IsTurned(b.Orientation));
        });
        Assert.True(r.IsLegal());

        var stiff = new FloorplanProblem("stiff", blocks.Select(b => b with { Rotatable = false }).ToList(), [], []) { Outline = (8.5, 11) };
        Assert.Contains("does not fit", Assert.Throws<FloorplanException>(() => Annealer.Run(stiff, Quick)).Message);
    }

    [Fact]
    public void The_soft_region_keeps_its_area_within_its_aspect_bounds_and_halos_keep_macros_apart()
    {
        var p = SyntheticDesign.Create(20, seed: 5, cellAreaShare: 0.6, halo: 4);
        var r = Annealer.Run(p, Quick with { Aspect = 1.0, PinTarget = "logic", WirelengthWeight = 0.3 });
        Assert.True(r.IsLegal());
        var logic = r["logic"];
        Assert.Equal(p.Blocks[^1].Area, logic.Width * logic.Height, 3);
        Assert.InRange(logic.Height / logic.Width, 1 / 3.0 - 1e-9, 3 + 1e-9);
        var macros = r.Blocks.Where(b => b.Name != "logic").ToList();
        for (var i = 0; i < macros.Count; i++)
            for (var j = i + 1; j < macros.Count; j++)
            {
                var (a, b) = (macros[i], macros[j]);
                var gapX = Math.Max(b.X - (a.X + a.Width), a.X - (b.X + b.Width));
                var gapY = Math.Max(b.Y - (a.Y + a.Height), a.Y - (b.Y + b.Height));
                Assert.True(Math.Max(gapX, gapY) >= 8 - 1e-6, $"{a.Name} and {b.Name} are {Math.Max(gapX, gapY)} apart");
            }
        Assert.All(macros, m => Assert.True(m.X >= 4 - 1e-9 && m.Y >= 4 - 1e-9));
        // Pins face the logic: the pin edge's direction after orientation points toward the cell region.
        foreach (var m in macros)
        {
            var (dx, dy) = Orientations.Apply(m.Orientation, Orientations.Direction(PinEdge.Bottom));
            var toward = dx * (logic.CenterX - m.CenterX) + dy * (logic.CenterY - m.CenterY);
            Assert.True(toward >= -1e-9, $"{m.Name} {m.Orientation} faces away from the cells");
        }
    }

    [Fact]
    public void Movable_blocks_stay_clear_of_fixed_blocks()
    {
        var blocks = new List<FloorplanBlock> { new("fixed", 20, 20) { FixedAt = (20, 20), Rotatable = false } };
        blocks.AddRange(Enumerable.Range(0, 8).Select(i => new FloorplanBlock($"b{i}", 10 + i, 12)));
        var p = new FloorplanProblem("obstacle", blocks, [], []) { Outline = (70, 70) };
        var r = Annealer.Run(p, Quick);
        Assert.Equal((20.0, 20.0), (r["fixed"].X, r["fixed"].Y));
        AssertNoOverlap(r);
        Assert.True(r.IsLegal());
    }

    [Fact]
    public void Orientation_faces_the_target()
    {
        Assert.Equal(Orientation.N, Orientations.Facing(PinEdge.Bottom, false, 0, -5));
        Assert.Equal(Orientation.FS, Orientations.Facing(PinEdge.Bottom, false, 0, 5));
        Assert.Equal(Orientation.W, Orientations.Facing(PinEdge.Bottom, true, 5, 0));
        Assert.Equal(Orientation.E, Orientations.Facing(PinEdge.Bottom, true, -5, 0));
        Assert.Equal((1, 0), Orientations.Apply(Orientation.W, (0, -1)));
    }
}
