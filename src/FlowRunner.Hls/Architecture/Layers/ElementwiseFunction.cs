using FlowRunner.Models.Layers;
using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;
using FlowRunner.Numerics.Kernels;

namespace FlowRunner.Hls.Architecture;

/// <summary>How an element-wise activation after a weighted layer is built in hardware, from the value format it reads to the format it gives.
/// </summary>
public enum FunctionKind
{
    /// <summary>LeakyReLU with a power-of-two slope 2^-k: the negative side is the value assigned from k more fraction bits (a shift).</summary>
    Shift,

    /// <summary>Sigmoid or tanh: the model's table of <see cref="TableActivationOp.TableSize"/> entries in the output format, indexed by the
    /// value shifted to the table's step (1/64 for sigmoid over [-8, 8), 1/128 for tanh over [-4, 4)) and clamped.</summary>
    Table,

    /// <summary>Any other element-wise op on a narrow value: a ROM of the model's own output for every raw input.</summary>
    Lookup,
}

/// <summary>An element-wise activation fused after a weighted layer's output assignment (LeakyReLU, sigmoid, tanh): its kind, its formats
/// and, for the tables, the raw entries the model's kernel gives.</summary>
public sealed record ElementwiseFunction(LayerOp Op, FunctionKind Kind, FixedFormat Input, FixedFormat Output)
{
    /// <summary>The widest value a <see cref="FunctionKind.Lookup"/> ROM reads (4,096 entries).</summary>
    public const int MaxLookupBits = 12;

    /// <summary>Fraction bits the negative side of a <see cref="FunctionKind.Shift"/> gains: alpha = 2^-Shift.</summary>
    public int ShiftBits => Op is LeakyReluOp l ? -(int)Math.Log2(l.Alpha) : 0;

    /// <summary>log2 of the table's entries per unit of input (6 for sigmoid, 7 for tanh).</summary>
    public int TableScale => Op.Type == "sigmoid" ? 6 : 7;

    /// <summary>The plan of an element-wise op reading <paramref name="input"/> and giving <paramref name="output"/>, or why it has none.</summary>
    public static (ElementwiseFunction? Function, string? Refusal) Of(LayerOp op, FixedFormat input, FixedFormat output)
    {
        switch (op)
        {
            case LeakyReluOp l when l.Alpha > 0 && l.Alpha < 1 && Math.ScaleB(1, -(int)Math.Round(-Math.Log2(l.Alpha))) == l.Alpha:
                return (new ElementwiseFunction(op, FunctionKind.Shift, input, output), null);
            case TableActivationOp:
                return (new ElementwiseFunction(op, FunctionKind.Table, input, output), null);
            case LeakyReluOp when input.Width <= MaxLookupBits:
                return (new ElementwiseFunction(op, FunctionKind.Lookup, input, output), null);
            case LeakyReluOp l:
                return (null, $"slope {l.Alpha} is not a power of two and the {input.Width}-bit values are too wide for a ROM of the model's outputs (at most {MaxLookupBits} bits); a multiplier would round alpha * x differently from the model's double product");
            default:
                return (null, null);
        }
    }

    /// <summary>The ROM: for <see cref="FunctionKind.Table"/> the model's table entries in the output format; for
    /// <see cref="FunctionKind.Lookup"/> the model's output for every raw input from the smallest up (index = raw - smallest).</summary>
    public long[] Entries()
    {
        if (Kind == FunctionKind.Table)
        {
            var t = (TableActivationOp)Op;
            return Enumerable.Range(0, TableActivationOp.TableSize).Select(i => FixedKernels.Quantize(t.Entry(i), Output)).ToArray();
        }
        var lo = (long)Input.MinRaw;
        var n = 1 << Input.Width;
        var x = Enumerable.Range(0, n).Select(i => lo + i).ToArray();
        var y = new long[n];
        var shape = new TensorShape(1, 1, n);
        Op.Prepare([], [], shape, shape, null, Input, Output).Run(x, Input.FracBits, y);
        return y;
    }
}
