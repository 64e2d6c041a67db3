using FlowRunner.Floorplan.Bookshelf;
using FlowRunner.Floorplan.Model;

namespace FlowRunner.Floorplan.Tests;

/// <summary>The GSRC/MCNC Bookshelf reader on the real ami33/ami49 files and on broken inputs.</summary>
public sealed class BookshelfReaderTests
{
    [Fact]
    public void Reads_ami33_blocks_terminals_nets_and_terminal_positions()
    {
        var p = BookshelfReader.Read(TestData.Blocks("ami33"));
        Assert.Equal("ami33", p.Name);
        Assert.Equal(33, p.Blocks.Count);
        Assert.Equal(42, p.Terminals.Count);
        Assert.Equal(123, p.Nets.Count);
        Assert.Equal(520, p.Nets.Sum(n => n.Degree));
        Assert.Equal(1_156_449, p.BlockArea);
        var bk1 = p.Blocks.Single(b => b.Name == "bk1");
        Assert.Equal((336.0, 133.0), (bk1.Width, bk1.Height));
        Assert.All(p.Blocks, b => Assert.Null(b.FixedAt));
        var p11 = p.Terminals.Single(t => t.Name == "P11");
        Assert.Equal((254.0, 0.0), (p11.X, p11.Y));
        Assert.Equal(34, p.Nets[0].Degree);
        Assert.Equal(33, p.Nets[0].Blocks.Count);
        p.Validate();
    }

    [Fact]
    public void Reads_ami49()
    {
        var p = BookshelfReader.Read(TestData.Blocks("ami49"));
        Assert.Equal((49, 22, 408), (p.Blocks.Count, p.Terminals.Count, p.Nets.Count));
        Assert.Equal(953, p.Nets.Sum(n => n.Degree));
        Assert.Equal(35_445_424, p.BlockArea);
    }

    private const string Header = "UCSC blocks 1.0\n\nNumSoftRectangularBlocks : 0\nNumHardRectilinearBlocks : 2\nNumTerminals : 0\n\n";

    [Fact]
    public void A_zero_size_block_names_the_file_and_line()
    {
        var path = TestData.Write(Header + "a hardrectilinear 4 (0, 0) (0, 10) (20, 10) (20, 0)\nb hardrectilinear 4 (0, 0) (0, 0) (20, 0) (20, 0)\n");
        var e = Assert.Throws<FloorplanException>(() => BookshelfReader.Read(path));
        Assert.Contains("t.blocks:8", e.Message);
        Assert.Contains("zero size", e.Message);
    }

    [Fact]
    public void Malformed_lines_name_the_file_and_line()
    {
        var e = Assert.Throws<FloorplanException>(() => BookshelfReader.Read(TestData.Write(Header + "a hardrectilinear 4 (0, 0) (0, 10) (20, 10)\nb hardrectilinear 4 (0, 0) (0, 5) (5, 5) (5, 0)\n")));
        Assert.Contains("t.blocks:7", e.Message);
        Assert.Contains("4 vertices but lists 3", e.Message);

        e = Assert.Throws<FloorplanException>(() => BookshelfReader.Read(TestData.Write(Header + "a circle 5\n")));
        Assert.Contains("t.blocks:7", e.Message);

        e = Assert.Throws<FloorplanException>(() => BookshelfReader.Read(TestData.Write(Header + "a hardrectilinear 4 (0, 0) (0, 5) (5, 5) (5, 0)\n")));
        Assert.Contains("NumHardRectilinearBlocks says 2 but 1", e.Message);

        var blocks = Header + "a hardrectilinear 4 (0, 0) (0, 5) (5, 5) (5, 0)\nb hardrectilinear 4 (0, 0) (0, 5) (5, 5) (5, 0)\n";
        e = Assert.Throws<FloorplanException>(() => BookshelfReader.Read(TestData.Write(blocks, nets: "UCLA nets 1.0\nNumNets : 1\nNumPins : 2\nNetDegree : 2\na B\nzz B\n")));
        Assert.Contains("t.nets:6", e.Message);
        Assert.Contains("'zz'", e.Message);

        e = Assert.Throws<FloorplanException>(() => BookshelfReader.Read(TestData.Write(blocks, pl: "UCLA pl 1.0\na 0 zero\n")));
        Assert.Contains("t.pl:2", e.Message);
    }

    [Fact]
    public void Overlapping_fixed_blocks_are_refused_naming_both()
    {
        var blocks = Header + "a hardrectilinear 4 (0, 0) (0, 10) (10, 10) (10, 0)\nb hardrectilinear 4 (0, 0) (0, 10) (10, 10) (10, 0)\n";
        var p = BookshelfReader.Read(TestData.Write(blocks, pl: "UCLA pl 1.0\na 0 0 : N /FIXED\nb 5 5 : N /FIXED\n"));
        Assert.Equal((0.0, 0.0), p.Blocks[0].FixedAt);
        var e = Assert.Throws<FloorplanException>(p.Validate);
        Assert.Contains("t.pl:3", e.Message);
        Assert.Contains("'b'", e.Message);
        Assert.Contains("'a'", e.Message);
    }

    [Fact]
    public void An_outline_smaller_than_the_blocks_is_refused()
    {
        var p = BookshelfReader.Read(TestData.Blocks("ami33"));
        var e = Assert.Throws<FloorplanException>(() => p.WithOutline(1000, 1000).Validate());
        Assert.Contains("smaller than the total block area", e.Message);
        Assert.Contains("ami33", e.Message);
    }
}
