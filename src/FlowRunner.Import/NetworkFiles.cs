using FlowRunner.Models.Network;

namespace FlowRunner.Import;

/// <summary>Opens what `model infer` and `model.import` are given: a model file to import (.onnx, .json, .h5), a weights file (.json that
/// embeds its network), or a network description (.yaml) with its weights beside it (&lt;name&gt;.weights.json, as `model import` writes).</summary>
public static class NetworkFiles
{
    public static FloatNetwork Open(string file, string? weights = null)
    {
        if (!File.Exists(file)) throw new ImportException($"{file}: not found");
        var ext = Path.GetExtension(file).ToLowerInvariant();
        if (ext is ".yaml" or ".yml")
        {
            var w = weights ?? ModelImporter.WeightsPath(file);
            if (!File.Exists(w)) throw new ImportException($"{file}: no weights beside it ({w}); give --weights");
            var (net, _) = WeightsFile.Load(w);
            return net;
        }
        if (ext == ".json" && IsWeightsFile(file)) return WeightsFile.Load(file).Net;
        return ModelImporter.Import(file, weights).Network;
    }

    private static bool IsWeightsFile(string file)
    {
        using var r = new StreamReader(file);
        var head = new char[256];
        var n = r.Read(head, 0, head.Length);
        return new string(head, 0, n).Contains(WeightsFile.FormatTag, StringComparison.Ordinal);
    }
}
