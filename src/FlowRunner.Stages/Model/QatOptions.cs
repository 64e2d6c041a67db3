using System.Globalization;
using FlowRunner.Abstractions;
using FlowRunner.Models.Network;
using FlowRunner.Models.Training;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Stages.Model;

/// <summary>The `qat:` map of model.train: { enabled, word, int, quantization, overflow, logits_format, epochs, optimizer, learning_rate }.
/// The format is ac_fixed&lt;word, int, true, quantization, overflow&gt; (int counts the sign bit, so QKeras' quantized_bits(bits, integer) is
/// word = bits, int = integer + 1). Giving `word` turns it on unless `enabled: false`. Fine-tuning defaults to 2 epochs of Adam at 0.001
/// with the clipped straight-through estimator (`ste: plain` passes every gradient). The options `qat_format` (a format string) and
/// `qat_epochs` say the same more briefly; giving both forms is an error.</summary>
public sealed record QatOptions(bool Enabled, FixedFormat? Format, LogitsFormat? Logits, TrainingOptions Training, bool ClipGradients = true)
{
    public static readonly IReadOnlyList<string> Keys =
        ["enabled", "word", "int", "quantization", "overflow", "logits_format", "epochs", "optimizer", "learning_rate", "ste"];

    public static QatOptions From(StageContext c, StageOptions o)
    {
        if (o.String("qat_format") is { Length: > 0 } shorthand)
        {
            if (o.Map("qat").Count > 0) throw new StageFailedException($"stage '{c.StageId}': give either `qat` or `qat_format`, not both");
            FixedFormat f;
            try { f = FixedFormat.Parse(shorthand); }
            catch (FixedFormatException e) { throw new StageFailedException($"stage '{c.StageId}': option 'qat_format': {e.Message}"); }
            return new QatOptions(true, f, null, QuantizationAwareTraining.DefaultOptions(o.Int("seed", c.Seed), c.Threads) with { Epochs = o.Int("qat_epochs", 2) });
        }
        var map = o.Map("qat");
        foreach (var k in map.Keys.Where(k => !Keys.Contains(k)))
            throw new StageFailedException($"stage '{c.StageId}': option 'qat' has no key '{k}' (keys: {string.Join(", ", Keys)})");
        var q = o.Section("qat");
        var enabled = q.Bool("enabled", map.ContainsKey("word"));
        var defaults = QuantizationAwareTraining.DefaultOptions(o.Int("seed", c.Seed), c.Threads);
        if (!enabled) return new QatOptions(false, null, null, defaults);
        if (!map.ContainsKey("word") || !map.ContainsKey("int"))
            throw new StageFailedException($"stage '{c.StageId}': option 'qat' needs `word` and `int` (e.g. qat: {{ word: 4, int: 2 }})");
        var word = q.Int("word");
        var intBits = q.Int("int");
        var qs = q.String("quantization", "rnd");
        var os = q.String("overflow", "sat");
        if (!FixedFormatParser.TryQuantization(qs, out var qm))
            throw new StageFailedException($"stage '{c.StageId}': qat.quantization: unknown mode '{qs}' (trn, rnd, rnd_conv, ...)");
        if (!FixedFormatParser.TryOverflow(os, out var om))
            throw new StageFailedException($"stage '{c.StageId}': qat.overflow: unknown mode '{os}' (wrap, sat, sat_zero, sat_sym)");
        FixedFormat format;
        try { format = new FixedFormat(word, intBits, true, qm, om); }
        catch (FixedFormatException e) { throw new StageFailedException($"stage '{c.StageId}': qat: {e.Message}"); }
        LogitsFormat? logits = null;
        if (q.String("logits_format") is { Length: > 0 } lf)
            try { logits = LogitsFormat.Parse(lf); }
            catch (FixedFormatException e) { throw new StageFailedException($"stage '{c.StageId}': qat.logits_format: {e.Message} (or \"accumulator\")"); }
        var optimizer = q.String("optimizer", "adam") switch
        {
            "adam" => OptimizerKind.Adam,
            "sgd" => OptimizerKind.Sgd,
            var other => throw new StageFailedException($"stage '{c.StageId}': qat.optimizer: '{other}' is not sgd or adam"),
        };
        var rate = q.Double("learning_rate", 0);
        var clip = q.String("ste", "clipped") switch
        {
            "clipped" => true,
            "plain" => false,
            var other => throw new StageFailedException($"stage '{c.StageId}': qat.ste: '{other}' is not clipped or plain"),
        };
        return new QatOptions(true, format, logits, defaults with
        {
            Epochs = q.Int("epochs", defaults.Epochs), Optimizer = optimizer,
            LearningRate = rate > 0 ? rate : optimizer == OptimizerKind.Adam ? defaults.LearningRate : Optimizer.DefaultRate(optimizer) / 2,
        }, clip);
    }

    public override string ToString() => Enabled
        ? string.Create(CultureInfo.InvariantCulture, $"{Format}{(Logits is { } l ? $" (logits {l})" : "")}, {Training.Epochs} epoch(s) of {Training.Optimizer.ToString().ToLowerInvariant()} at {Training.Rate}, {(ClipGradients ? "clipped" : "plain")} straight-through estimator")
        : "off";
}
