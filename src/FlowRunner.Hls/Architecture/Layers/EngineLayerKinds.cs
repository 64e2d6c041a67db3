using FlowRunner.Models.Network;

namespace FlowRunner.Hls.Architecture;

/// <summary>The layer kinds the MAC array runs, by the description's `type:`: how to build each one's plan and why a layer of that kind may
/// be refused (first-wave conv2d and the ConvOp of any kernel, stride and padding share the conv2d plan).</summary>
public static class EngineLayerKinds
{
    private sealed record Kind(Func<LayerSpec, string?> Refusal, Func<EngineLayerInputs, EngineLayer> Create);

    private static readonly Dictionary<string, Kind> Registered = new()
    {
        ["conv2d"] = new(Conv2DEngineLayer.Refusal, p => new Conv2DEngineLayer(p)),
        ["conv1d"] = new(Conv1DEngineLayer.Refusal, p => new Conv1DEngineLayer(p)),
        ["dense"] = new(_ => null, p => new DenseEngineLayer(p)),
        ["batchnorm"] = new(_ => null, p => new BatchNormEngineLayer(p)),
    };

    /// <summary>Why the array cannot run this layer, or null when it can.</summary>
    public static string? Refusal(LayerSpec l) =>
        Registered.TryGetValue(l.TypeName, out var k) ? k.Refusal(l)
        : $"{l.Op?.Describe() ?? l.TypeName} has no hardware plan; the MAC array runs {string.Join(", ", Registered.Keys.Select(Runs))} layers";

    private static string Runs(string kind) => kind switch
    {
        "conv2d" => $"conv2d (kernels up to {MacArray.MaxKernel}x{MacArray.MaxKernel}, any stride and padding)",
        _ => kind,
    };

    public static EngineLayer Create(EngineLayerInputs p) => Registered[p.Spec.TypeName].Create(p);
}
