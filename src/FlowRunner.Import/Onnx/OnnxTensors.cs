using Google.Protobuf;
using Onnx;

namespace FlowRunner.Import.Onnx;

/// <summary>A constant of an ONNX graph (an initializer, a Constant node's value, or a quantizer evaluated at import) as float values with
/// its shape.</summary>
internal sealed record Constant(float[] Values, long[] Shape)
{
    public long Size => Values.Length;
    public float Scalar(string where) => Values.Length == 1 ? Values[0] : throw new ImportException($"{where}: expected a scalar, got shape [{string.Join(", ", Shape)}]");

    public static Constant From(TensorProto t, string where)
    {
        var n = t.Dims.Aggregate(1L, (a, d) => a * d);
        var raw = t.RawData.ToByteArray();
        float[] v = (TensorProto.Types.DataType)t.DataType switch
        {
            TensorProto.Types.DataType.Float => raw.Length > 0 ? Enumerable.Range(0, raw.Length / 4).Select(i => BitConverter.ToSingle(raw, i * 4)).ToArray() : t.FloatData.ToArray(),
            TensorProto.Types.DataType.Double => raw.Length > 0 ? Enumerable.Range(0, raw.Length / 8).Select(i => (float)BitConverter.ToDouble(raw, i * 8)).ToArray() : t.DoubleData.Select(d => (float)d).ToArray(),
            TensorProto.Types.DataType.Int64 => raw.Length > 0 ? Enumerable.Range(0, raw.Length / 8).Select(i => (float)BitConverter.ToInt64(raw, i * 8)).ToArray() : t.Int64Data.Select(d => (float)d).ToArray(),
            TensorProto.Types.DataType.Int32 => raw.Length > 0 ? Enumerable.Range(0, raw.Length / 4).Select(i => (float)BitConverter.ToInt32(raw, i * 4)).ToArray() : t.Int32Data.Select(d => (float)d).ToArray(),
            var other => throw new ImportException($"{where}: tensor '{t.Name}' of type {other} is not supported"),
        };
        if (t.DataLocation == TensorProto.Types.DataLocation.External) throw new ImportException($"{where}: tensor '{t.Name}' is stored in an external file, which FlowRunner does not read");
        if (v.Length != n) throw new ImportException($"{where}: tensor '{t.Name}' holds {v.Length} values for shape [{string.Join(", ", t.Dims)}] (truncated or corrupt file?)");
        return new Constant(v, t.Dims.ToArray());
    }
}
