using FlowRunner.Abstractions;
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

    /// <summary>hls.emit's files of the network (as its views) and the real synth stage on <paramref name="tech"/>.</summary>
    public async Task<(StageOutput Hls, StageOutput Synth)> BuildAsync(string tech, int vectors = 4)
    {
        var spec = NetworkSpec.Parse(Mlp, "mlp.yaml");
        var net = new FloatNetwork(spec);
        net.Initialize(7);
        var rng = new Random(11);
        foreach (var b in net.Biases)
            for (var i = 0; i < b.Length; i++) b[i] = (float)(rng.NextDouble() - 0.5);
        var model = new BitAccurateNetwork(net, FixedFormat.Parse("ac_fixed<4,3,true,AC_RND,AC_SAT>"));
        var a = Accelerator.Plan(model, new Directives(32, 1));
        var hlsDir = Folder("hls-" + tech);
        var files = AcceleratorFiles.Write(a, net, TestVectors.Random(model, net, vectors, 5), hlsDir);
        var hls = new StageOutput("hls", "hls.emit", "inprocess", hlsDir, [],
        [
            new Artifact("schedule", files.Schedule), new Artifact("rtl", AcceleratorFiles.RtlFolder), new Artifact("testbench", files.Testbench),
            new Artifact("vectors", files.Vectors),
        ]);
        var synthDir = Folder("synth-" + tech);
        var s = await new YosysSynthAdapter().RunAsync(Context("synth", SynthStage.KindName, "yosys", synthDir, new(), [hls], tech), CancellationToken.None);
        return (hls, new StageOutput("synth", SynthStage.KindName, "yosys", synthDir, s.Metrics, s.Artifacts));
    }
}
