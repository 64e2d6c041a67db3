using System.Globalization;
using System.Text;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;

namespace FlowRunner.Import;

/// <summary>How `model infer` computes: float32 (the source framework's numbers), or bit-accurate in the network's formats.</summary>
public enum InferenceMode { Float, BitAccurate }

/// <summary>The CSV files of `model infer`: one input vector a line (comma-separated numbers, flattened in the source model's layout:
/// channels last (HWC) unless the description says `input_layout: chw`, as ONNX graphs from PyTorch with NCHW inputs do), one output vector
/// a line (float: the outputs with the final softmax when there is one; bit-accurate: the values of the output format, the logits before
/// a final softmax). Blank lines and lines starting with # are skipped.</summary>
public static class VectorFiles
{
    /// <summary>Reads the input vectors, reordered into FlowRunner's channels-last layout; errors name the file and line.</summary>
    public static List<float[]> Read(string file, NetworkSpec spec)
    {
        if (!File.Exists(file)) throw new ImportException($"{file}: input file not found");
        var rows = new List<float[]>();
        var n = 0;
        foreach (var line in File.ReadLines(file))
        {
            n++;
            var t = line.Trim();
            if (t.Length == 0 || t.StartsWith('#')) continue;
            var cells = t.Split(',');
            if (cells.Length != spec.Input.Size)
                throw new ImportException($"{file}:{n}: {cells.Length} values, the network '{spec.Name}' takes {spec.Input.Size} ({spec.Input}{(spec.InputLayout == "chw" ? ", channels first" : "")})");
            var v = new float[cells.Length];
            for (var i = 0; i < cells.Length; i++)
                if (!float.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) || !float.IsFinite(v[i]))
                    throw new ImportException($"{file}:{n}: value {i + 1} '{cells[i].Trim()}' is not a number");
            rows.Add(spec.InputLayout == "chw" ? ChannelsLast(v, spec.Input) : v);
        }
        return rows;
    }

    /// <summary>A channels-first vector in channels-last order.</summary>
    public static float[] ChannelsLast(float[] chw, TensorShape s)
    {
        var hwc = new float[chw.Length];
        for (var c = 0; c < s.C; c++)
            for (var p = 0; p < s.H * s.W; p++) hwc[p * s.C + c] = chw[c * s.H * s.W + p];
        return hwc;
    }

    /// <summary>The outputs of every input.</summary>
    public static List<double[]> Infer(FloatNetwork net, IReadOnlyList<float[]> inputs, InferenceMode mode, FormatDefaults? formats = null)
    {
        if (mode == InferenceMode.Float) return inputs.Select(x => net.Outputs(x).Select(v => (double)v).ToArray()).ToList();
        var model = new BitAccurateNetwork(net, formats ?? FormatDefaults.For(net.Spec));
        return inputs.Select(x => model.Infer(x).Select(model.ToDouble).ToArray()).ToList();
    }

    /// <summary>Writes the outputs (shortest round-trip numbers) through a temporary file renamed into place.</summary>
    public static void Write(string file, IEnumerable<double[]> outputs)
    {
        var sb = new StringBuilder();
        foreach (var o in outputs) sb.Append(string.Join(",", o.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))).Append('\n');
        var tmp = file + ".tmp";
        File.WriteAllText(tmp, sb.ToString());
        File.Move(tmp, file, true);
    }
}
