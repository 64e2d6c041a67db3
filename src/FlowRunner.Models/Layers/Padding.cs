using FlowRunner.Models.Network;

namespace FlowRunner.Models.Layers;

/// <summary>How a window layer pads its input: valid (none), same (Keras and ONNX SAME_UPPER: output = ceil(input / stride), the odd extra row
/// and column at the bottom and right), or explicit [top, left, bottom, right] (ONNX `pads`, converted from its [x1_begin, x2_begin, x1_end,
/// x2_end]). Padded inputs are zero for convolutions and left out of pooling windows.</summary>
public sealed record Padding(string Mode, int Top = 0, int Left = 0, int Bottom = 0, int Right = 0)
{
    public static readonly Padding Valid = new("valid");
    public static readonly Padding Same = new("same");

    public static Padding Explicit(int top, int left, int bottom, int right) =>
        top == 0 && left == 0 && bottom == 0 && right == 0 ? Valid : new("explicit", top, left, bottom, right);

    /// <summary>The padding before and after along one axis.</summary>
    public (int Before, int After) Along(bool vertical, int input, int kernel, int stride)
    {
        if (Mode == "same")
        {
            var output = (input + stride - 1) / stride;
            var total = Math.Max((output - 1) * stride + kernel - input, 0);
            return (total / 2, total - total / 2);
        }
        return vertical ? (Top, Bottom) : (Left, Right);
    }

    /// <summary>Output length along one axis (floor mode).</summary>
    public int Output(bool vertical, int input, int kernel, int stride)
    {
        var (b, a) = Along(vertical, input, kernel, stride);
        var n = input + b + a - kernel;
        if (n < 0) throw new ModelFormatException($"a window of {kernel} does not fit an input of {input} with padding {b}+{a}");
        return n / stride + 1;
    }

    public object Written => Mode == "explicit" ? new[] { Top, Left, Bottom, Right } : Mode;

    public override string ToString() => Mode == "explicit" ? $"[{Top},{Left},{Bottom},{Right}]" : Mode;
}

/// <summary>The window geometry shared by convolution and pooling: kernel, stride and padding in both axes, and the output shape.</summary>
public sealed record Window(int KernelH, int KernelW, int StrideH, int StrideW, Padding Padding)
{
    public (int OutH, int OutW, int PadTop, int PadLeft) Geometry(TensorShape s)
    {
        var oh = Padding.Output(true, s.H, KernelH, StrideH);
        var ow = Padding.Output(false, s.W, KernelW, StrideW);
        return (oh, ow, Padding.Along(true, s.H, KernelH, StrideH).Before, Padding.Along(false, s.W, KernelW, StrideW).Before);
    }

    public override string ToString() => $"{KernelH}x{KernelW} /{(StrideH == StrideW ? $"{StrideH}" : $"{StrideH}x{StrideW}")} {Padding}";
}
