namespace FlowRunner.Hls.Architecture;

/// <summary>The geometry of one lane of the shared MAC array: a window of <see cref="Rows"/> row buffers and <see cref="TapsPerRow"/> taps a row.</summary>
public static class MacArray
{
    /// <summary>Row buffers of the window (kernel rows of a conv layer).</summary>
    public const int Rows = 3;

    /// <summary>Taps read from each row buffer in a product cycle.</summary>
    public const int TapsPerRow = 3;

    /// <summary>Multipliers in one lane.</summary>
    public const int TapsPerLane = Rows * TapsPerRow;
}
