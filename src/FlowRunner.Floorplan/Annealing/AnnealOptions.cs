namespace FlowRunner.Floorplan.Annealing;

/// <summary>Settings of the simulated annealing: cost weights, target aspect, move budget, seed and parallel chains.</summary>
public sealed record AnnealOptions
{
    /// <summary>Seed of every random choice; the same seed gives the same floor plan, whatever the thread count.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Share of the cost given to wirelength (HPWL, normalized); the rest goes to area. 0 = area only.</summary>
    public double WirelengthWeight { get; init; } = 0.3;

    /// <summary>Target die height / width in free mode; null leaves the shape free. Ignored with a fixed outline (the outline's aspect is used).</summary>
    public double? Aspect { get; init; }

    /// <summary>Multiplies the default move budget (about 1,500 moves per block per chain): 0.1 for quick tests, 4 for a long search.</summary>
    public double MovesScale { get; init; } = 1;

    /// <summary>Independent annealing chains (seeds derived from <see cref="Seed"/>); the best wins, ties to the lowest chain.</summary>
    public int Chains { get; init; } = 2;

    /// <summary>Chains run at the same time; the result does not depend on it.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Name of the block macro pins should face (the logic region); null = the die centre.</summary>
    public string? PinTarget { get; init; }
}
