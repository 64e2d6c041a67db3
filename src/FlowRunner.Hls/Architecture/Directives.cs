namespace FlowRunner.Hls.Architecture;

/// <summary>The micro-architecture directives of a recipe's hls.emit stage.</summary>
/// <param name="BusBits">Width of the host bus: one write beat carries <paramref name="Lanes"/> pixels, one read beat as many logits as fit.</param>
/// <param name="Lanes">Data values per bus beat and parallel filters of the MAC array (a window of multipliers a lane, see
/// <see cref="MacArray"/>); 0 picks floor(bus / width).</param>
public sealed record Directives(int BusBits = 32, int Lanes = 0);
