using System.Text;
using FlowRunner.Models.Layers;
using FlowRunner.Models.Network;

namespace FlowRunner.Hls.Architecture;

/// <summary>A Conv2D layer of any kernel up to the array's window (kh x kw), stride and padding: per output pixel one window of kh runs of
/// kw*C values (one per kernel row, zero outside the input), then per group of L filters C steps of R x R multiplies a lane (taps beyond
/// the kernel idle). Weights [filter][ky][kx][channel].</summary>
public class Conv2DEngineLayer : EngineLayer
{
    public Conv2DEngineLayer(EngineLayerInputs p) : this(p, WindowOf(p.Spec), p.Spec.Op is ConvOp c ? c.Filters : p.Spec.Filters) { }

    protected Conv2DEngineLayer(EngineLayerInputs p, Window window, int filters) : base(p)
    {
        Window = window;
        Filters = filters;
        (_, _, PadTop, PadLeftColumns) = Window.Geometry(p.Input);
    }

    /// <summary>The kernel, stride and padding of a first-wave conv2d (square, stride 1, valid) or a ConvOp.</summary>
    protected static Window WindowOf(LayerSpec l) => l.Op is ConvOp c ? c.Window : new Window(l.Kernel, l.Kernel, 1, 1, Padding.Valid);

    /// <summary>Why the array cannot run this conv layer, or null.</summary>
    public static string? Refusal(LayerSpec l)
    {
        var w = WindowOf(l);
        return w.KernelH > MacArray.MaxKernel || w.KernelW > MacArray.MaxKernel
            ? $"kernel {w.KernelH}x{w.KernelW}; the MAC array's window is at most {MacArray.MaxKernel}x{MacArray.MaxKernel} ({MacArray.MaxKernel * MacArray.MaxKernel} multipliers a lane)"
            : null;
    }

    public Window Window { get; }
    protected int KH => Window.KernelH;
    protected int KW => Window.KernelW;
    protected int PadTop { get; }
    protected int PadLeftColumns { get; }

    public override string KindName => "conv2d";
    public override int Filters { get; }
    public override int FanIn => KH * KW * Input.C;
    public override int Channels => Input.C;
    public override int Steps => Input.C;
    public override int Pixels => Rows * Columns * PoolRows * PoolColumns;
    public override int Columns => Pool is { } w ? w.Geometry(Output).OutW : Output.W;
    public override int Rows => Pool is { } w ? w.Geometry(Output).OutH : Output.H;
    public override int PoolColumns => Pool?.KernelW ?? 1;
    public override int PoolRows => Pool?.KernelH ?? 1;
    public override int PoolColumnStride => (Pool?.StrideW ?? 1) * StepStride;
    public override int PoolLineStride => (Pool?.StrideH ?? 1) * LineStride;
    public override int PoolColumnStep => (Pool?.StrideW ?? 1) * ColumnStride;
    public override bool StepsShareWindow => true;
    public override int RunLength => KW * Input.C;
    public override int RowStride => Input.W * Input.C;
    public override int StepStride => Window.StrideW * Input.C;
    public override int WindowRows => KH;
    public override int LineStride => Window.StrideH * Input.W * Input.C;
    public override int StartOffset => -(PadTop * Input.W + PadLeftColumns) * Input.C;
    public override bool ColumnPadded => PadLeftColumns > 0 || (Output.W - 1) * Window.StrideW - PadLeftColumns + KW > Input.W;

    /// <summary>Whether some window reaches outside the input (padding on any side).</summary>
    public bool Padded => ColumnPadded || PadTop > 0 || (Output.H - 1) * Window.StrideH - PadTop + KH > Input.H;
    public override int PadLeft => PadLeftColumns;
    public override int ColumnStride => Window.StrideW;
    public override int AddressMargin => Padded ? (WindowRows * RowStride - StartOffset) / Lanes + 2 : 0;

    public override long Cycles => (long)Pixels * (WindowRows * (long)WordsPerRun + (long)Groups * (Steps + 2)) + 1;

    public override long InputReads => (long)Pixels * WindowRows * WordsPerRun;

    /// <summary>The kernel position (ky, kx) of an array tap, or null where the tap idles.</summary>
    protected virtual (int Ky, int Kx)? KernelAt(int tap)
    {
        var (ky, kx) = (tap / Array.TapsPerRow, tap % Array.TapsPerRow);
        return ky < KH && kx < KW ? (ky, kx) : null;
    }

    public override bool TapUsed(int tap) => KernelAt(tap) is not null;

    protected override long TapWeight(int filter, int step, int tap) =>
        KernelAt(tap) is var (ky, kx) ? KernelWeight(filter, ky, kx, step) : 0;

    /// <summary>The raw weight of filter <paramref name="filter"/> at kernel position (ky, kx) and input channel <paramref name="channel"/>.</summary>
    protected virtual long KernelWeight(int filter, int ky, int kx, int channel) => Weights[((filter * KH + ky) * KW + kx) * Channels + channel];

    public override void EmitCppWeights(Action<string> w, float[] values, float[] bias)
    {
        w($"// {Name}: weights [filter][ky][kx][channel]");
        w($"static const {Name}_w_t {Name}_w[{Filters}][{KH}][{KW}][{Channels}] = {{");
        for (var f = 0; f < Filters; f++)
            w($"  {{{Nest(values.AsSpan(f * FanIn, FanIn).ToArray().Select(Cpp.HlsCppEmitter.Literal).ToList(), Channels)}}},");
        w("};");
        EmitCppBias(w, bias);
    }

    public override void EmitCppLoops(Action<string> w, string source, string target)
    {
        var up = Name.ToUpperInvariant();
        var L = Lanes;
        var (sh, sw) = (Window.StrideH, Window.StrideW);
        var convOut = target;
        if (Pool is not null)
        {
            convOut = $"{Name}_conv";
            w($"  static {Name}_{(Activation is null ? "out" : "act")}_t {convOut}[{Output.Size}];");
        }
        w($"  {up}_PIXEL: for (int p = 0; p < {Output.H * Output.W}; p++) {{");
        w($"    const int y = p / {Output.W}, x = p % {Output.W};");
        w($"    {up}_GROUP: for (int g = 0; g < {Groups}; g++) {{");
        w($"      {Name}_acc_t acc[{L}];");
        w($"      {up}_CLEAR: for (int i = 0; i < {L}; i++) {CppClear($"g * {L} + i")};");
        w($"      {up}_CHANNEL: for (int c = 0; c < {Channels}; c++) {{");
        w("#pragma hls_pipeline_init_interval 1");
        w($"        {up}_LANE: for (int i = 0; i < {L}; i++) {{");
        w("#pragma hls_unroll yes");
        w($"          const int f = g * {L} + i;");
        w($"          if (f >= {Filters}) continue;");
        w($"          {up}_TAP: for (int t = 0; t < {KH * KW}; t++) {{");
        w("#pragma hls_unroll yes");
        var yy = sh == 1 ? "y" : $"y * {sh}";
        var xx = sw == 1 ? "x" : $"x * {sw}";
        if (!Padded)
            w($"            acc[i] += {Name}_w[f][t / {KW}][t % {KW}][c] * {source}[(({yy} + t / {KW}) * {Input.W} + {xx} + t % {KW}) * {Channels} + c];");
        else
        {
            // Padded taps read zeros: they are left out of the sum, as the model does.
            w($"            const int iy = {yy} - {PadTop} + t / {KW}, ix = {xx} - {PadLeftColumns} + t % {KW};");
            w($"            if (iy >= 0 && iy < {Input.H} && ix >= 0 && ix < {Input.W}) acc[i] += {Name}_w[f][t / {KW}][t % {KW}][c] * {source}[(iy * {Input.W} + ix) * {Channels} + c];");
        }
        w("          }");
        w("        }");
        w("      }");
        w($"      {up}_OUT: for (int i = 0; i < {L} && g * {L} + i < {Filters}; i++) {{");
        EmitCppOutput(w, "        ", $"{convOut}[p * {Filters} + g * {L} + i]");
        w("      }");
        w("    }");
        w("  }");
        if (Pool is { } pool) EmitCppPool(w, pool, convOut, target);
    }

    /// <summary>The fused max-pool: each window's maximum, assigned into the stored format.</summary>
    private void EmitCppPool(Action<string> w, Window pool, string source, string target)
    {
        var up = Name.ToUpperInvariant();
        var F = Filters;
        w($"  {up}_POOL: for (int q = 0; q < {Rows * Columns * F}; q++) {{");
        w($"    const int f = q % {F}, x = q / {F} % {Columns}, y = q / {F} / {Columns};");
        w($"    {Name}_{(Activation is null ? "out" : "act")}_t m = {source}[((y * {pool.StrideH}) * {Output.W} + x * {pool.StrideW}) * {F} + f];");
        w($"    {up}_WINDOW: for (int t = 1; t < {pool.KernelH * pool.KernelW}; t++) {{");
        w("#pragma hls_unroll yes");
        w($"      const {Name}_{(Activation is null ? "out" : "act")}_t v = {source}[((y * {pool.StrideH} + t / {pool.KernelW}) * {Output.W} + x * {pool.StrideW} + t % {pool.KernelW}) * {F} + f];");
        w("      if (v > m) m = v;");
        w("    }");
        w($"    {target}[q] = m;");
        w("  }");
    }

    /// <summary>Canonical [ky][kx][channel] values as nested initializers.</summary>
    private string Nest(IReadOnlyList<string> values, int channels)
    {
        var sb = new StringBuilder();
        for (var ky = 0; ky < KH; ky++)
        {
            sb.Append(ky == 0 ? "{" : ", {");
            for (var kx = 0; kx < KW; kx++)
            {
                sb.Append(kx == 0 ? "{" : ", {");
                sb.AppendJoin(", ", values.Skip((ky * KW + kx) * channels).Take(channels));
                sb.Append('}');
            }
            sb.Append('}');
        }
        return sb.ToString();
    }
}

/// <summary>A Conv1D layer (input [1, steps, channels]): its kernel of k taps folds into the array's rows, row r holding kernel positions
/// r*R .. r*R + R - 1, so a window reads ceil(k / R) runs of up to R*C values, R*C apart. The rest is the Conv2D plan with height 1.</summary>
public sealed class Conv1DEngineLayer(EngineLayerInputs p) : Conv2DEngineLayer(p)
{
    /// <summary>Why the array cannot run this conv1d layer, or null.</summary>
    public static new string? Refusal(LayerSpec l) =>
        WindowOf(l).KernelW > MacArray.MaxKernel * MacArray.MaxKernel
            ? $"kernel {WindowOf(l).KernelW}; a 1-D kernel folds into the MAC array's window of at most {MacArray.MaxKernel * MacArray.MaxKernel} taps"
            : null;

    public override string KindName => "conv1d";
    public override int RunLength => Math.Min(KW, Array.TapsPerRow) * Input.C;
    public override int RowStride => Array.TapsPerRow * Input.C;
    public override int WindowRows => (KW + Array.TapsPerRow - 1) / Array.TapsPerRow;
    public override int LineStride => RowStride;

    protected override (int Ky, int Kx)? KernelAt(int tap) => tap < KW ? (0, tap) : null;

    public override int TapColumn(int tap) => tap;
}

/// <summary>A batch normalization that follows no Dense or Conv (the importers fold it into one where it does): per channel
/// acc = shift; acc += scale * x; y = acc in its own formats, run as a 1x1 conv whose filter c has the scale of channel c on its diagonal
/// and zeros elsewhere (the zero products leave the exact sum unchanged). C steps a pixel where one would do: simple, not fast.</summary>
public sealed class BatchNormEngineLayer(EngineLayerInputs p) : Conv2DEngineLayer(p, new Window(1, 1, 1, 1, Padding.Valid), p.Input.C)
{
    public override string KindName => "batchnorm";

    protected override long KernelWeight(int filter, int ky, int kx, int channel) => filter == channel ? Weights[filter] : 0;

    public override void EmitCppWeights(Action<string> w, float[] values, float[] bias)
    {
        var diagonal = new float[Filters * Channels];
        for (var c = 0; c < Channels; c++) diagonal[c * Channels + c] = values[c];
        base.EmitCppWeights(w, diagonal, bias);
    }
}
