using FlowRunner.Tech.Lef;
using FlowRunner.Tech.Liberty;
using FlowRunner.Tech.Tests.Support;

namespace FlowRunner.Tech.Tests.Lef;

public class LefTests
{
    [Fact]
    public void Reads_the_osu018_lef_sites_and_macro_sizes_consistent_with_the_liberty()
    {
        var lef = LefReader.ReadFile(TestPaths.Data("osu018_stdcells.lef"));
        var lib = LibertyReader.ReadFile(TestPaths.Data("osu018_stdcells.lib"));
        Assert.Equal(1000, lef.DatabaseMicrons);
        var core = Assert.Single(lef.Sites);
        Assert.Equal(("core", 0.8, 10.0), (core.Name, core.WidthUm, core.HeightUm));
        Assert.Equal(new LefSite("core", "CORE", 0.8, 10.0), core);
        // Every Liberty cell has a LEF macro one row high; the areas agree except for three quirks of the Debian files:
        // LATCH (0 in the Liberty, 56 um2 in the LEF), NAND3X1 (36 against 32) and OAI21X1 (23 against 32).
        var disagree = new List<string>();
        foreach (var cell in lib.Cells)
        {
            var m = lef.Macro(cell.Name);
            Assert.NotNull(m);
            Assert.Equal(10.0, m.HeightUm);
            if (Math.Abs(cell.Area - m.AreaUm2) > 1e-6) disagree.Add(cell.Name);
        }
        Assert.Equal(["LATCH", "NAND3X1", "OAI21X1"], disagree);
        Assert.Equal(56, lef.Macro("LATCH")!.AreaUm2, 6);
        var and2 = lef.Macro("AND2X1")!;
        Assert.Equal("CORE", and2.Class);
        Assert.Equal("core", and2.Site);
        Assert.Equal("INPUT", and2.Pin("A")!.Direction);
        Assert.Equal("GROUND", and2.Pin("gnd")!.Use);
        Assert.Equal(new LefShape("metal1", new LefRect(0.2, 3.3, 0.6, 4.1)), and2.Pin("A")!.Ports.Single());
        Assert.Equal(9, and2.Obstructions.Count);
        Assert.Equal(3.2 * 10, lef.Macro("AND2X1")!.AreaUm2, 9);
    }

    [Fact]
    public void Reads_back_what_the_writer_writes()
    {
        var macro = new LefMacro("ram_b0_s0", "BLOCK", 120.5, 80.25)
        {
            Symmetry = "X Y R90",
            Pins =
            [
                new LefPin("clk", "INPUT", "CLOCK", [new LefShape("metal2", new LefRect(0.245, 0, 0.315, 0.5))]),
                new LefPin("dout[0]", "OUTPUT", "SIGNAL", [new LefShape("metal2", new LefRect(0.525, 0, 0.595, 0.5))]),
                new LefPin("VDD", "INOUT", "POWER", [new LefShape("metal4", new LefRect(0, 79.25, 120.5, 80.25))]) { Shape = "ABUTMENT" },
            ],
            Obstructions = [new LefShape("metal1", new LefRect(0, 0, 120.5, 80.25)), new LefShape("metal2", new LefRect(0, 0.6, 120.5, 80.25))],
        };
        var text = LefWriter.Write(new LefLibrary([macro]) { Sites = [new LefSite("core", "CORE", 0.19, 1.4)] });
        var back = LefReader.Read(text, "ram.lef");
        var m = Assert.Single(back.Macros);
        Assert.Equal(macro.Name, m.Name);
        Assert.Equal(macro.Class, m.Class);
        Assert.Equal((macro.WidthUm, macro.HeightUm), (m.WidthUm, m.HeightUm));
        Assert.Equal(macro.Symmetry, m.Symmetry);
        Assert.Equal(macro.Obstructions, m.Obstructions);
        Assert.Equal(macro.Pins.Count, m.Pins.Count);
        foreach (var (a, b) in macro.Pins.Zip(m.Pins))
        {
            Assert.Equal((a.Name, a.Direction, a.Use, a.Shape), (b.Name, b.Direction, b.Use, b.Shape));
            Assert.Equal(a.Ports, b.Ports);
        }
        Assert.Equal(new LefSite("core", "CORE", 0.19, 1.4), Assert.Single(back.Sites));
    }

    [Theory]
    [InlineData("MACRO A\n  CLASS BLOCK ;\n  SIZE 10 BY 2 ;\n  PIN x\n    DIRECTION INPUT ;\n", 4, "never closed|end of file")]
    [InlineData("MACRO A\n  CLASS BLOCK ;\n  SIZE 10 BY wide ;\nEND A\n", 3, "expected a number")]
    [InlineData("MACRO A\n  CLASS BLOCK ;\nEND A\nEND LIBRARY\n", 1, "no SIZE")]
    [InlineData("MACRO A\n  SIZE 1 BY 1 ;\n  OBS\n    RECT 0 0 1 1 ;\n  END\nEND A\n", 4, "RECT before any LAYER")]
    [InlineData("MACRO A\n  SIZE 1 BY 1 ;\nEND B\n", 3, "ends with 'END B'")]
    public void Malformed_lef_names_file_and_line(string text, int line, string pattern)
    {
        var e = Assert.Throws<LefFormatException>(() => LefReader.Read(text, "bad.lef"));
        Assert.Equal("bad.lef", e.File);
        Assert.Matches(pattern, e.Message);
        if (!e.Message.Contains("end of file")) Assert.Equal(line, e.LineNumber);
    }
}
