using System.Buffers.Binary;
using FlowRunner.Abstractions;
using FlowRunner.Hls.Schedule;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Network;
using FlowRunner.Models.Training;
using FlowRunner.Stages.Memory;
using FlowRunner.Tech;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Tools;

using FlowRunner.Stages.Tests.Support;

namespace FlowRunner.Stages.Tests.Power;

/// <summary>A design point built by hand for the power and report stages: the reference CNN trained one epoch on 64 drawn digits (IDX files
/// written here), a hand-written schedule.json as hls.emit's contract describes it (2 lanes of 9 multipliers), and memory.json from the real
/// memory.generate stage on that schedule, all for generic45.</summary>
public sealed class PowerFixture : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "flowrunner-power-" + Guid.NewGuid().ToString("N")[..10]);
    public string TechRoot { get; } = TestContexts.TechRoot;
    public RecordingLog Log { get; } = new();
    public StageOutput Model { get; }
    public StageOutput Hls { get; }
    public StageOutput Memory { get; }

    public static readonly string Schedule = TestSchedules.Json(TestSchedules.Record(lanes: 2, multipliersPerLane: 9, cyclesPerInference: 110000,
        layers:
        [
            TestSchedules.Layer("conv2d1", 2800, 48672, 2704, 20, inputMemory: "mem_in", weightMemory: "rom_conv1", outputMemory: "mem_fm1"),
            TestSchedules.Layer("conv2d2", 9400, 124416, 9216, 23),
            TestSchedules.Layer("dense1", 1000, 17280, 960, 27, kind: "dense"),
        ],
        operators:
        [
            ScheduledOperator.Mul(8, 8, 18), ScheduledOperator.Of("add", 27, 18), ScheduledOperator.Of("reg", 1, 600), ScheduledOperator.Of("mux", 8, 40),
            ScheduledOperator.Of("cmp", 16, 6),
        ],
        memories:
        [
            TestSchedules.Memory("mem_in", 392, 16, "sram", reads: 20000, writes: 392, layer: "conv2d1"),
            TestSchedules.Memory("mem_fm1", 2704, 16, "sram", reads: 60000, writes: 2704, layer: "conv2d2"),
            TestSchedules.Memory("rom_conv1", 8, 144, "rom", reads: 2704, layer: "conv2d1"),
        ]));

    public PowerFixture()
    {
        Directory.CreateDirectory(Root);
        Model = MakeModel();
        var hls = Path.Combine(Root, "hls");
        Directory.CreateDirectory(hls);
        File.WriteAllText(Path.Combine(hls, "schedule.json"), Schedule);
        Hls = new StageOutput("hls", "hls.emit", "emit", hls, [new Metric("cycles_per_inference", 110000)], [new Artifact("schedule", "schedule.json")]);
        var memoryDir = Path.Combine(Root, "memory");
        Directory.CreateDirectory(memoryDir);
        var result = new MemoryCompilerAdapter().RunAsync(Context("memory", MemoryGenerateStage.KindName, "compiler", memoryDir, new(), [Hls]), CancellationToken.None).GetAwaiter().GetResult();
        Memory = new StageOutput("memory", MemoryGenerateStage.KindName, "compiler", memoryDir, result.Metrics, result.Artifacts);
    }

    public StageContext Context(string id, string kind, string adapter, string dir, Dictionary<string, object?> with, IReadOnlyList<StageOutput> inputs,
        IToolRunner? tools = null, string tech = "generic45") =>
        TestContexts.Stage(Root, id, kind, adapter, dir, with, inputs, tech, Log, tools, new ToolLocator());

    /// <summary>Data/accel.v synthesized by Yosys onto generic45 into a synth stage folder (netlist.v, and synth.json naming a Liberty copied into it).</summary>
    public async Task<StageOutput> SynthesizedNetlistAsync(string dir)
    {
        Directory.CreateDirectory(dir);
        var clean = Folder("yosys");
        var tech = TechLoader.LoadFile(new TechLoader(TechRoot).PathOf("generic45"));
        var liberty = StandardCells.LibertyPath(tech, clean);
        foreach (var f in new[] { "accel.v", "bb.v" }) File.Copy(Path.Combine(AppContext.BaseDirectory, "Power", "Data", f), Path.Combine(clean, f));
        var tools = new ToolRunner(clean, Log, new RetrySpec(1, 0, 120), new ToolLocator());
        File.WriteAllText(Path.Combine(clean, "synth.ys"), $"read_verilog -lib bb.v\nread_verilog accel.v\nsynth -top accel\ndfflibmap -liberty {liberty}\n" +
            $"abc -liberty {liberty}\nopt_clean\nwrite_verilog -noattr -simple-lhs netlist.v\n");
        await tools.RunAsync(new ToolInvocation("yosys", ["-q", "-s", "synth.ys"]) { WorkingDirectory = clean }, CancellationToken.None);
        File.Copy(Path.Combine(clean, "netlist.v"), Path.Combine(dir, "netlist.v"), true);
        var lib = Path.Combine(dir, Path.GetFileName(liberty));
        File.Copy(liberty, lib, true);
        File.WriteAllText(Path.Combine(dir, "synth.json"), System.Text.Json.JsonSerializer.Serialize(new { liberty = lib }));
        return new StageOutput("synth", "synth", "yosys", dir, [new Metric("logic_area_um2", 900)],
            [new Artifact("netlist", "netlist.v"), new Artifact("synth_report", "synth.json"), new Artifact("liberty", Path.GetFileName(lib))]);
    }

    /// <summary>A copy of a stage folder elsewhere, as a downstream stage would see it.</summary>
    public static StageOutput CopyStage(StageOutput stage, string to)
    {
        CopyFolder(stage.Directory, to);
        return new StageOutput(stage.StageId, stage.Kind, stage.Adapter, to, stage.Metrics, stage.Artifacts);
    }

    public static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, f));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(f, target, true);
        }
    }

    /// <summary>A stage folder for a new stage run.</summary>
    public string Folder(string id)
    {
        var dir = Path.Combine(Root, id + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private StageOutput MakeModel()
    {
        var dir = Path.Combine(Root, "model");
        Directory.CreateDirectory(dir);
        var (trainImages, trainLabels) = WriteIdx(dir, "train", 64, 11);
        var (testImages, testLabels) = WriteIdx(dir, "test", 48, 12);
        var spec = ReferenceNetworks.Load(ReferenceNetworks.MnistCnn);
        var train = IdxReader.Load(trainImages, trainLabels, "drawn-train");
        var net = Trainer.Train(spec, train, new TrainingOptions(Epochs: 1, Seed: 3, Threads: 2));
        WeightsFile.Save(net, Path.Combine(dir, "weights.json"));
        new DatasetSpec("idx", 0, 0, 0, 0, trainImages, trainLabels, testImages, testLabels).Save(Path.Combine(dir, DatasetSpec.FileName));
        return new StageOutput("model", "model.train", "inprocess", dir, [],
            [new Artifact("weights", "weights.json"), new Artifact("dataset", DatasetSpec.FileName)]);
    }

    /// <summary>Digits drawn as a few random bars, labelled by how many, written as IDX files.</summary>
    private static (string Images, string Labels) WriteIdx(string dir, string name, int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[count * 28 * 28];
        var labels = new byte[count];
        for (var n = 0; n < count; n++)
        {
            var bars = random.Next(1, 5);
            labels[n] = (byte)bars;
            for (var b = 0; b < bars; b++)
            {
                var (x0, y0) = (random.Next(2, 20), random.Next(2, 20));
                var (w, h) = random.Next(2) == 0 ? (random.Next(6, 8), 2) : (2, random.Next(6, 8));
                for (var y = y0; y < y0 + h; y++)
                    for (var x = x0; x < x0 + w; x++) pixels[n * 784 + y * 28 + x] = (byte)random.Next(128, 256);
            }
        }
        var images = Path.Combine(dir, $"{name}-images-idx3-ubyte");
        var header = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, 0x0803);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), 28);
        File.WriteAllBytes(images, [.. header, .. pixels]);
        var labelFile = Path.Combine(dir, $"{name}-labels-idx1-ubyte");
        var lh = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(lh, 0x0801);
        BinaryPrimitives.WriteInt32BigEndian(lh.AsSpan(4), count);
        File.WriteAllBytes(labelFile, [.. lh, .. labels]);
        return (images, labelFile);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

