using System.Numerics;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Models.Network;

/// <summary>What the logits (the outputs of the last Conv2D or Dense layer) are assigned into: a format, or the logits layer's own accumulator
/// format (<see cref="KeepAccumulator"/>: no rounding or overflow after the last sum). Written "accumulator" or a format in options and
/// descriptions.</summary>
public readonly record struct LogitsFormat(FixedFormat? Format, bool KeepAccumulator)
{
    public const string AccumulatorKeyword = "accumulator";

    public static LogitsFormat Accumulator => new(null, true);

    public static LogitsFormat Parse(string text) =>
        text.Trim().Equals(AccumulatorKeyword, StringComparison.OrdinalIgnoreCase) ? Accumulator : new LogitsFormat(FixedFormat.Parse(text), false);

    public override string ToString() => KeepAccumulator ? AccumulatorKeyword : Format?.ToString() ?? "";
}

/// <summary>The network-wide formats of a run: layers without formats of their own use them.</summary>
/// <param name="Format">Inputs, weights and outputs.</param>
/// <param name="Accumulator">The accumulator of every multiply-accumulate; null: full precision (it can neither round nor overflow).</param>
/// <param name="Logits">The output format of the logits layer; null: <paramref name="Format"/> like every other layer.</param>
public sealed record FormatDefaults(FixedFormat Format, FixedFormat? Accumulator = null, LogitsFormat? Logits = null)
{
    /// <summary>ac_fixed&lt;8,4,true,AC_RND,AC_SAT&gt;, used when neither the run nor the description names a format.</summary>
    public static readonly FixedFormat Fallback = new(8, 4, true, Quantization.Rnd, Overflow.Sat);

    /// <summary>Precedence: the run's options (a stage's `format`, `accum_format`, `logits_format`), then the description's `format:`,
    /// `accum_format:` and `logits_format:`, then <see cref="Fallback"/>, a full-precision accumulator and logits in the default format.</summary>
    public static FormatDefaults For(NetworkSpec spec, FixedFormat? format = null, FixedFormat? accumulator = null, LogitsFormat? logits = null) =>
        new(format ?? spec.DefaultFormat ?? Fallback, accumulator ?? spec.DefaultAccumulator, logits ?? spec.DefaultLogits);

    public override string ToString() =>
        $"{Format}, accumulator {Accumulator?.ToString() ?? "full precision"}{(Logits is { } l ? $", logits {l}" : "")}";
}

/// <summary>The formats one layer with weights computes with: its inputs, weights (and bias), accumulator and outputs.</summary>
public sealed record LayerFormats(FixedFormat Input, FixedFormat Weight, FixedFormat Accumulator, FixedFormat Output)
{
    /// <summary>Fractional bits of an exact product w × x.</summary>
    public int ProductFrac => Input.FracBits + Weight.FracBits;
}

/// <summary>Resolves the formats of every layer of a network for a run: a layer's own formats win, then the run's defaults; a layer's input
/// format is the previous layer's output format unless it names one (the image is assigned into the default format); the logits layer's
/// output takes the run's logits format when there is one.</summary>
public static class NetworkFormats
{
    /// <summary>One entry per layer; null for layers without weights (they work on the raw values of their input's format).</summary>
    public static IReadOnlyList<LayerFormats?> Resolve(NetworkSpec spec, FormatDefaults defaults)
    {
        var result = new LayerFormats?[spec.Layers.Count];
        var current = spec.Layers[0].InputFormat ?? defaults.Format;
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            var l = spec.Layers[i];
            if (!l.HasWeights)
            {
                if (l.Op is { } op) current = op.ValueFormat(current, l.OutputFormat, defaults);
                continue;
            }
            var input = l.InputFormat ?? current;
            var weight = l.WeightFormat ?? defaults.Format;
            var acc = l.AccumFormat ?? defaults.Accumulator ?? FullPrecision(input, weight, spec.FanIn(i), l.Bias);
            var output = l.OutputFormat ?? (l.KeepAccumulator ? acc : (FixedFormat?)null)
                ?? (i == spec.LogitsLayer && defaults.Logits is { } logits ? (logits.KeepAccumulator ? acc : logits.Format!.Value) : defaults.Format);
            result[i] = new LayerFormats(input, weight, acc, output);
            current = result[i]!.Output;
        }
        return result;
    }

    /// <summary>Per layer, the format its output values are in: a weighted layer's output format, a LayerOp's value format, else the format
    /// the values arrived in.</summary>
    public static IReadOnlyList<FixedFormat> ValueFormats(NetworkSpec spec, FormatDefaults defaults, IReadOnlyList<LayerFormats?> resolved)
    {
        var result = new FixedFormat[spec.Layers.Count];
        var current = InputFormat(spec, defaults);
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            var l = spec.Layers[i];
            current = resolved[i] is { } f ? f.Output : l.Op is { } op ? op.ValueFormat(current, l.OutputFormat, defaults) : current;
            result[i] = current;
        }
        return result;
    }

    /// <summary>The format of the image as the first layer receives it.</summary>
    public static FixedFormat InputFormat(NetworkSpec spec, FormatDefaults defaults) => spec.Layers[0].InputFormat ?? defaults.Format;

    /// <summary>The narrowest signed accumulator that holds any sum of <paramref name="terms"/> products of the two formats (plus a bias in
    /// format <paramref name="b"/>) exactly: its LSB is the product's, its width covers the worst-case magnitude. Truncate and wrap modes,
    /// which then never act.</summary>
    public static FixedFormat FullPrecision(FixedFormat a, FixedFormat b, int terms, bool bias = false)
    {
        var frac = a.FracBits + b.FracBits;
        if (bias) frac = Math.Max(frac, b.FracBits);
        static BigInteger MaxAbs(FixedFormat f) => BigInteger.Max(BigInteger.Abs(f.MinRaw), f.MaxRaw);
        var worst = MaxAbs(a) * MaxAbs(b) * Math.Max(1, terms) << (frac - a.FracBits - b.FracBits);
        if (bias) worst += MaxAbs(b) << (frac - b.FracBits);
        var width = (int)worst.GetBitLength() + 1;
        return new FixedFormat(width, width - frac, true, Quantization.Trn, Overflow.Wrap);
    }
}
