using FlowRunner.Hls.Tests.Support;
using FlowRunner.Tech.Tests.Support;
using FlowRunner.Hls.Vectors;
using FlowRunner.Models.Inference;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Hls.Tests;

/// <summary>The vector file reads back as written (power measures a dataset-less model's activity on it), and a damaged one is a clear error.</summary>
public class VectorFileTests
{
    [Fact]
    public void A_vector_file_reads_back_what_was_written_and_a_damaged_one_names_the_file_and_token()
    {
        var net = HlsRig.Network(7, "name: m\ninput: [1, 1, 6]\nlayers:\n  - { type: dense, units: 3, bias: true }\n");
        var model = new BitAccurateNetwork(net, FixedFormat.Parse("ac_fixed<6,3,true,AC_RND,AC_SAT>"));
        var vectors = TestVectors.Random(model, net, 5, 4);
        using var dir = new TempDir();
        var file = dir.File("vectors.txt");
        File.WriteAllText(file, TestVectors.Write(model, vectors));
        var (format, back) = TestVectors.Read(file);
        Assert.Equal(model.InputFormat.ToString(), format);
        Assert.Equal(vectors.Select(v => (v.Label, string.Join(',', v.Pixels), string.Join(',', v.Logits), string.Join(',', v.FloatLogits))),
            back.Select(v => (v.Label, string.Join(',', v.Pixels), string.Join(',', v.Logits), string.Join(',', v.FloatLogits))));

        File.WriteAllText(file, TestVectors.Write(model, vectors).Replace("pixels ", "pixels x"));
        var e = Assert.Throws<FormatException>(() => TestVectors.Read(file));
        Assert.Contains(file, e.Message);
        Assert.Contains("not an integer", e.Message);
        var text = TestVectors.Write(model, vectors);
        File.WriteAllText(file, text[..(text.Length / 2)]);
        Assert.Contains("ends before", Assert.Throws<FormatException>(() => TestVectors.Read(file)).Message);
    }
}
