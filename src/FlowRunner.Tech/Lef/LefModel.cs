namespace FlowRunner.Tech.Lef;

/// <summary>A rectangle in microns, lower-left to upper-right.</summary>
public readonly record struct LefRect(double X1, double Y1, double X2, double Y2)
{
    public double Width => X2 - X1;
    public double Height => Y2 - Y1;
}

/// <summary>A rectangle on a named layer (a pin port or an obstruction).</summary>
public sealed record LefShape(string Layer, LefRect Rect);

/// <summary>A macro pin: direction (INPUT, OUTPUT, INOUT), use (SIGNAL, CLOCK, POWER, GROUND) and port shapes.</summary>
public sealed record LefPin(string Name, string Direction, string Use, IReadOnlyList<LefShape> Ports)
{
    /// <summary>SHAPE of the pin (ABUTMENT for rails), or null.</summary>
    public string? Shape { get; init; }
}

/// <summary>A LEF MACRO: class, size, pins and obstructions; enough for floor planning and placement of macros and cells.</summary>
public sealed record LefMacro(string Name, string Class, double WidthUm, double HeightUm)
{
    public IReadOnlyList<LefPin> Pins { get; init; } = [];
    public IReadOnlyList<LefShape> Obstructions { get; init; } = [];

    /// <summary>SYMMETRY, e.g. "X Y R90"; null when none.</summary>
    public string? Symmetry { get; init; }

    /// <summary>SITE for standard cells; null for blocks.</summary>
    public string? Site { get; init; }

    /// <summary>Source line of the MACRO statement (0 when built in code).</summary>
    public int Line { get; init; }

    public double AreaUm2 => WidthUm * HeightUm;

    public LefPin? Pin(string name) => Pins.FirstOrDefault(p => p.Name == name);
}

/// <summary>A placement site: class and size (the standard-cell row pitch).</summary>
public sealed record LefSite(string Name, string? Class, double WidthUm, double HeightUm);

/// <summary>The parts of a LEF file FlowRunner uses: units, sites and macros.</summary>
public sealed record LefLibrary(IReadOnlyList<LefMacro> Macros)
{
    public string Version { get; init; } = "5.7";

    /// <summary>DATABASE MICRONS: database units per micron.</summary>
    public int DatabaseMicrons { get; init; } = 1000;
    public IReadOnlyList<LefSite> Sites { get; init; } = [];

    public LefMacro? Macro(string name) => Macros.FirstOrDefault(m => m.Name == name);
}

/// <summary>A LEF file that cannot be read: names the file and the line.</summary>
public sealed class LefFormatException(string file, int line, string message) : FormatException($"{file}:{line}: {message}")
{
    public string File { get; } = file;
    public int LineNumber { get; } = line;
}
