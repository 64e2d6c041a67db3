using System.Text;
using FlowRunner.Hls.Architecture;

namespace FlowRunner.Hls.Rtl;

/// <summary>Verilog of the element-wise activations a layer fuses (see <see cref="ElementwiseFunction"/>): the two assignments of a
/// power-of-two LeakyReLU, or one combinational ROM module for a table.</summary>
public static class FunctionVerilog
{
    /// <summary>The modules of a layer's function, a file each; <paramref name="module"/> is the name prefix (accel_LAYER).</summary>
    public static IEnumerable<(string Module, string Verilog)> Modules(string module, ElementwiseFunction fn)
    {
        var iw = fn.Input.Width + 1;
        if (fn.Kind == FunctionKind.Shift)
        {
            yield return ($"{module}_fpos", AssignVerilog.Module($"{module}_fpos", iw, fn.Input.FracBits, fn.Output));
            yield return ($"{module}_fneg", AssignVerilog.Module($"{module}_fneg", iw, fn.Input.FracBits + fn.ShiftBits, fn.Output));
            yield break;
        }
        yield return ($"{module}_fn", Rom($"{module}_fn", fn));
    }

    /// <summary>A combinational ROM module (input signed [W:0] a: the value sign-extended by one bit; output [Wo-1:0] y).</summary>
    private static string Rom(string name, ElementwiseFunction fn)
    {
        var iw = fn.Input.Width + 1;
        var ow = fn.Output.Width;
        var entries = fn.Entries();
        var sb = new StringBuilder();
        void W(string s) => sb.Append(s).Append('\n');
        W($"// {name}: {fn.Op.Describe()} from {fn.Input} into {fn.Output}, as the model's " +
          (fn.Kind == FunctionKind.Table ? $"table of {entries.Length} entries (index floor(x * 2^{fn.TableScale}) + {entries.Length / 2}, clamped)." : $"output for each of the {entries.Length} raw inputs."));
        W("/* verilator lint_off UNUSED */");
        W($"module {name} (\n  input signed [{iw - 1}:0] a,\n  output reg [{ow - 1}:0] y\n);");
        string index;
        int ib;
        if (fn.Kind == FunctionKind.Table)
        {
            ib = Architecture.Accelerator.BitsFor(entries.Length - 1);
            var d = fn.Input.FracBits - fn.TableScale;
            var xw = Math.Max(iw + Math.Max(0, -d), ib + 1) + 2;
            W($"  wire signed [{xw - 1}:0] ax = {{{{{xw - iw}{{a[{iw - 1}]}}}}, a}};");
            W($"  wire signed [{xw - 1}:0] t = (ax {(d >= 0 ? ">>>" : "<<<")} {Math.Abs(d)}) + {xw}'sd{entries.Length / 2};");
            W($"  wire [{ib - 1}:0] idx = t < 0 ? {ib}'d0 : t > {xw}'sd{entries.Length - 1} ? {ib}'d{entries.Length - 1} : t[{ib - 1}:0];");
            index = "idx";
        }
        else
        {
            ib = fn.Input.Width;
            index = $"a[{ib - 1}:0]";
        }
        W("  always @(*)");
        W($"    case ({index})");
        var lo = (long)fn.Input.MinRaw;
        for (var e = 0; e < entries.Length; e++)
        {
            var key = fn.Kind == FunctionKind.Table ? e : (lo + e) & ((1L << ib) - 1);
            W($"      {ib}'h{AssignVerilog.Hex(key, ib)}: y = {AssignVerilog.Bits(entries[e], ow)};");
        }
        W($"      default: y = {ow}'d0;");
        W("    endcase");
        W("endmodule");
        W("/* verilator lint_on UNUSED */");
        return sb.ToString();
    }
}
