using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowRunner.Models.Network;

/// <summary>The trained-weights file (weights.json) that model.train writes and model.load reads:
/// { "format": "flowrunner-weights-1", "network": "&lt;the network description YAML&gt;", "layers": [ { "name", "type", "weights": [...], "bias": [...] } ] },
/// conv weights in [filter][ky][kx][channel] order, dense weights in [unit][input] order, float32 values.</summary>
public static class WeightsFile
{
    public const string FormatTag = "flowrunner-weights-1";

    private sealed record LayerWeights(string Name, string Type, float[] Weights, float[] Bias);

    private sealed record FileModel(string Format, string Network, IReadOnlyList<LayerWeights> Layers);

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    public static void Save(FloatNetwork net, string networkYaml, string file)
    {
        var model = new FileModel(FormatTag, networkYaml, net.Spec.Layers.Select((l, i) => new LayerWeights(l.Name, l.Kind.ToString().ToLowerInvariant(), net.Weights[i], net.Biases[i])).ToList());
        File.WriteAllText(file, JsonSerializer.Serialize(model, Json));
    }

    public static (FloatNetwork Net, string NetworkYaml) Load(string file)
    {
        if (!File.Exists(file)) throw new ModelFormatException($"{file}: weights file not found");
        FileModel? m;
        try { m = JsonSerializer.Deserialize<FileModel>(File.ReadAllText(file), Json); }
        catch (JsonException e) { throw new ModelFormatException($"{file}: line {e.LineNumber + 1}: not a weights file: {e.Message}"); }
        if (m is null || m.Format != FormatTag) throw new ModelFormatException($"{file}: not a FlowRunner weights file (expected \"format\": \"{FormatTag}\")");
        var spec = NetworkSpec.Parse(m.Network, file + " (network)");
        var net = new FloatNetwork(spec);
        if (m.Layers.Count != spec.Layers.Count) throw new ModelFormatException($"{file}: {m.Layers.Count} layers of weights for a network of {spec.Layers.Count} layers");
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            if (m.Layers[i].Weights.Length != net.Weights[i].Length || m.Layers[i].Bias.Length != net.Biases[i].Length)
                throw new ModelFormatException($"{file}: layer {i} '{m.Layers[i].Name}' has {m.Layers[i].Weights.Length} weights and {m.Layers[i].Bias.Length} biases; the network needs {net.Weights[i].Length} and {net.Biases[i].Length}");
            m.Layers[i].Weights.CopyTo(net.Weights[i], 0);
            m.Layers[i].Bias.CopyTo(net.Biases[i], 0);
        }
        return (net, m.Network);
    }
}
