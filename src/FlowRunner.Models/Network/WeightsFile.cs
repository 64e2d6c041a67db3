using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Models.Network;

/// <summary>How a weights file was made (informative; model.accuracy takes the quantization-aware format from here when its own `format` is
/// not set).</summary>
public sealed record TrainingRecord(string? Dataset = null, int Epochs = 0, string? Optimizer = null, double LearningRate = 0, int Batch = 0,
    int Seed = 0, string? QatFormat = null, int QatEpochs = 0, string? QatLogitsFormat = null);

/// <summary>The trained-weights file (weights.json) that model.train writes and model.load reads:
/// <code>
/// { "format": "flowrunner-weights-1",
///   "network": "&lt;the network description, YAML text&gt;",
///   "training": { "dataset": "mnist", "epochs": 3, "optimizer": "sgd", "learning_rate": 0.01, "batch": 32, "seed": 1,
///                 "qat_format": "ac_fixed&lt;4,2,true,AC_RND,AC_SAT&gt;" or null, "qat_epochs": 2, "qat_logits_format": null },
///   "layers": [ { "name": "conv2d1", "type": "conv2d", "shape": [8, 3, 3, 1], "weights": [...], "bias": [] }, ... ] }
/// </code>
/// One entry per layer with weights, matched by name. Values are float32 written in shortest round-trip form (they read back bit for bit).
/// Conv2D weights are in [filter][ky][kx][channel] order (shape [filters, kernel, kernel, channels]), Dense weights in [unit][input] order
/// (shape [units, inputs]; inputs in the flatten order: (y × W + x) × C + c); "bias" is empty for layers without one.</summary>
public static class WeightsFile
{
    public const string FormatTag = "flowrunner-weights-1";

    private sealed record LayerWeights(string Name, string Type, int[] Shape, float[] Weights, float[] Bias);

    private sealed record FileModel(string Format, string Network, TrainingRecord? Training, IReadOnlyList<LayerWeights> Layers);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Save(FloatNetwork net, string file, TrainingRecord? training = null)
    {
        var spec = net.Spec;
        var yaml = spec.Source ?? throw new InvalidOperationException($"network '{spec.Name}' has no description text to embed");
        var layers = Enumerable.Range(0, spec.Layers.Count).Where(i => spec.Layers[i].HasWeights).Select(i =>
        {
            var l = spec.Layers[i];
            int[] shape = l.Op is { } op ? op.WeightShape(spec.InputShape(i))
                : l.Kind == LayerKind.Conv2D ? [l.Filters, l.Kernel, l.Kernel, spec.InputShape(i).C] : [l.Units, spec.FanIn(i)];
            return new LayerWeights(l.Name, l.TypeName, shape, net.Weights[i], net.Biases[i]);
        }).ToList();
        File.WriteAllText(file, JsonSerializer.Serialize(new FileModel(FormatTag, yaml, training, layers), Json));
    }

    /// <summary>Reads a weights file; errors name the file and the layer at fault.</summary>
    public static (FloatNetwork Net, TrainingRecord? Training) Load(string file)
    {
        if (!File.Exists(file)) throw new ModelFormatException($"{file}: weights file not found");
        FileModel? m;
        try { m = JsonSerializer.Deserialize<FileModel>(File.ReadAllText(file), Json); }
        catch (JsonException e) { throw new ModelFormatException($"{file}: line {e.LineNumber + 1}: not a weights file (at byte {e.BytePositionInLine + 1} of the line: not JSON, or a value of the wrong type)"); }
        if (m is null || m.Format != FormatTag) throw new ModelFormatException($"{file}: not a FlowRunner weights file (expected \"format\": \"{FormatTag}\")");
        if (m.Network is null || m.Layers is null) throw new ModelFormatException($"{file}: a weights file needs \"network\" and \"layers\"");
        var spec = NetworkSpec.Parse(m.Network, file + " (embedded network)");
        var net = new FloatNetwork(spec);
        var byName = new Dictionary<string, LayerWeights>();
        foreach (var lw in m.Layers)
            if (lw?.Name is null || !byName.TryAdd(lw.Name, lw)) throw new ModelFormatException($"{file}: a layer entry without a name, or named twice ('{lw?.Name}')");
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            var l = spec.Layers[i];
            if (!l.HasWeights) continue;
            if (!byName.Remove(l.Name, out var lw)) throw new ModelFormatException($"{file}: no weights for layer '{l.Name}'");
            var (w, b) = (lw.Weights ?? [], lw.Bias ?? []);
            if (w.Length != net.Weights[i].Length || b.Length != net.Biases[i].Length)
                throw new ModelFormatException($"{file}: layer '{l.Name}' has {w.Length} weights and {b.Length} biases; the network needs {net.Weights[i].Length} and {net.Biases[i].Length}");
            if (w.Concat(b).FirstOrDefault(v => !float.IsFinite(v)) is var bad && !float.IsFinite(bad))
                throw new ModelFormatException($"{file}: layer '{l.Name}' holds {bad}");
            w.CopyTo(net.Weights[i], 0);
            b.CopyTo(net.Biases[i], 0);
        }
        if (byName.Count > 0) throw new ModelFormatException($"{file}: weights for layers the network does not have: {string.Join(", ", byName.Keys)}");
        try
        {
            if (m.Training?.QatFormat is { } qf) FixedFormat.Parse(qf);
            if (m.Training?.QatLogitsFormat is { } ql) LogitsFormat.Parse(ql);
        }
        catch (FixedFormatException e) { throw new ModelFormatException($"{file}: training: {e.Message}"); }
        return (net, m.Training);
    }
}
