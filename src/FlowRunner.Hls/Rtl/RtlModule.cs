namespace FlowRunner.Hls.Rtl;

/// <summary>What a register of the generated accelerator holds, as the register map (hls.emit's `registers` view) names it.</summary>
public static class RegisterRoles
{
    /// <summary>The FSM state, the layer and the valid flags of the pipeline.</summary>
    public const string Control = "control";
    /// <summary>Loop counters: pixel, step, group, window row, bus beats.</summary>
    public const string Counter = "counter";
    /// <summary>Memory word addresses and lane offsets within a word.</summary>
    public const string Address = "address";
    /// <summary>The exact accumulators of the MAC lanes.</summary>
    public const string Accumulator = "accumulator";
    /// <summary>The weight operands of the multipliers.</summary>
    public const string Weight = "weight";
    /// <summary>The window row buffers the activation operands are taken from.</summary>
    public const string Window = "window";
    /// <summary>Layer outputs on their way to the next layer's memory (the output packer).</summary>
    public const string Activation = "activation";
    /// <summary>The word the activation memory read last cycle, before it enters the window.</summary>
    public const string ReadData = "read_data";
    /// <summary>The lanes' values after assignment (rounding, saturation, activation), before packing.</summary>
    public const string Assigned = "assigned";
    /// <summary>The running maxima of pooled layers.</summary>
    public const string Pooling = "pooling";
    /// <summary>The biases loaded into the accumulators.</summary>
    public const string Bias = "bias";
    /// <summary>A per-layer constant selected by the layer register.</summary>
    public const string Constant = "constant";
    /// <summary>The logits and the bus read-back word.</summary>
    public const string Output = "output";

    /// <summary>Every role, for the register map's reader.</summary>
    public static readonly IReadOnlyList<string> All =
        [Control, Counter, Address, Accumulator, Weight, Window, Activation, ReadData, Assigned, Pooling, Bias, Constant, Output];
}

/// <summary>A `reg` of a module: its name, width, signedness and role; <see cref="Clocked"/> is false for a `reg` an `always @(*)` assigns.</summary>
public sealed record RtlRegister(string Name, int Width, bool Signed, string Role, bool Clocked);

/// <summary>One declaration line of registers of the same type; <see cref="Scalar"/> declares them without a range, <see cref="Port"/> as an
/// `output reg` in the port list.</summary>
public sealed record RtlDeclaration(IReadOnlyList<RtlRegister> Registers, bool Scalar, bool Port);

/// <summary>The register part of a generated module: every `reg` in the order it is declared, which the generator declares into and
/// <see cref="RtlPrinter"/> prints, so the register map and the Verilog come from one list.</summary>
public sealed class RtlModule(string name)
{
    private readonly List<RtlDeclaration> _declarations = [];

    public string Name => name;

    public IReadOnlyList<RtlDeclaration> Declarations => _declarations;

    public IReadOnlyList<RtlRegister> Registers => _declarations.SelectMany(d => d.Registers).ToList();

    /// <summary>Declares registers of one width and role on one line and returns the declaration.</summary>
    public RtlDeclaration Declare(string role, int width, IEnumerable<string> names, bool signed = false, bool clocked = true, bool scalar = false, bool port = false)
    {
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), $"a register is at least one bit wide, got {width}");
        if (scalar && width != 1) throw new ArgumentException("a scalar register is one bit wide", nameof(width));
        var regs = names.Select(n => new RtlRegister(n, width, signed, role, clocked)).ToList();
        if (regs.Count == 0) throw new ArgumentException("a declaration names at least one register", nameof(names));
        var d = new RtlDeclaration(regs, scalar, port);
        _declarations.Add(d);
        return d;
    }
}

/// <summary>Prints a module model's declarations as Verilog-2005.</summary>
public static class RtlPrinter
{
    /// <summary>`  reg [msb:0] a, b;`, `  reg signed [msb:0] a;`, `  reg a;`, or `  output reg [msb:0] a` for a port.</summary>
    public static string Declaration(RtlDeclaration d)
    {
        var first = d.Registers[0];
        var type = (first.Signed ? "reg signed" : "reg") + (d.Scalar ? "" : $" [{first.Width - 1}:0]");
        var names = string.Join(", ", d.Registers.Select(r => r.Name));
        return d.Port ? $"  output {type} {names}" : $"  {type} {names};";
    }
}

/// <summary>The register map of a generated module (hls.emit's `registers` view, registers.json): every register of the module model with
/// its width, signedness, role and whether it is clocked, in declaration order.</summary>
public sealed record RegisterMap(string Format, string Module, IReadOnlyList<RtlRegister> Registers)
{
    public const string FormatTag = "flowrunner-registers-1";

    public static RegisterMap Of(RtlModule module) => new(FormatTag, module.Name, module.Registers);
}
