using FlowRunner.Models.Network;

namespace FlowRunner.Models.Layers;

/// <summary>The options of one layer of a description as a LayerOp reads them; errors point at the key's file, line and column.</summary>
public interface ILayerOptions
{
    bool Has(string key);
    int? Int(string key);

    /// <summary>A positive integer or a list of <paramref name="count"/> of them (a single integer is repeated).</summary>
    int[]? Ints(string key, int count);

    /// <summary>A list of non-negative integers of the given length.</summary>
    int[]? Counts(string key, int count);

    double? Number(string key);
    string? Text(string key);
    ModelFormatException Error(string key, string message);
}

/// <summary>The registry of LayerOp kinds by `type:`. A layer of a first-wave type in its first-wave geometry returns null (the tuned
/// kernels take it); anything else returns its LayerOp.</summary>
public static class LayerOps
{
    /// <summary>Types only LayerOps implement.</summary>
    public static readonly IReadOnlyList<string> Types =
        ["conv1d", "batchnorm", "leaky_relu", "sigmoid", "tanh", "maxpool1d", "avgpool1d", "avgpool2d", "reshape", "bipolar"];

    public static LayerOp? Parse(string type, ILayerOptions o)
    {
        switch (type)
        {
            case "conv2d":
            {
                var k = o.Ints("kernel", 2) ?? throw o.Error("type", "conv2d needs `kernel:`");
                var s = o.Ints("stride", 2) ?? [1, 1];
                var p = Pad(o, 2);
                if (k[0] == k[1] && s[0] == 1 && s[1] == 1 && p == Padding.Valid) return null;
                return new ConvOp("conv2d", Filters(o, type), new Window(k[0], k[1], s[0], s[1], p));
            }
            case "conv1d":
            {
                var k = o.Int("kernel") ?? throw o.Error("type", "conv1d needs `kernel:`");
                return new ConvOp("conv1d", Filters(o, type), new Window(1, k, 1, o.Int("stride") ?? 1, Pad(o, 1)));
            }
            case "batchnorm": return new ScaleOp();
            case "relu":
                return o.Number("max") is { } max ? new ReluOp(max) : o.Has("output_format") ? new ReluOp(null) : null;
            case "leaky_relu": return new LeakyReluOp(o.Number("alpha") ?? 0.3);
            case "sigmoid" or "tanh": return new TableActivationOp(type);
            case "bipolar": return new BipolarOp(o.Number("scale") ?? 1);
            case "maxpool2d" or "avgpool2d":
            {
                var k = o.Ints("pool", 2) ?? [2, 2];
                var s = o.Ints("stride", 2) ?? k;
                var p = Pad(o, 2);
                if (type == "maxpool2d" && k[0] == k[1] && s[0] == k[0] && s[1] == k[1] && p == Padding.Valid && !o.Has("stride")) return null;
                return new PoolOp(type, new Window(k[0], k[1], s[0], s[1], p));
            }
            case "maxpool1d" or "avgpool1d":
            {
                var k = o.Int("pool") ?? 2;
                return new PoolOp(type, new Window(1, k, 1, o.Int("stride") ?? k, Pad(o, 1)));
            }
            case "flatten":
            {
                var order = Order(o);
                return order == "hwc" ? null : new ReshapeOp("flatten", null, order);
            }
            case "reshape":
            {
                var shape = o.Ints("shape", 3) ?? throw o.Error("type", "reshape needs `shape: [height, width, channels]`");
                return new ReshapeOp("reshape", new TensorShape(shape[0], shape[1], shape[2]), Order(o));
            }
            default: return null;
        }
    }

    private static int Filters(ILayerOptions o, string type) => o.Int("filters") ?? throw o.Error("type", $"{type} needs `filters:`");

    private static string Order(ILayerOptions o) => o.Text("order") switch
    {
        null or "hwc" => "hwc",
        "chw" => "chw",
        var v => throw o.Error("order", $"order must be hwc (channels last) or chw (channels first), got '{v}'"),
    };

    private static Padding Pad(ILayerOptions o, int dims)
    {
        if (!o.Has("padding")) return Padding.Valid;
        var text = o.Text("padding");
        if (text is "valid") return Padding.Valid;
        if (text is "same") return Padding.Same;
        if (text is not null) throw o.Error("padding", $"padding must be valid, same or a list of pads, got '{text}'");
        if (dims == 1)
        {
            var lr = o.Counts("padding", 2)!;
            return Padding.Explicit(0, lr[0], 0, lr[1]);
        }
        var p = o.Counts("padding", 4)!;
        return Padding.Explicit(p[0], p[1], p[2], p[3]);
    }
}
