namespace FlowRunner.Hls.Architecture;

/// <summary>A Dense layer run as windows of one value a channel: per group of L units, for each step k a window whose row r holds inputs
/// T*k + R*r .. T*k + R*r + R - 1 (R taps a row, T = R x R a lane), then T multiplies a lane. Weights [unit][input].</summary>
public sealed class DenseEngineLayer : EngineLayer
{
    public DenseEngineLayer(EngineLayerInputs p) : base(p) => Filters = p.Spec.Units;

    public override string KindName => "dense";
    public override int Filters { get; }
    public override int FanIn => Input.Size;
    public override int Channels => 1;
    public override int Steps => (Input.Size + Array.TapsPerLane - 1) / Array.TapsPerLane;
    public override int Pixels => 1;
    public override int Columns => 1;
    public override int Rows => 1;
    public override bool StepsShareWindow => false;
    public override int RunLength => Array.TapsPerRow;
    public override int RowStride => Array.TapsPerRow;
    public override int StepStride => Array.TapsPerLane;

    public override long Cycles => (long)Groups * ((long)Steps * (Array.Rows * (long)WordsPerRun + 1) + 2) + 1;

    public override long InputReads => (long)Groups * Steps * Array.Rows * WordsPerRun;

    protected override long TapWeight(int filter, int step, int tap)
    {
        var j = Array.TapsPerLane * step + tap;
        return j < FanIn ? Weights[filter * FanIn + j] : 0;
    }

    public override void EmitCppWeights(Action<string> w, float[] values, float[] bias)
    {
        w($"// {Name}: weights [unit][input]");
        w($"static const {Name}_w_t {Name}_w[{Filters}][{FanIn}] = {{");
        for (var f = 0; f < Filters; f++)
            w($"  {{{string.Join(", ", values.AsSpan(f * FanIn, FanIn).ToArray().Select(Cpp.HlsCppEmitter.Literal))}}},");
        w("};");
        EmitCppBias(w, bias);
    }

    public override void EmitCppLoops(Action<string> w, string source, string target)
    {
        var up = Name.ToUpperInvariant();
        var L = Lanes;
        var taps = Array.TapsPerLane;
        w($"  {up}_GROUP: for (int g = 0; g < {Groups}; g++) {{");
        w($"    {Name}_acc_t acc[{L}];");
        w($"    {up}_CLEAR: for (int i = 0; i < {L}; i++) {CppClear($"g * {L} + i")};");
        w($"    {up}_STEP: for (int k = 0; k < {Steps}; k++) {{");
        w("#pragma hls_pipeline_init_interval 1");
        w($"      {up}_LANE: for (int i = 0; i < {L}; i++) {{");
        w("#pragma hls_unroll yes");
        w($"        const int u = g * {L} + i;");
        w($"        if (u >= {Filters}) continue;");
        w($"        {up}_TAP: for (int t = 0; t < {taps}; t++) {{");
        w("#pragma hls_unroll yes");
        w($"          const int j = {taps} * k + t;");
        w($"          if (j < {FanIn}) acc[i] += {Name}_w[u][j] * {source}[j];");
        w("        }");
        w("      }");
        w("    }");
        w($"    {up}_OUT: for (int i = 0; i < {L} && g * {L} + i < {Filters}; i++) {{");
        EmitCppOutput(w, "        ", $"{target}[g * {L} + i]");
        w("    }");
        w("  }");
    }
}
