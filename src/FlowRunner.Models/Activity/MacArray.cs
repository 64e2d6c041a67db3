namespace FlowRunner.Models.Activity;

/// <summary>The MAC array the activity is recorded for: <paramref name="Lanes"/> lanes of <paramref name="TapsPerLane"/> multipliers (one per
/// 3x3 tap) and one exact accumulator per lane, shared by every layer (the hls.emit contract).</summary>
/// <param name="AccumulatorBits">Accumulator width per layer name (schedule.json `accum_bits`); a layer not listed uses its full-precision
/// accumulator width.</param>
public sealed record MacArray(int Lanes, int TapsPerLane = 9, IReadOnlyDictionary<string, int>? AccumulatorBits = null)
{
    public void Validate()
    {
        if (Lanes < 1) throw new ArgumentException($"the MAC array needs at least one lane, got {Lanes}");
        if (TapsPerLane < 1) throw new ArgumentException($"a lane needs at least one multiplier, got {TapsPerLane}");
    }
}
