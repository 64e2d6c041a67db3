using System.Text;
using FlowRunner.Models.Network;

namespace FlowRunner.Hls.Architecture;

/// <summary>A Conv2D layer whose kernel is the array's window (3x3, stride 1, valid): per output pixel one window of 3 runs of 3C values
/// (one per kernel row), then per group of L filters C steps of 9 multiplies a lane. Weights [filter][ky][kx][channel].</summary>
public sealed class Conv2DEngineLayer : EngineLayer
{
    private const int K = MacArray.Rows;

    public Conv2DEngineLayer(EngineLayerInputs p) : base(p) => Filters = p.Spec.Filters;

    /// <summary>Why the array cannot run this conv layer, or null.</summary>
    public static string? Refusal(LayerSpec l) =>
        l.Kernel != K ? $"kernel {l.Kernel}x{l.Kernel}; the MAC array has {MacArray.TapsPerLane} multipliers a lane and implements {K}x{K} kernels only" : null;

    public override string KindName => "conv2d";
    public override int Filters { get; }
    public override int FanIn => K * K * Input.C;
    public override int Channels => Input.C;
    public override int Steps => Input.C;
    public override int Pixels => Output.H * Output.W;
    public override int Columns => Output.W;
    public override int Rows => Output.H;
    public override bool StepsShareWindow => true;
    public override int RunLength => K * Input.C;
    public override int RowStride => Input.W * Input.C;
    public override int StepStride => Input.C;

    public override long Cycles => (long)Pixels * (K * (long)WordsPerRun + (long)Groups * (Steps + 2)) + 1;

    public override long InputReads => (long)Pixels * K * WordsPerRun;

    protected override long TapWeight(int filter, int step, int tap) =>
        Weights[((filter * K + tap / K) * K + tap % K) * Channels + step];

    public override void EmitCppWeights(Action<string> w, float[] values, float[] bias)
    {
        w($"// {Name}: weights [filter][ky][kx][channel]");
        w($"static const {Name}_w_t {Name}_w[{Filters}][{K}][{K}][{Channels}] = {{");
        for (var f = 0; f < Filters; f++)
            w($"  {{{Nest(values.AsSpan(f * FanIn, FanIn).ToArray().Select(Cpp.HlsCppEmitter.Literal).ToList(), Channels)}}},");
        w("};");
        EmitCppBias(w, bias);
    }

    public override void EmitCppLoops(Action<string> w, string source, string target)
    {
        var up = Name.ToUpperInvariant();
        var L = Lanes;
        w($"  {up}_PIXEL: for (int p = 0; p < {Pixels}; p++) {{");
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
        w($"          {up}_TAP: for (int t = 0; t < {K * K}; t++) {{");
        w("#pragma hls_unroll yes");
        w($"            acc[i] += {Name}_w[f][t / {K}][t % {K}][c] * {source}[((y + t / {K}) * {Input.W} + x + t % {K}) * {Channels} + c];");
        w("          }");
        w("        }");
        w("      }");
        w($"      {up}_OUT: for (int i = 0; i < {L} && g * {L} + i < {Filters}; i++) {{");
        EmitCppOutput(w, "        ", $"{target}[p * {Filters} + g * {L} + i]");
        w("      }");
        w("    }");
        w("  }");
    }

    /// <summary>Canonical [ky][kx][channel] values as nested initializers.</summary>
    private static string Nest(IReadOnlyList<string> values, int channels)
    {
        var sb = new StringBuilder();
        for (var ky = 0; ky < K; ky++)
        {
            sb.Append(ky == 0 ? "{" : ", {");
            for (var kx = 0; kx < K; kx++)
            {
                sb.Append(kx == 0 ? "{" : ", {");
                sb.AppendJoin(", ", values.Skip((ky * K + kx) * channels).Take(channels));
                sb.Append('}');
            }
            sb.Append('}');
        }
        return sb.ToString();
    }
}
