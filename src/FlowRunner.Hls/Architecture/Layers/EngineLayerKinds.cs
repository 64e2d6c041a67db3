using FlowRunner.Models.Network;

namespace FlowRunner.Hls.Architecture;

/// <summary>The layer kinds the MAC array runs, by kind: how to build each one's plan and why a layer of that kind may be refused.</summary>
public static class EngineLayerKinds
{
    private sealed record Kind(Func<LayerSpec, string?> Refusal, Func<EngineLayerInputs, EngineLayer> Create);

    private static readonly Dictionary<LayerKind, Kind> Registered = new()
    {
        [LayerKind.Conv2D] = new(Conv2DEngineLayer.Refusal, p => new Conv2DEngineLayer(p)),
        [LayerKind.Dense] = new(_ => null, p => new DenseEngineLayer(p)),
    };

    /// <summary>Whether a layer of this kind runs on the array (it has weights and a registered plan).</summary>
    public static bool IsRegistered(LayerKind kind) => Registered.ContainsKey(kind);

    /// <summary>Why the array cannot run this layer, or null when it can.</summary>
    public static string? Refusal(LayerSpec l) =>
        Registered.TryGetValue(l.Kind, out var k) ? k.Refusal(l)
        : $"{l.Op?.Describe() ?? l.TypeName} has no hardware plan; the MAC array runs {string.Join(" and ", Registered.Keys.Select(Runs))} layers";

    private static string Runs(LayerKind kind) => kind switch
    {
        LayerKind.Conv2D => $"conv2d {MacArray.Rows}x{MacArray.TapsPerRow} (stride 1, valid)",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public static EngineLayer Create(EngineLayerInputs p) => Registered[p.Spec.Kind].Create(p);
}
