using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using FlowRunner.Floorplan.Annealing;
using FlowRunner.Floorplan.Designs;
using FlowRunner.Floorplan.Model;
using FlowRunner.Floorplan.Output;

namespace FlowRunner.Floorplan.Tests;

/// <summary>DEF and SVG writers: the DEF parses back (units, die, components and their positions), the SVG is well-formed with one rectangle a block.</summary>
public sealed class OutputTests
{
    private static FloorplanResult Plan() =>
        Annealer.Run(SyntheticDesign.Create(12, seed: 2, cellAreaShare: 0.5, halo: 2), new AnnealOptions { Seed = 1, MovesScale = 0.1, PinTarget = "logic" });

    /// <summary>A tiny DEF reader: what a tool needs first — units, die and components with status, point and orientation.</summary>
    private sealed record DefComponent(string Name, string Cell, string Status, long X, long Y, string Orient);

    private static (int Units, long[] Die, int Declared, List<DefComponent> Components, int Regions, int Rows) ParseDef(string def)
    {
        var units = int.Parse(Regex.Match(def, @"UNITS DISTANCE MICRONS (\d+) ;").Groups[1].Value, CultureInfo.InvariantCulture);
        var die = Regex.Match(def, @"DIEAREA \( (-?\d+) (-?\d+) \) \( (-?\d+) (-?\d+) \) ;").Groups.Values.Skip(1).Select(g => long.Parse(g.Value, CultureInfo.InvariantCulture)).ToArray();
        var section = Regex.Match(def, @"COMPONENTS (\d+) ;\n(.*?)END COMPONENTS", RegexOptions.Singleline);
        var comps = Regex.Matches(section.Groups[2].Value, @"^- (\S+) (\S+) \+ (FIXED|PLACED) \( (-?\d+) (-?\d+) \) (N|S|E|W|FN|FS|FE|FW) (\+ HALO \d+ \d+ \d+ \d+ )?;$", RegexOptions.Multiline)
            .Select(m => new DefComponent(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, long.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture), m.Groups[6].Value)).ToList();
        var regions = Regex.Matches(def, @"^- \S+ \( -?\d+ -?\d+ \) \( -?\d+ -?\d+ \) \+ TYPE GUIDE ;$", RegexOptions.Multiline).Count;
        var rows = Regex.Matches(def, @"^ROW \S+ \S+ \d+ \d+ (N|FS) DO \d+ BY 1 STEP \d+ 0 ;$", RegexOptions.Multiline).Count;
        Assert.StartsWith("VERSION 5.8 ;", def);
        Assert.EndsWith("END DESIGN\n", def);
        return (units, die, int.Parse(section.Groups[1].Value, CultureInfo.InvariantCulture), comps, regions, rows);
    }

    [Fact]
    public void The_def_parses_back_with_its_die_components_and_region()
    {
        var r = Plan();
        var def = DefWriter.Write(r, new DefOptions("accel") { DatabaseMicrons = 2000 });
        var (units, die, declared, comps, regions, rows) = ParseDef(def);
        Assert.Contains("DESIGN accel ;", def);
        Assert.Equal(2000, units);
        Assert.Equal(new long[] { 0, 0, (long)Math.Round(r.DieWidth * 2000), (long)Math.Round(r.DieHeight * 2000) }, die);
        Assert.Equal(12, declared);
        Assert.Equal(12, comps.Count);
        Assert.Equal(1, regions);
        Assert.Equal(0, rows);
        foreach (var c in comps)
        {
            var b = r[c.Name];
            Assert.Equal(r.Problem.Blocks[b.Index].CellName, c.Cell);
            Assert.Equal("FIXED", c.Status);
            Assert.Equal(b.Orientation.ToString(), c.Orient);
            Assert.Equal(Math.Round(b.X * 2000), c.X);
            Assert.Equal(Math.Round(b.Y * 2000), c.Y);
            Assert.InRange(c.X, 0, die[2]);
            Assert.InRange(c.Y, 0, die[3]);
        }
    }

    [Fact]
    public void Rows_fill_the_cell_region_when_a_site_is_given()
    {
        var r = Plan();
        var def = DefWriter.Write(r, new DefOptions("accel") { Rows = ("CoreSite", 1.4, 0.19), Fixed = false });
        var (_, _, _, comps, _, rows) = ParseDef(def);
        var logic = r["logic"];
        Assert.Equal((int)Math.Floor(logic.Height / 1.4 + 1e-9), rows);
        Assert.All(comps, c => Assert.Equal("PLACED", c.Status));
    }

    [Fact]
    public void The_svg_is_well_formed_with_the_die_each_macro_and_the_cell_region()
    {
        var r = Plan();
        var svg = XDocument.Parse(SvgWriter.Write(r, nets: true));
        XNamespace ns = "http://www.w3.org/2000/svg";
        var rects = svg.Descendants(ns + "rect").ToList();
        Assert.Equal(12, rects.Count(e => (string?)e.Attribute("class") == "macro"));
        Assert.Single(rects, e => (string?)e.Attribute("class") == "cells");
        var texts = svg.Descendants(ns + "text").ToList();
        var labels = texts.Select(t => t.Value).ToList();
        // Every block is named: inside it at a legible size, or by number with its name in the key below the die.
        Assert.All(r.Blocks, b => Assert.True(labels.Contains(b.Name) || labels.Any(l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"^\d+: {b.Name} \(")), b.Name));
        Assert.All(texts.Where(t => ((string?)t.Attribute("class"))?.StartsWith("label") == true),
            t => Assert.True(double.Parse((string)t.Attribute("font-size")!, System.Globalization.CultureInfo.InvariantCulture) >= SvgWriter.MinLabelPx, t.Value));
        var keyed = texts.Where(t => (string?)t.Attribute("class") == "label keyed").Select(t => t.Value).ToList();
        Assert.Equal(keyed.Count, texts.Count(t => (string?)t.Attribute("class") == "key"));
        Assert.NotEmpty(svg.Descendants(ns + "line"));
        // The scale bar: a round length drawn at the drawing's scale.
        var bar = svg.Descendants(ns + "g").Single(g => (string?)g.Attribute("class") == "scale-bar");
        var line = bar.Elements(ns + "line").First();
        double A(XElement e, string n) => double.Parse((string)e.Attribute(n)!, System.Globalization.CultureInfo.InvariantCulture);
        var um = double.Parse(bar.Element(ns + "text")!.Value.Replace(" um", "").Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(um * 640 / Math.Max(r.DieWidth, r.DieHeight), A(line, "x2") - A(line, "x1"), 1);
        Assert.Matches(@"^[125]0*$", um.ToString("0", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(123.0, 100.0)]
    [InlineData(260.0, 200.0)]
    [InlineData(0.7, 0.5)]
    [InlineData(50.0, 50.0)]
    public void Scale_bar_lengths_are_round(double fifth, double bar) => Assert.Equal(bar, SvgWriter.NiceLength(fifth), 9);
}
