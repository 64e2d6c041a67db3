using FlowRunner.Import.Keras;
using FlowRunner.Import.Onnx;
using FlowRunner.Models.Network;

namespace FlowRunner.Import;

/// <summary>The frontends: picks Keras/QKeras (.json, .h5) or ONNX/QONNX (.onnx) by the file's extension and translates the model into a
/// FlowRunner network description with float weights. Frontends only translate; everything after them is frontend-blind.</summary>
public static class ModelImporter
{
    public static readonly IReadOnlyList<string> Extensions = [".json", ".h5", ".hdf5", ".onnx"];

    /// <param name="weights">Keras: the weights .h5 of a model.json (default: &lt;stem&gt;_weights.h5 beside it).</param>
    public static ImportedModel Import(string file, string? weights = null)
    {
        if (!File.Exists(file)) throw new ImportException($"{file}: model file not found");
        var ext = Path.GetExtension(file).ToLowerInvariant();
        if (ext == ".onnx")
        {
            if (weights is not null) throw new ImportException($"{file}: an ONNX model holds its weights; --weights is for Keras model.json files");
            return OnnxImporter.Import(file);
        }
        if (ext is ".json" or ".h5" or ".hdf5") return KerasImporter.Import(file, weights);
        throw new ImportException($"{file}: unknown model format '{ext}' (FlowRunner imports {string.Join(", ", Extensions)})");
    }

    /// <summary>Writes the description (<paramref name="yaml"/>) and the weights (the .weights.json beside it, which model.load reads),
    /// each into a temporary file renamed into place, so a failed import leaves nothing that looks complete.</summary>
    public static (string Description, string Weights) Write(ImportedModel m, string yaml)
    {
        var weights = WeightsPath(yaml);
        var dir = Path.GetDirectoryName(Path.GetFullPath(yaml))!;
        Directory.CreateDirectory(dir);
        var tmpY = yaml + ".tmp";
        var tmpW = weights + ".tmp";
        try
        {
            File.WriteAllText(tmpY, m.Description);
            WeightsFile.Save(m.Network, tmpW, new TrainingRecord(Dataset: "imported: " + m.Source));
            File.Move(tmpW, weights, true);
            File.Move(tmpY, yaml, true);
        }
        finally
        {
            if (File.Exists(tmpY)) File.Delete(tmpY);
            if (File.Exists(tmpW)) File.Delete(tmpW);
        }
        return (yaml, weights);
    }

    /// <summary>net.yaml → net.weights.json.</summary>
    public static string WeightsPath(string yaml) => Path.ChangeExtension(yaml, null) + ".weights.json";
}
