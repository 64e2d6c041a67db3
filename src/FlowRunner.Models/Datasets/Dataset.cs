namespace FlowRunner.Models.Datasets;

/// <summary>Labelled images, pixels in [0, 1], each image Height × Width × Channels values (row-major, channels last).</summary>
public sealed class Dataset(string name, int height, int width, int channels, float[][] images, byte[] labels)
{
    public string Name { get; } = name;
    public int Height { get; } = height;
    public int Width { get; } = width;
    public int Channels { get; } = channels;
    public float[][] Images { get; } = images;
    public byte[] Labels { get; } = labels;
    public int Count => Labels.Length;

    public Dataset Subset(IReadOnlyList<int> indices, string? name = null) =>
        new(name ?? Name, Height, Width, Channels, indices.Select(i => Images[i]).ToArray(), indices.Select(i => Labels[i]).ToArray());

    public Dataset Take(int n) => n <= 0 || n >= Count ? this : Subset(Enumerable.Range(0, n).ToList());

    /// <summary>A deterministic split: a seeded shuffle, then the first <paramref name="testCount"/> for testing and the rest for training.</summary>
    public (Dataset Train, Dataset Test) Split(int testCount, int seed)
    {
        var order = Enumerable.Range(0, Count).ToArray();
        new Random(seed).Shuffle(order);
        return (Subset(order[testCount..], Name + "-train"), Subset(order[..testCount], Name + "-test"));
    }
}
