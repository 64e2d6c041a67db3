using FlowRunner.Tech.Liberty;
using FlowRunner.Tech.Tests.Support;

namespace FlowRunner.Tech.Tests.Liberty;

public class LibertyReaderTests
{
    private static readonly Lazy<LibertyLibrary> Osu = new(() => LibertyReader.ReadFile(TestPaths.Data("osu018_stdcells.lib")));

    [Fact]
    public void Reads_the_osu018_library_with_its_32_cells_and_units()
    {
        var lib = Osu.Value;
        Assert.Equal("osu018_stdcells", lib.Name);
        Assert.Equal(32, lib.Cells.Count);
        Assert.Equal(1.0, lib.Units.Time / 1e-9, 12);
        Assert.Equal(1.0, lib.Units.Capacitance / 1e-12, 12);
        Assert.Equal(1.0, lib.Units.LeakagePower / 1e-9, 12);
        Assert.Equal(1.0, lib.Units.Voltage);
        Assert.Equal(1.0, lib.Units.Current / 1e-6, 12);
        Assert.Equal(1.8, lib.NominalVoltage);
    }

    [Theory]
    [InlineData("INVX1", 16)]
    [InlineData("NAND2X1", 24)]
    [InlineData("NOR2X1", 24)]
    [InlineData("AOI21X1", 32)]
    [InlineData("OAI21X1", 23)]
    [InlineData("XOR2X1", 56)]
    [InlineData("XNOR2X1", 56)]
    [InlineData("MUX2X1", 48)]
    [InlineData("HAX1", 80)]
    [InlineData("FAX1", 120)]
    [InlineData("DFFPOSX1", 96)]
    [InlineData("LATCH", 0)]
    public void Osu018_cell_areas_match_the_reference(string cell, double area) =>
        Assert.Equal(area, Osu.Value.Cell(cell)!.Area);

    [Fact]
    public void Reads_pins_functions_and_sequential_cells()
    {
        var fa = Osu.Value.Cell("FAX1")!;
        Assert.Equal(["A", "B", "C"], fa.Inputs.Select(p => p.Name));
        Assert.Equal(["YC", "YS"], fa.Outputs.Select(p => p.Name).Order());
        Assert.Equal(0.0613054, fa.Pin("A")!.Capacitance);
        Assert.Equal("(((A B)+(B C))+(C A))", fa.Pin("YC")!.Function);
        Assert.Equal(0.230647, fa.LeakagePower);

        var dff = Osu.Value.Cell("DFFPOSX1")!;
        Assert.True(dff.IsSequential);
        Assert.True(dff.Pin("CLK")!.IsClock);
        Assert.False(fa.IsSequential);
        var q = dff.Pin("Q")!.Timings.Single();
        Assert.Equal("rising_edge", q.TimingType);
        Assert.Equal("CLK", q.RelatedPin);
        Assert.True(Osu.Value.Cell("LATCH")!.IsSequential);
    }

    [Fact]
    public void Reads_lookup_tables_with_continuations_and_interpolates_them()
    {
        // AND2X1 A -> Y cell_rise, from the file: index_1 (load) 0.005..0.15, index_2 (slew) 0.06..1.2.
        var arc = Osu.Value.Cell("AND2X1")!.Pin("Y")!.Timings.First(t => t.RelatedPin == "A");
        var t = arc.CellRise!;
        Assert.Equal("delay_template_5x5", t.Template);
        Assert.Equal([0.005, 0.0125, 0.025, 0.075, 0.15], t.Index1);
        Assert.Equal([0.06, 0.18, 0.42, 0.6, 1.2], t.Index2);
        Assert.Equal(0.06367, t.Values[0, 0]);
        Assert.Equal(0.325543, t.Values[4, 4]);
        Assert.Equal("total_output_net_capacitance", t.Variable1);
        Assert.Equal(0.06367, t.Lookup(0.005, 0.06), 9);
        // Halfway between the first two loads at the first slew: the mean of 0.06367 and 0.078318.
        Assert.Equal((0.06367 + 0.078318) / 2, t.Lookup(0.00875, 0.06), 9);
        Assert.Equal("positive_unate", arc.TimingSense);
        Assert.Equal(2, Osu.Value.Cell("AND2X1")!.Pin("Y")!.InternalPower.Count);
    }

    [Fact]
    public void Reads_the_installed_library_the_same_as_the_saved_copy()
    {
        var installed = LibertyReader.ReadFile(TestPaths.InstalledOsu018Lib);
        Assert.Equal(Osu.Value.Cells.Select(c => (c.Name, c.Area)), installed.Cells.Select(c => (c.Name, c.Area)));
    }

    [Fact]
    public void Writer_output_reads_back_to_the_same_library()
    {
        var text = LibertyWriter.Write(Osu.Value.Group);
        var again = LibertyReader.Read(text, "rewritten.lib");
        Assert.Equal(Osu.Value.Cells.Count, again.Cells.Count);
        foreach (var (a, b) in Osu.Value.Cells.Zip(again.Cells))
        {
            Assert.Equal(a.Name, b.Name);
            Assert.Equal(a.Area, b.Area);
            Assert.Equal(a.LeakagePower, b.LeakagePower);
            Assert.Equal(a.Pins.Select(p => (p.Name, p.Direction, p.Capacitance, p.Function)), b.Pins.Select(p => (p.Name, p.Direction, p.Capacitance, p.Function)));
            foreach (var (pa, pb) in a.Pins.Zip(b.Pins))
                foreach (var (ta, tb) in pa.Timings.Zip(pb.Timings))
                    foreach (var (name, table) in ta.Tables)
                        Assert.Equal(table.Values.Cast<double>(), tb.Tables[name].Values.Cast<double>());
        }
    }

    [Fact]
    public void Parses_comments_quoted_strings_complex_attributes_and_missing_semicolons()
    {
        const string text = """
            /* a block
               comment */
            library (tiny) {
              time_unit : "10ps" ;
              capacitive_load_unit (1, ff);
              leakage_power_unit : "1uW"
              // a line comment
              define (my_attr, cell, string);
              cell (X) {
                area : 1.5 ;
                pin (A) { direction : input ; capacitance : 2 ; }
                pin (Y) {
                  direction : output ;
                  function : "!A" ;
                  timing () {
                    related_pin : "A" ;
                    cell_rise (scalar) { values ( \
                      "0.5" ) ; }
                  }
                }
              }
            }
            """;
        var lib = LibertyReader.Read(text, "tiny.lib");
        Assert.Equal(1.0, lib.Units.Time / 1e-11, 12);
        Assert.Equal(1.0, lib.Units.Capacitance / 1e-15, 12);
        Assert.Equal(1.0, lib.Units.LeakagePower / 1e-6, 12);
        var define = lib.Group.Attribute("define")!;
        Assert.True(define.IsComplex);
        Assert.Equal(["my_attr", "cell", "string"], define.Values.Select(v => v.Text));
        var y = lib.Cell("X")!.Pin("Y")!;
        Assert.Equal("!A", y.Function);
        Assert.Equal(0.5, y.Timings[0].CellRise!.Lookup(1, 1));
    }

    [Theory]
    [InlineData("library (x) {\n  cell (A) {\n    area : 1 ;\n", 2, "never closed")]
    [InlineData("library (x) {\n  time_unit : \"1ns ;\n}\n", 2, "string is never closed")]
    [InlineData("library (x) {\n  area 5 ;\n}\n", 2, "expected ':' or '('")]
    [InlineData("library (x) {\n  cell (A) {\n    pin (Y) {\n      direction : sideways ;\n    }\n  }\n}\n", 4, "unknown direction")]
    [InlineData("library (x) {\n  cell (A) {\n    pin (Y) {\n      direction : output ;\n      timing () {\n        cell_rise (t) {\n          index_1 (\"1, 2\") ;\n          values (\"1, x\") ;\n        }\n      }\n    }\n  }\n}\n", 8, "'x' is not a number")]
    [InlineData("library (x) {\n  capacitive_load_unit (1) ;\n}\n", 2, "capacitive_load_unit")]
    [InlineData("library (x) {\n}\n}\n", 3, "after the end")]
    public void Malformed_liberty_names_file_and_line(string text, int line, string message)
    {
        var e = Assert.Throws<LibertyFormatException>(() => LibertyReader.Read(text, "bad.lib"));
        Assert.Equal("bad.lib", e.File);
        Assert.Equal(line, e.LineNumber);
        Assert.Contains(message, e.Message);
        Assert.StartsWith($"bad.lib:{line}:", e.Message);
    }

    [Theory]
    [InlineData("area : abc ;", 4, "cell 'INV': area 'abc' is not a number")]
    [InlineData("area : 3 ; cell_leakage_power : 1e ;", 4, "cell_leakage_power '1e' is not a number")]
    public void A_cell_number_that_is_not_a_number_is_an_error_naming_file_and_line(string attributes, int line, string message)
    {
        var text = "library (l) {\n  time_unit : \"1ns\" ;\n  cell (INV) {\n    " + attributes + "\n    pin (A) { direction : input ; }\n  }\n}\n";
        var e = Assert.Throws<LibertyFormatException>(() => LibertyReader.Read(text, "bad.lib"));
        Assert.Contains(message, e.Message);
        Assert.StartsWith($"bad.lib:{line}:", e.Message);
    }
}
