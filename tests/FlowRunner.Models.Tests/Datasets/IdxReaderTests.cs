using System.IO.Compression;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Network;
using FlowRunner.Models.Tests.Support;

namespace FlowRunner.Models.Tests.Datasets;

public sealed class IdxReaderTests : IDisposable
{
    private readonly string _dir = Repo.TempFolder("idx");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>An IDX file as the MNIST distribution writes it: 00 00 08 D, D big-endian sizes, the bytes.</summary>
    public static byte[] Idx(int[] dims, byte[] data) =>
        [0, 0, 8, (byte)dims.Length, .. dims.SelectMany(d => new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d }), .. data];

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string WriteGz(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest)) gz.Write(bytes);
        return path;
    }

    private static readonly byte[] Pixels = Enumerable.Range(0, 3 * 2 * 2).Select(i => (byte)(i * 20)).ToArray();

    [Fact]
    public void Plain_and_gzipped_files_read_the_same_with_pixels_scaled_to_0_1()
    {
        var labels = Write("lbl", Idx([3], [7, 1, 9]));
        var d = IdxReader.Load(WriteGz("img.gz", Idx([3, 2, 2], Pixels)), labels, "tiny");
        Assert.Equal(3, d.Count);
        Assert.Equal((2, 2, 1), (d.Height, d.Width, d.Channels));
        Assert.Equal([7, 1, 9], d.Labels);
        Assert.Equal([160 / 255f, 180 / 255f, 200 / 255f, 220 / 255f], d.Images[2]);
        var plain = IdxReader.Load(Write("img", Idx([3, 2, 2], Pixels)), labels, "tiny");
        Assert.Equal(d.Images.SelectMany(i => i), plain.Images.SelectMany(i => i));
        var white = IdxReader.Load(Write("white", Idx([1, 1, 1], [255])), Write("l1", Idx([1], [0])), "w");
        Assert.Equal(1f, white.Images[0][0]);
    }

    [Fact]
    public void Truncated_images_name_the_file_the_byte_and_the_image()
    {
        var labels = Write("lbl", Idx([3], [7, 1, 9]));
        var e = Assert.Throws<ModelFormatException>(() => IdxReader.Load(Write("short", Idx([3, 2, 2], Pixels[..7])), labels, "x"));
        Assert.Contains("short: truncated at byte 23", e.Message);
        Assert.Contains("image 1 starts at byte 20", e.Message);
        var e2 = Assert.Throws<ModelFormatException>(() => IdxReader.Load(Write("img", Idx([3, 2, 2], Pixels)), Write("lshort", Idx([3], [7, 1])), "x"));
        Assert.Contains("lshort: truncated at byte 10", e2.Message);
        var e3 = Assert.Throws<ModelFormatException>(() => IdxReader.Load(Write("hdr", [0, 0, 8, 3, 0, 0]), labels, "x"));
        Assert.Contains("hdr: truncated at byte 6: the header of 3 sizes needs 16 bytes", e3.Message);
        var e4 = Assert.Throws<ModelFormatException>(() => IdxReader.Load(WriteGz("gzshort.gz", Idx([3, 2, 2], Pixels[..5])), labels, "x"));
        Assert.Contains("gzshort.gz", e4.Message);
    }

    [Fact]
    public void Corrupt_files_name_the_file_and_what_was_expected()
    {
        var labels = Write("lbl", Idx([3], [7, 1, 9]));
        var magic = Assert.Throws<ModelFormatException>(() => IdxReader.Load(Write("bad", Enumerable.Range(1, 16).Select(i => (byte)i).ToArray()), labels, "x"));
        Assert.Contains("bad: not an IDX file of 3-dimensional unsigned bytes: magic 01 02 03 04 at byte 0, expected 00 00 08 03", magic.Message);
        var swapped = Assert.Throws<ModelFormatException>(() => IdxReader.Load(labels, labels, "x"));
        Assert.Contains("lbl: not an IDX file of 3-dimensional", swapped.Message);
        var count = Assert.Throws<ModelFormatException>(() => IdxReader.Load(Write("img", Idx([3, 2, 2], Pixels)), Write("l2", Idx([2], [1, 2])), "x"));
        Assert.Contains("l2: 2 labels, but", count.Message);
        var gz = Write("broken.gz", [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0x12, 0x34]);
        Assert.Contains("broken.gz", Assert.Throws<ModelFormatException>(() => IdxReader.Load(gz, labels, "x")).Message);
        Assert.Contains("missing: IDX file not found", Assert.Throws<ModelFormatException>(() => IdxReader.Load(Path.Combine(_dir, "missing"), labels, "x")).Message);
    }

    [Fact]
    public void Fashion_mnist_from_the_debian_package_reads()
    {
        var spec = DatasetSpec.IdxFolder("fashion-mnist", DatasetSpec.FashionMnistFolder);
        var test = IdxReader.Load(spec.TestImages!, spec.TestLabels!, "fashion");
        Assert.Equal(10_000, test.Count);
        Assert.Equal((28, 28), (test.Height, test.Width));
        Assert.Equal(Enumerable.Range(0, 10), test.Labels.Distinct().Order().Select(l => (int)l));
        Assert.All(test.Images.Take(50), img => Assert.InRange(img.Max(), 0.5f, 1f));
    }
}
