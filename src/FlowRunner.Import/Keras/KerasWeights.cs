using PureHDF;
using PureHDF.VOL.Native;

namespace FlowRunner.Import.Keras;

/// <summary>The weights of a Keras 2 model in HDF5 (read with PureHDF): per layer, the group named after it (under `model_weights/` in a
/// whole-model .h5) with the attribute `weight_names` listing its arrays in order.</summary>
internal sealed class KerasWeights : IDisposable
{
    private readonly NativeFile _file;
    private readonly IH5Group _root;
    private readonly string _path;

    /// <summary>The layers whose weights were asked for.</summary>
    public HashSet<string> Read { get; } = [];

    private KerasWeights(string path, NativeFile file, IH5Group root)
    {
        _path = path;
        _file = file;
        _root = root;
    }

    public static KerasWeights Open(string path)
    {
        if (!File.Exists(path)) throw new ImportException($"{path}: weights file not found");
        NativeFile file;
        try { file = H5File.OpenRead(path); }
        catch (Exception e) { throw new ImportException($"{path}: not a readable HDF5 file (truncated or corrupt?): {e.Message}"); }
        try
        {
            IH5Group root = file.LinkExists("model_weights") ? file.Group("model_weights") : file;
            return new KerasWeights(path, file, root);
        }
        catch (Exception e)
        {
            file.Dispose();
            throw new ImportException($"{path}: not a readable HDF5 file (truncated or corrupt?): {e.Message}");
        }
    }

    /// <summary>The `model_config` attribute of a whole-model .h5 (the architecture JSON), or null.</summary>
    public static string? ModelConfig(string path)
    {
        using var w = Open(path);
        try { return w._file.AttributeExists("model_config") ? w._file.Attribute("model_config").Read<string>() : null; }
        catch (Exception e) { throw new ImportException($"{path}: cannot read the model_config attribute: {e.Message}"); }
    }

    /// <summary>A layer's arrays by the last part of their names (kernel, bias, gamma, ...), with their shapes; empty when it has none.</summary>
    public IReadOnlyDictionary<string, (float[] Values, int[] Shape)> Layer(string layer)
    {
        Read.Add(layer);
        var result = new Dictionary<string, (float[], int[])>();
        try
        {
            if (!_root.LinkExists(layer)) return result;
            var g = _root.Group(layer);
            if (!g.AttributeExists("weight_names")) return result;
            var attr = g.Attribute("weight_names");
            if (attr.Space.Dimensions.Length == 0 || attr.Space.Dimensions[0] == 0) return result;
            foreach (var name in attr.Read<string[]>())
            {
                var ds = g.Dataset(name);
                var shape = ds.Space.Dimensions.Select(d => (int)d).ToArray();
                var values = ds.Read<float[]>();
                var key = name.Split('/')[^1].Split(':')[0];
                result[key] = (values, shape);
            }
        }
        catch (ImportException) { throw; }
        catch (Exception e) { throw new ImportException($"{_path}: layer '{layer}': cannot read its weights (truncated or corrupt file?): {e.Message}"); }
        return result;
    }

    /// <summary>The layers of the file that hold weights.</summary>
    public IReadOnlyList<string> LayersWithWeights()
    {
        try
        {
            return _root.Children().OfType<IH5Group>()
                .Where(g => g.AttributeExists("weight_names") && g.Attribute("weight_names").Space.Dimensions is [> 0, ..])
                .Select(g => g.Name).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) { throw new ImportException($"{_path}: cannot list its layers (truncated or corrupt file?): {e.Message}"); }
    }

    public string Path => _path;

    public void Dispose() => _file.Dispose();
}
