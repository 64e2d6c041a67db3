using System.Buffers.Binary;
using FlowRunner.Abstractions;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Training;
using FlowRunner.Engine.Tools;
using FlowRunner.Hls;
using FlowRunner.Hls.Architecture;
using FlowRunner.Hls.Vectors;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;
using FlowRunner.Engine.Recipes;
using FlowRunner.Stages.Synthesis;
using FlowRunner.Stages.Tests.Support;
using FlowRunner.Tech;

namespace FlowRunner.Stages.Tests.GateSim;

/// <summary>A small real design for the gate-level stages: a dense 16-12-5 network with seeded weights and biases, emitted by the real
/// accelerator generator at 4.3 with 1 lane (hls.emit's files, seeded random vectors) and synthesized by the real synth stage.</summary>
public sealed class GateDesign : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "flowrunner-gate-" + Guid.NewGuid().ToString("N")[..10]);
    public string TechRoot { get; } = TechLoader.FindTechRoot(AppContext.BaseDirectory) ?? throw new InvalidOperationException("no tech/ folder");
    public RecordingLog Log { get; } = new();

    private const string Mlp = """
        name: mlp
        input: [1, 1, 16]
        layers:
          - { type: dense, units: 12, bias: true }
          - { type: relu }
          - { type: dense, units: 5, bias: true }
        """;

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("FLOWRUNNER_KEEP_TEST_FOLDERS") is not { Length: > 0 })
            try { Directory.Delete(Root, true); } catch (IOException) { }
    }

    public string Folder(string id)
    {
        var d = Path.Combine(Root, id);
        Directory.CreateDirectory(d);
        return d;
    }

    public StageContext Context(string id, string kind, string adapter, string dir, Dictionary<string, object?> with, IReadOnlyList<StageOutput> inputs, string tech,
        IToolAdapter? declared = null, IStage? stage = null) => new()
    {
        StageId = id,
        Kind = kind,
        AdapterId = adapter,
        PointId = "p000",
        Directory = dir,
        Options = new StageOptions(id, with),
        Parameters = new Dictionary<string, object?>(),
        Inputs = inputs,
        Needs = inputs.Select(i => i.StageId).ToList(),
        TechName = tech,
        TechFile = new TechLoader(TechRoot).PathOf(tech),
        RecipeDirectory = Root,
        DataDirectory = Path.Combine(Root, ".flowrunner"),
        Seed = 1,
        Threads = 2,
        Log = Log,
        Tools = declared is null ? new ToolRunner(dir, Log, new RetrySpec(1, 0, 600), new ToolLocator())
            : new DeclaredToolRunner(new ToolRunner(dir, Log, new RetrySpec(1, 0, 600), new ToolLocator()), declared, dir),
        Locator = new ToolLocator(),
        DeclaredReads = stage?.Reads,
    };

    /// <summary>The model stage: the network with its seeded weights and an IDX data set of 4x4 images (16 values, the network's input).</summary>
    public StageOutput Model { get; private set; } = null!;

    private FloatNetwork MakeModel()
    {
        var spec = NetworkSpec.Parse(Mlp, "mlp.yaml");
        var net = new FloatNetwork(spec);
        net.Initialize(7);
        var rng = new Random(11);
        foreach (var b in net.Biases)
            for (var i = 0; i < b.Length; i++) b[i] = (float)(rng.NextDouble() - 0.5);
        var dir = Folder("model");
        string[] files = [.. Idx(dir, "train", 16, 3), .. Idx(dir, "test", 16, 4)];
        WeightsFile.Save(net, Path.Combine(dir, "weights.json"));
        new DatasetSpec("idx", 0, 0, 0, 0, files[0], files[1], files[2], files[3]).Save(Path.Combine(dir, DatasetSpec.FileName));
        Model = new StageOutput("model", "model.train", "inprocess", dir, [], [new Artifact("weights", "weights.json"), new Artifact("dataset", DatasetSpec.FileName)]);
        return net;
    }

    private static string[] Idx(string dir, string name, int count, int seed)
    {
        var rng = new Random(seed);
        var pixels = Enumerable.Range(0, count * 16).Select(_ => (byte)(rng.Next(3) == 0 ? 0 : rng.Next(256))).ToArray();
        var images = Path.Combine(dir, $"{name}-images-idx3-ubyte");
        var header = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, 0x0803);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 4);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), 4);
        File.WriteAllBytes(images, [.. header, .. pixels]);
        var labels = Path.Combine(dir, $"{name}-labels-idx1-ubyte");
        var lh = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(lh, 0x0801);
        BinaryPrimitives.WriteInt32BigEndian(lh.AsSpan(4), count);
        File.WriteAllBytes(labels, [.. lh, .. Enumerable.Range(0, count).Select(i => (byte)(i % 5))]);
        return [images, labels];
    }

    /// <summary>hls.emit's files of the network (as its views, vectors from the data set's test images) and the real synth stage on <paramref name="tech"/>.</summary>
    public async Task<(StageOutput Hls, StageOutput Synth)> BuildAsync(string tech, int vectors = 4)
    {
        var net = MakeModel();
        var model = new BitAccurateNetwork(net, FixedFormat.Parse("ac_fixed<4,3,true,AC_RND,AC_SAT>"));
        var a = Accelerator.Plan(model, new Directives(32, 1));
        var hlsDir = Folder("hls-" + tech);
        var test = IdxReader.Load(Path.Combine(Model.Directory, "test-images-idx3-ubyte"), Path.Combine(Model.Directory, "test-labels-idx1-ubyte"), "test");
        var files = AcceleratorFiles.Write(a, net, TestVectors.Compute(model, net, test.Images.Take(vectors).ToArray(), test.Labels.Take(vectors).Select(l => (int)l).ToArray(), vectors), hlsDir);
        Hls.ScheduleFile.Write(files.Schedule, hlsDir);
        var hls = new StageOutput("hls", "hls.emit", "inprocess", hlsDir, [],
        [
            new Artifact("schedule", Hls.ScheduleFile.FileName), new Artifact("rtl", AcceleratorFiles.RtlFolder), new Artifact("testbench", files.Testbench),
            new Artifact("vectors", files.Vectors),
        ]);
        var synthDir = Folder("synth-" + tech);
        var s = await new YosysSynthAdapter().RunAsync(Context("synth", SynthStage.KindName, "yosys", synthDir, new(), [hls], tech), CancellationToken.None);
        return (hls, new StageOutput("synth", SynthStage.KindName, "yosys", synthDir, s.Metrics, s.Artifacts));
    }

    /// <summary>The real memory.generate stage on the design's schedule.</summary>
    public async Task<StageOutput> MemoriesAsync(StageOutput hls, string tech)
    {
        var dir = Folder("memory-" + tech);
        var r = await new FlowRunner.Stages.Memory.MemoryCompilerAdapter().RunAsync(Context("memory", FlowRunner.Stages.Memory.MemoryGenerateStage.KindName, "compiler", dir, new(), [hls], tech), CancellationToken.None);
        return new StageOutput("memory", FlowRunner.Stages.Memory.MemoryGenerateStage.KindName, "compiler", dir, r.Metrics, r.Artifacts);
    }
}
