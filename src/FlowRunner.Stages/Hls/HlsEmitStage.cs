using System.Text.RegularExpressions;
using FlowRunner.Abstractions;
using FlowRunner.Hls.Schedule;
using FlowRunner.Engine.Tools.Scripting;
using FlowRunner.Hls;
using FlowRunner.Hls.Architecture;
using FlowRunner.Hls.Rtl;
using FlowRunner.Hls.Vectors;
using FlowRunner.Models.Inference;
using FlowRunner.Stages.Model;

namespace FlowRunner.Stages.Hls;

/// <summary>Stage `hls.emit`: the accelerator of the upstream model in the recipe's formats and micro-architecture, as HLS C++, synthesizable
/// Verilog, test vectors and a schedule report.</summary>
/// <remarks>
/// Reads: the model stage's weights and test images.
/// Writes: rtl/ (accel.v, accel_&lt;layer&gt;_out/_store.v assignment modules, a behavioral module and ROM image per memory), tb/tb_accel.v,
/// accel.cpp, vectors.txt, schedule.json (ScheduleRecord, format flowrunner-schedule-2).
/// Reports: cycles_per_inference, compute_cycles, lanes, multipliers, accumulator_bits, memories, memory_bits; with `simulate_images`
/// and Icarus installed also rtl_cycles_measured and rtl_images_checked, and writes activity.vcd (the registers over the first image, which
/// the OpenSTA power adapter annotates); with `ac_include` and g++ also hls_cpp_images_checked.
/// </remarks>
public sealed class HlsEmitStage : IStage
{
    public const string KindName = "hls.emit";

    /// <summary>The register activity of the first simulated image (Icarus VCD), when the stage simulated the RTL.</summary>
    public const string ActivityFile = "activity.vcd";

    /// <summary>The Verilog test bench (tb/tb_accel.v), which reads the vectors and checks every logit.</summary>
    public static readonly View Testbench = new("testbench", "tb/tb_accel.v");

    public string Kind => KindName;

    public string Description => "emit the accelerator (HLS C++, Verilog RTL, test vectors, schedule) for the model's formats and the lanes directive";

    public IReadOnlyList<StageOption> Options { get; } =
    [
        new("format", OptionType.String, "", "format of inputs, weights and layer outputs; empty: the QAT format of the weights, else the description's, else 8.4 rnd sat"),
        new("accum_format", OptionType.String, "", "accumulator format; empty: full precision (the RTL accumulates exactly and rejects formats that would round)"),
        new("logits_format", OptionType.String, "", "output format of the logits layer, or \"accumulator\"; empty: as model.accuracy"),
        new("bus_bits", OptionType.Int, 32, "width of the host bus", "bits"),
        new("lanes", OptionType.Int, 0, "values per bus beat and parallel filters (9 multipliers a lane); 0: as many pixels as fit the bus"),
        new("vectors", OptionType.Int, 20, "test images written to vectors.txt with the model's logits", "images"),
        new("vectors_source", OptionType.String, "dataset", "dataset: the model's test images; random: inputs uniform over the input format's range, seeded by the recipe (models without a dataset)")
        {
            Choices = ["dataset", "random"],
        },
        new("simulate_images", OptionType.Int, 0, "when Icarus Verilog (iverilog, vvp) is installed: simulate the RTL on this many vectors and fail on any mismatch; 0: do not", "images"),
        new("ac_include", OptionType.String, "", "folder of the Algorithmic C headers (hlslibs ac_types include/): compile accel.cpp with g++ and run it on the vectors; empty: do not"),
    ];

    private const string DatasetVectors = "vectors_source: dataset";

    public IReadOnlyList<ViewUse> Reads => [Views.Weights, Views.Dataset.Optional(DatasetVectors)];

    public IReadOnlyList<ViewUse> ReadsWith(IReadOnlyDictionary<string, object?> options) =>
        options.TryGetValue("vectors_source", out var v) && v as string == "random" ? Reads : [Views.Weights, new ViewUse(Views.Dataset, false, DatasetVectors)];

    /// <summary>vectors.txt (<see cref="TestVectors"/>): the inputs hls.emit checked the hardware on, with the bit-accurate logits; sim.gate runs
    /// the netlist on them and power measures activity on them when the model has no dataset.</summary>
    public static readonly View Vectors = new("vectors", "vectors.txt: inputs in the input format and the bit-accurate model's logits (flowrunner-vectors-1, read with TestVectors.Read)");

    public IReadOnlyList<ViewUse> Writes =>
    [
        Views.Schedule, Views.Rtl, Views.Registers, Testbench, new View("hls_cpp", "accel.cpp"), Vectors,
        Views.RegisterActivity.Optional("with simulate_images and Icarus installed"),
    ];

    public IReadOnlyList<MetricSpec> Reports { get; } =
    [
        new("cycles_per_inference", "cycles"), new("compute_cycles", "cycles"), new("lanes", ""), new("multipliers", ""),
        new("accumulator_bits", "bits"), new("memories", ""), new("memory_bits", "bits"),
        new MetricSpec("rtl_images_checked", "images").Optional("simulate_images with Icarus"),
        new MetricSpec("rtl_cycles_measured", "cycles").Optional("simulate_images with Icarus"),
        new MetricSpec("hls_cpp_images_checked", "images").Optional("ac_include"),
    ];
}

/// <summary>The in-process adapter of hls.emit: FlowRunner's own generator; checks with Icarus and g++ when asked and installed.</summary>
public sealed partial class HlsEmitAdapter() : InProcessAdapter(new HlsEmitStage())
{
    /// <summary>Icarus simulates the RTL (`simulate_images`), g++ builds the HLS C++ (`ac_include`); without them the stage still emits.</summary>
    public override IReadOnlyList<string> OptionalTools => ["iverilog", "vvp", "g++"];

    protected override IReadOnlyList<string> VersionArguments(string tool) => tool == "g++" ? ["--version"] : ["-V"];

    protected override async Task<StageResult> Run(StageContext c, StageOptions o, CancellationToken ct)
    {
        var model = ModelArtifacts.From(c);
        var formats = RunFormats(c, o, model);
        var bitAccurate = new BitAccurateNetwork(model.Net, formats);
        Accelerator a;
        try
        {
            a = Accelerator.Plan(bitAccurate, new Directives(o.Int("bus_bits"), o.Int("lanes")));
        }
        catch (HlsException e)
        {
            throw new StageFailedException($"stage '{c.StageId}': {e.Message}");
        }
        var count = o.Int("vectors");
        if (count < 1) throw new StageFailedException($"stage '{c.StageId}': `with.vectors` must be at least 1, got {count}");
        IReadOnlyList<TestVector> vectors;
        switch (o.String("vectors_source"))
        {
            case "dataset":
                var test = await model.TestSetAsync(c, count, ct);
                vectors = TestVectors.Compute(bitAccurate, model.Net, test.Images, test.Labels.Select(l => (int)l).ToArray(), count);
                break;
            case "random":
                vectors = TestVectors.Random(bitAccurate, model.Net, count, c.Seed);
                break;
            case var v:
                throw new StageFailedException($"stage '{c.StageId}': `with.vectors_source` must be dataset or random, got '{v}'");
        }
        var files = AcceleratorFiles.Write(a, model.Net, vectors, c.Directory);
        ScheduleFile.Write(files.Schedule, c.Directory);
        RegisterMapFile.Write(RegisterMap.Of(files.Top), c.Directory);
        c.Log.Info($"{a.Model.Spec.Name} at {formats}: {a.Lanes} lane(s), {a.Multipliers} multipliers, {a.AccumulatorBits}-bit accumulators; " +
                   $"{a.CyclesPerInference:N0} cycles per inference ({a.LoadBeats} load, {a.ComputeCycles:N0} compute, {a.ReadBeats} read)");
        foreach (var l in a.Layers)
            c.Log.Info($"  {l.Name}: {l.Cycles:N0} cycles, {l.Groups} group(s) x {l.Steps} step(s) x {l.Pixels} position(s), input {l.Formats.Input}, output {l.Formats.Output}{(l.Relu ? " + relu" : "")}");

        var memories = AcceleratorMemories.Of(a);
        var metrics = new List<Metric>
        {
            new("cycles_per_inference", a.CyclesPerInference, "cycles"),
            new("compute_cycles", a.ComputeCycles, "cycles"),
            new("lanes", a.Lanes),
            new("multipliers", a.Multipliers),
            new("accumulator_bits", a.AccumulatorBits, "bits"),
            new("memories", memories.Count),
            new("memory_bits", memories.Sum(m => (double)m.Memory.Bits), "bits"),
        };
        var simulate = o.Int("simulate_images");
        if (simulate > 0) metrics.AddRange(await SimulateAsync(c, a, files, Math.Min(simulate, vectors.Count), ct));
        var simulated = File.Exists(c.PathOf(HlsEmitStage.ActivityFile));
        var include = o.String("ac_include");
        if (!string.IsNullOrWhiteSpace(include)) metrics.Add(await CompileCppAsync(c, files, c.ResolvePath(include), vectors.Count, ct));

        IReadOnlyList<Artifact> artifacts =
        [
            new(Views.Schedule.Name, ScheduleFile.FileName, $"cycles per layer and inference, operators, memories ({ScheduleRecord.FormatTag})"),
            new(Views.Registers.Name, RegisterMapFile.FileName, $"every register of accel.v with its width and role ({RegisterMap.FormatTag})"),
            new(Views.Rtl.Name, AcceleratorFiles.RtlFolder, "Verilog-2005: accel.v, assignment modules, behavioral memories and ROM images"),
            new("testbench", files.Testbench, "Verilog test bench: reads vectors.txt (+vectors=FILE), checks every logit"),
            new("hls_cpp", files.Cpp, "HLS C++ with ac_fixed types, Catapult directives and a test-bench main (-DFLOWRUNNER_FLOAT: float)"),
            new(HlsEmitStage.Vectors.Name, files.Vectors, "test images and the bit-accurate model's logits (flowrunner-vectors-1)"),
        ];
        if (simulated)
            artifacts = [.. artifacts, new Artifact(Views.RegisterActivity.Name, HlsEmitStage.ActivityFile, "Icarus VCD of the registers and the clock over the first simulated image")];
        return new StageResult(metrics, artifacts);
    }

    private static async Task<IReadOnlyList<Metric>> SimulateAsync(StageContext c, Accelerator a, EmittedFiles files, int images, CancellationToken ct)
    {
        if (c.Locator.Find("iverilog") is null || c.Locator.Find("vvp") is null)
        {
            c.Log.Warn("simulate_images is set but Icarus Verilog (iverilog, vvp) is not installed; the RTL was not simulated");
            return [];
        }
        var rtl = c.PathOf(AcceleratorFiles.RtlFolder);
        // Icarus runs in rtl/ (the ROM images are read from there) and every file is named relative to it, so replay.sh reruns the
        // simulation from the committed stage folder, where the temporary folder the stage ran in no longer exists.
        string Named(string file) => StagePaths.For(rtl, c.PathOf(file), c.Directory);
        // A second top module dumps the registers of the first image into activity.vcd for the power stage; it is kept for replay.sh.
        await File.WriteAllTextAsync(c.PathOf(ActivityDumpFile), ActivityDumpVerilog.Emit(files.Top, Named(HlsEmitStage.ActivityFile)), ct);
        var sources = new List<string> { "-g2005", "-o", "tb.vvp", "-s", "tb_accel", "-s", ActivityDumpVerilog.Module, Named(files.Testbench), Named(ActivityDumpFile) };
        sources.AddRange(files.Rtl.Select(Named));
        await c.Tools.RunAsync(new ToolInvocation("iverilog", sources) { WorkingDirectory = rtl }, ct);
        var run = await c.Tools.RunAsync(new ToolInvocation("vvp", ["-n", "tb.vvp", "+vectors=" + Named(files.Vectors), $"+images={images}"]) { WorkingDirectory = rtl }, ct);
        File.Delete(Path.Combine(rtl, "tb.vvp"));
        CheckVcd(c, images);
        var output = run.StandardOutput;
        if (!output.Contains($"PASS {images} images", StringComparison.Ordinal))
            throw new StageFailedException($"stage '{c.StageId}': the RTL does not compute the model's logits:\n{Tail(output)}");
        var cycles = CyclesLine().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value) : -1;
        if (cycles != a.CyclesPerInference)
            throw new StageFailedException($"stage '{c.StageId}': the RTL took {cycles} cycles per inference, the schedule says {a.CyclesPerInference}");
        c.Log.Info($"Icarus: the RTL computes the model's logits bit for bit on {images} image(s), {cycles:N0} cycles each");
        return [new Metric("rtl_images_checked", images, "images"), new Metric("rtl_cycles_measured", cycles, "cycles")];
    }

    /// <summary>The test bench's register dump (a second top module), kept beside the test bench for replay.sh.</summary>
    public const string ActivityDumpFile = "tb/activity_dump.v";

    /// <summary>vvp exits 0 when it cannot finish writing the VCD (a full disk): a dump that ends mid-record is a failed stage, not an output.</summary>
    private static void CheckVcd(StageContext c, int images)
    {
        var file = c.PathOf(HlsEmitStage.ActivityFile);
        try { Power.VcdActivity.Read(file); }
        catch (FormatException e) { throw new StageFailedException($"stage '{c.StageId}': vvp exited 0 on {images} image(s) but {e.Message}"); }
    }

    private static async Task<Metric> CompileCppAsync(StageContext c, EmittedFiles files, string include, int images, CancellationToken ct)
    {
        if (!File.Exists(Path.Combine(include, "ac_fixed.h")))
            throw new StageFailedException($"stage '{c.StageId}': `with.ac_include`: '{include}' has no ac_fixed.h (point it at hlslibs ac_types' include folder)");
        await c.Tools.RunAsync(new ToolInvocation("g++", ["-O2", "-std=c++17", "-Wno-unknown-pragmas", "-I" + include, "-o", "accel_cpp", files.Cpp]), ct);
        var run = await c.Tools.RunAsync(new ToolInvocation(c.PathOf("accel_cpp"), [files.Vectors]) { SuccessExitCodes = [0, 1] }, ct);
        File.Delete(c.PathOf("accel_cpp"));
        if (run.ExitCode != 0 || !run.StandardOutput.Contains($"PASS {images} images", StringComparison.Ordinal))
            throw new StageFailedException($"stage '{c.StageId}': the HLS C++ does not compute the model's logits:\n{Tail(run.StandardOutput + run.StandardError)}");
        c.Log.Info($"g++ with ac_types: the HLS C++ computes the model's logits bit for bit on {images} image(s)");
        return new Metric("hls_cpp_images_checked", images, "images");
    }

    private static string Tail(string s)
    {
        var lines = s.Split('\n');
        return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 15)));
    }

    [GeneratedRegex(@"cycles_per_inference (\d+)")]
    private static partial Regex CyclesLine();
}
