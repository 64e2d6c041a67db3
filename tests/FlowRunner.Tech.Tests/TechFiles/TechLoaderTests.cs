using FlowRunner.Tech.Tests.Support;

namespace FlowRunner.Tech.Tests.TechFiles;

public sealed class TechLoaderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Finds_both_technologies_under_the_tech_root()
    {
        var loader = new TechLoader(TestPaths.TechRoot);
        Assert.Contains("osu018", loader.Available());
        Assert.Contains("generic45", loader.Available());
    }

    [Fact]
    public void Osu018_carries_the_reference_facts_and_resolves_the_debian_library()
    {
        var t = TestPaths.Tech("osu018");
        Assert.Equal("osu018", t.Name);
        Assert.Equal(1.8, t.SupplyV);
        Assert.Equal(10.0, t.Rows.HeightUm);
        Assert.Equal(0.8, t.Rows.SiteUm);
        Assert.False(t.StdCells.Generate);
        Assert.Equal(TestPaths.InstalledOsu018Lib, StandardCells.LibertyPath(t, _dir.Path));
        Assert.EndsWith("osu018_stdcells.lef", StandardCells.LefPath(t));
        Assert.Equal(1421, t.Operations.Add(8).AreaUm2);
        Assert.Equal(16, t.Memory.Sram.Rows.Min);
        Assert.Equal(512, t.Memory.Sram.Rows.Max);
        Assert.Equal([1, 2, 4, 8, 16], t.Memory.Sram.ColumnMux);
    }

    [Fact]
    public void Generic45_carries_horowitz_figures_and_scales_operations_by_width()
    {
        var t = TestPaths.Tech("generic45");
        Assert.True(t.StdCells.Generate);
        Assert.Equal(0.9, t.SupplyV);
        Assert.Equal(0.03, t.Operations.Add(8).EnergyPj);
        Assert.Equal(0.1, t.Operations.Add(32).EnergyPj);
        Assert.Equal(3.1, t.Operations.Multiply(32, 32).EnergyPj);
        // A 16x16 multiply scales from the nearest entry (8x8 and 32x32 are equally near in log width: the first wins) by the square.
        Assert.Equal(0.2 * 4, t.Operations.Multiply(16, 16).EnergyPj!.Value, 9);
        Assert.Equal(3.7, t.Operations.Named["fp32_mul"].EnergyPj);
        Assert.Equal(10, t.Operations.SramRead64b.Single(s => s.Kbytes == 8).EnergyPj);
        Assert.Equal([1300.0, 2600.0], t.Operations.DramRead64bPj);
        Assert.Null(StandardCells.LefPath(t));
        Assert.True(File.Exists(StandardCells.LibertyPath(t, _dir.Path)));
    }

    [Fact]
    public void The_library_folder_can_be_moved_by_an_environment_variable()
    {
        var variable = "FLOWRUNNER_TEST_CELLS_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var cells = Directory.CreateDirectory(_dir.File("cells")).FullName;
        File.Copy(TestPaths.Data("osu018_stdcells.lib"), Path.Combine(cells, "x.lib"));
        var yaml = File.ReadAllText(new TechLoader(TestPaths.TechRoot).PathOf("osu018"))
            .Replace("dir_env: FLOWRUNNER_OSU018_DIR", $"dir_env: {variable}")
            .Replace("liberty: osu018_stdcells.lib", "liberty: x.lib");
        Directory.CreateDirectory(_dir.File("tech/moved"));
        File.WriteAllText(_dir.File("tech/moved/tech.yaml"), yaml);
        var tech = new TechLoader(_dir.File("tech")).Load("moved");

        Assert.Throws<FileNotFoundException>(() => StandardCells.LibertyPath(tech, _dir.Path));
        Environment.SetEnvironmentVariable(variable, cells);
        try
        {
            Assert.Equal(Path.Combine(cells, "x.lib"), StandardCells.LibertyPath(tech, _dir.Path));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void A_missing_library_says_which_variable_to_set()
    {
        var yaml = File.ReadAllText(new TechLoader(TestPaths.TechRoot).PathOf("osu018"))
            .Replace("dir: /usr/share/qflow/tech/osu018", "dir: /nonexistent/osu018")
            .Replace("dir_env: FLOWRUNNER_OSU018_DIR", "dir_env: FLOWRUNNER_TEST_UNSET_VARIABLE_XYZ");
        var tech = Load(yaml);
        var e = Assert.Throws<FileNotFoundException>(() => StandardCells.LibertyPath(tech, _dir.Path));
        Assert.Contains("FLOWRUNNER_TEST_UNSET_VARIABLE_XYZ", e.Message);
        Assert.Contains("stdcells.liberty", e.Message);
    }

    [Fact]
    public void An_unknown_key_names_file_line_and_key()
    {
        var yaml = Osu018Yaml().Replace("  height_um: 10.0", "  heigth_um: 10.0");
        var line = LineOf(yaml, "heigth_um");
        var e = Assert.Throws<TechFormatException>(() => Load(yaml));
        Assert.Equal(line, e.LineNumber);
        Assert.Contains("heigth_um", e.Message);
        Assert.EndsWith("tech.yaml", e.File);
    }

    [Fact]
    public void An_impossible_value_names_the_line_of_its_key()
    {
        var yaml = Osu018Yaml().Replace("rows: { min: 16, max: 512 }\n    column_mux: [1, 2, 4, 8, 16]\n    width: { min: 1, max: 256 }\n    # generic45",
            "rows: { min: 16, max: 512 }\n    column_mux: [1, 3, 4]\n    width: { min: 1, max: 256 }\n    # generic45");
        var e = Assert.Throws<TechFormatException>(() => Load(yaml));
        Assert.Equal("memory.sram.column_mux", e.Key);
        Assert.Equal(LineOf(yaml, "column_mux: [1, 3, 4]"), e.LineNumber);
        Assert.Contains("not a power of two", e.Message);
    }

    [Fact]
    public void A_missing_value_is_reported_at_its_parent()
    {
        var yaml = Osu018Yaml().Replace("supply_v: 1.8", "supply: 1.8");
        Assert.Throws<TechFormatException>(() => Load(yaml));
        var noSupply = Osu018Yaml().Replace("supply_v: 1.8              # [DEB] nom_voltage\n", "");
        var e = Assert.Throws<TechFormatException>(() => Load(noSupply));
        Assert.Equal("supply_v", e.Key);
    }

    [Fact]
    public void Broken_yaml_names_the_line()
    {
        var yaml = Osu018Yaml().Replace("clock_ns: 10.0", "clock_ns: [10.0");
        var e = Assert.Throws<TechFormatException>(() => Load(yaml));
        Assert.True(e.LineNumber >= LineOf(yaml, "clock_ns: [10.0"), e.Message);
    }

    [Fact]
    public void A_generated_cell_reading_an_undeclared_pin_is_an_error()
    {
        var yaml = File.ReadAllText(new TechLoader(TestPaths.TechRoot).PathOf("generic45"))
            .Replace("outputs: { Y: \"!(A&B)\" }", "outputs: { Y: \"!(A&Q)\" }");
        var e = Assert.Throws<TechFormatException>(() => Load(yaml));
        Assert.Contains("Q", e.Message);
        Assert.StartsWith("cells.list[", e.Key);
    }

    private static string Osu018Yaml() => File.ReadAllText(new TechLoader(TestPaths.TechRoot).PathOf("osu018"));

    private TechDescription Load(string yaml)
    {
        var path = _dir.File("tech.yaml");
        File.WriteAllText(path, yaml);
        return TechLoader.LoadFile(path);
    }

    private static int LineOf(string text, string fragment)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++) if (lines[i].Contains(fragment)) return i + 1;
        throw new InvalidOperationException($"'{fragment}' not in the text");
    }
}
