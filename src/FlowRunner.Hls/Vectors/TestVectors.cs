using System.Globalization;
using System.Text;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;

namespace FlowRunner.Hls.Vectors;

/// <summary>One test image: its raw pixels in the input format and the logits the bit-accurate model computes, raw and in float.</summary>
public sealed record TestVector(int Label, long[] Pixels, long[] Logits, float[] FloatLogits);

/// <summary>The test-vector file both test benches (the HLS C++ main and the Verilog bench) read.</summary>
/// <remarks>
/// Whitespace-separated tokens, so that C++ streams and Verilog $fscanf read it alike; every value follows its keyword:
/// <code>
/// flowrunner-vectors-1 images N inputs I outputs K
/// input_format ac_fixed&lt;8,4,true,AC_RND,AC_SAT&gt;
/// output_format ac_fixed&lt;8,4,true,AC_RND,AC_SAT&gt;
/// image 0 label 7
/// pixels  I raw integers of the input format (value = raw x 2^-frac), channels last
/// logits  K raw integers of the logits format, as the C# bit-accurate model computes them
/// float_logits  K floats: the float network on the same (quantized) pixels
/// </code>
/// </remarks>
public static class TestVectors
{
    public const string Magic = "flowrunner-vectors-1";

    /// <summary>The first <paramref name="count"/> images of a dataset through the bit-accurate and the float model.</summary>
    public static IReadOnlyList<TestVector> Compute(BitAccurateNetwork model, FloatNetwork net, float[][] images, int[] labels, int count)
    {
        var n = Math.Min(count, images.Length);
        var result = new TestVector[n];
        var frac = model.InputFormat.FracBits;
        for (var i = 0; i < n; i++)
        {
            var pixels = model.QuantizeInput(images[i]);
            var quantized = pixels.Select(p => (float)Math.ScaleB(p, -frac)).ToArray();
            result[i] = new TestVector(labels[i], pixels, model.InferRaw(pixels), net.Logits(quantized));
        }
        return result;
    }

    /// <summary><paramref name="count"/> seeded random inputs uniform over the input format's whole raw range (for a network without a
    /// dataset), through the bit-accurate and the float model; labels are -1.</summary>
    public static IReadOnlyList<TestVector> Random(BitAccurateNetwork model, FloatNetwork net, int count, int seed)
    {
        var rng = new System.Random(seed);
        var f = model.InputFormat;
        var lo = (long)f.MinRaw;
        var hi = (long)f.MaxRaw;
        var result = new TestVector[count];
        for (var i = 0; i < count; i++)
        {
            var pixels = new long[model.Spec.Input.Size];
            for (var j = 0; j < pixels.Length; j++) pixels[j] = rng.NextInt64(lo, hi + 1);
            var quantized = pixels.Select(p => (float)Math.ScaleB(p, -f.FracBits)).ToArray();
            result[i] = new TestVector(-1, pixels, model.InferRaw(pixels), net.Logits(quantized));
        }
        return result;
    }

    /// <summary>Reads a vector file: its input format and every vector (labels, raw pixels, raw and float logits). A file that is not
    /// one fails with <see cref="FormatException"/> naming the file and the token.</summary>
    public static (string InputFormat, IReadOnlyList<TestVector> Vectors) Read(string file)
    {
        var tokens = File.ReadAllText(file).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var at = 0;
        string Next(string what) => at < tokens.Length ? tokens[at++] : throw new FormatException($"{file}: ends before {what}");
        void Expect(string keyword)
        {
            var t = Next(keyword);
            if (t != keyword) throw new FormatException($"{file}: expected '{keyword}' at token {at}, found '{t}'");
        }
        long Integer(string what) => long.TryParse(Next(what), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v
            : throw new FormatException($"{file}: {what} at token {at} is not an integer ('{tokens[at - 1]}')");
        Expect(Magic);
        Expect("images");
        var images = Integer("images");
        Expect("inputs");
        var inputs = Integer("inputs");
        Expect("outputs");
        var outputs = Integer("outputs");
        Expect("input_format");
        var inputFormat = Next("input_format");
        Expect("output_format");
        Next("output_format");
        if (images < 0 || inputs < 1 || outputs < 1) throw new FormatException($"{file}: images {images}, inputs {inputs}, outputs {outputs} are not a vector file's counts");
        var result = new List<TestVector>();
        for (var i = 0; i < images; i++)
        {
            Expect("image");
            Integer("image");
            Expect("label");
            var label = (int)Integer("label");
            Expect("pixels");
            var pixels = new long[inputs];
            for (var j = 0; j < inputs; j++) pixels[j] = Integer("pixel");
            Expect("logits");
            var logits = new long[outputs];
            for (var j = 0; j < outputs; j++) logits[j] = Integer("logit");
            Expect("float_logits");
            var floats = new float[outputs];
            for (var j = 0; j < outputs; j++)
                floats[j] = float.TryParse(Next("float logit"), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) ? f
                    : throw new FormatException($"{file}: float logit at token {at} is not a number ('{tokens[at - 1]}')");
            result.Add(new TestVector(label, pixels, logits, floats));
        }
        return (inputFormat, result);
    }

    public static string Write(BitAccurateNetwork model, IReadOnlyList<TestVector> vectors)
    {
        var sb = new StringBuilder();
        var inputs = model.Spec.Input.Size;
        var outputs = vectors.Count > 0 ? vectors[0].Logits.Length : model.Spec.Classes;
        sb.Append($"{Magic} images {vectors.Count} inputs {inputs} outputs {outputs}\n");
        sb.Append($"input_format {model.InputFormat}\n");
        sb.Append($"output_format {model.OutputFormat}\n");
        for (var i = 0; i < vectors.Count; i++)
        {
            var v = vectors[i];
            sb.Append($"image {i} label {v.Label}\n");
            sb.Append("pixels ").AppendJoin(' ', v.Pixels).Append('\n');
            sb.Append("logits ").AppendJoin(' ', v.Logits).Append('\n');
            sb.Append("float_logits ").AppendJoin(' ', v.FloatLogits.Select(f => f.ToString("G9", CultureInfo.InvariantCulture))).Append('\n');
        }
        return sb.ToString();
    }
}
