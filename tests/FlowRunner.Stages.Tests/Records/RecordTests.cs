using FlowRunner.Abstractions;
using FlowRunner.Hls.Rtl;
using FlowRunner.Hls.Schedule;
using FlowRunner.Stages.Hls;
using FlowRunner.Stages.Floorplan;
using FlowRunner.Stages.Memory;
using FlowRunner.Stages.Model;
using FlowRunner.Stages.Power;
using FlowRunner.Stages.Synthesis;
using FlowRunner.Stages.Tests.Support;

namespace FlowRunner.Stages.Tests.Records;

/// <summary>The JSON records the stages pass as views: each survives a write and a read unchanged, uses snake_case names, and its reader
/// refuses another format version, a file without one and malformed JSON with one line naming the file.</summary>
public class RecordTests
{
    private static readonly SynthReport Synth = new(SynthReport.FormatName, "yosys", "accel", "generic45", "/lib/generic45.lib", 2.5,
        new Dictionary<string, double> { ["logic_area_um2"] = 1234.5, ["fmax_mhz"] = 411.2 }, new Dictionary<string, int> { ["NAND2X1"] = 12 }, ["mem_in"])
    {
        Timing = new SynthTiming("opensta", 0.25, "a_reg", "b_reg"),
        Operators = [new SynthOperatorEntry("mul 8x8", 300.5, 0, 1.25)],
    };

    private static readonly MemoryManifest Memory = new(
        [new MacroEntry("rom_w_0", "rom_w", 100.5, 50.25, 5050.1, "macros/rom_w_0/rom_w_0.lef", "macros/rom_w_0/rom_w_0.lib", "macros/rom_w_0/rom_w_0.v",
            "bottom", 1.5, 0, 0.25, 0.8, 512, 32)],
        [new LogicalEntry("rom_w", "rom_w", "wrappers/rom_w.v", ["rom_w_0"], "1x1", 5050.1, 1.5, 0, 1000, 0)
            { Kind = "rom", Depth = 512, Width = 32, Banks = 1, Slices = 1, LeakageUw = 0.25, AccessNs = 0.8 }]);

    private static readonly FloorplanJson Floorplan = new(FloorplanJson.FormatName, "accel", new FloorplanRect(0, 0, 500, 400), false,
        new CellRegionJson(new FloorplanRect(10, 10, 100, 100), 7000, 0.7, "stage 'synth' logic_area_um2"),
        [new PlacedMacroJson("rom_w_0", "rom_w_0", "rom_w", new FloorplanRect(200, 0, 100.5, 50.25), "N", 5, "rom_w_0.lef")],
        [new NetJson("mem_rom_w", ["rom_w_0", "stdcells"], 1.25)], 1, new Dictionary<string, double> { ["die_area_um2"] = 200000 });

    private static readonly PowerBreakdown Power = new()
    {
        Tech = "generic45", ClockNs = 2.5, Cycles = 30208, LogicPj = 1550, MemoryPj = 900, ClockPj = 120, LeakageMw = 0.03,
        LogicAreaUm2 = 20000, LogicAreaSource = "synth", MemoryAreaUm2 = 90000, DieAreaUm2 = 250000, FlipFlops = 700,
        Memories = [new MemoryEnergy("rom_w", 1000, 0, 1.5, 0, 1500, 0.25)],
        Analytical = new AnalyticalParts(1000, 200, 300, 50, 0.01, 0.02, [new LayerEnergy("conv1", 100, 10, 2, 3, 0.21, 0.33)]),
        Assumptions = ["control_activity 0.1"],
        OpenSta = new OpenStaPower(0.004, 0.003, 0.0009, 0.0001, new Dictionary<string, double> { ["Sequential"] = 0.001 }, 0.002, 0.1, 120),
    };

    private static readonly AccuracyRecord Accuracy = new("ac_fixed<8,4,true,AC_RND,AC_SAT>", "full precision", "ac_fixed<8,4,true,AC_RND,AC_SAT>",
        "ac_fixed<8,4,true,AC_RND,AC_SAT>", 2000, 0.926, 0.949, [new AccuracyLayer("conv1", "8.4", "8.4", "26.10", "8.4", "exact")])
    {
        QatTrained = true, QatFormat = "ac_fixed<4,3,true,AC_RND,AC_SAT>",
    };

    [Fact]
    public void Synth_report_round_trips() => RoundTrip(Synth.ToJson(), j => SynthReport.FromJson(j).ToJson(), "\"clock_ns\": 2.5", "\"slack_ns\": 0.25");

    [Fact]
    public void Memory_manifest_round_trips() =>
        RoundTrip(Memory.ToJson(), j => MemoryManifest.FromJson(j).ToJson(), "\"format\": \"flowrunner-memory-2\"", "\"access_time_ns\": 0.8", "\"reads_per_inference\": 1000");

    [Fact]
    public void Floorplan_record_round_trips() => RoundTrip(Floorplan.ToJson(), j => FloorplanJson.FromJson(j).ToJson(), "\"x_um\": 200", "\"outline_fixed\": false");

    [Fact]
    public void Power_breakdown_round_trips() =>
        RoundTrip(Power.ToJson(), j => PowerBreakdown.FromJson(j).ToJson(), "\"format\": \"flowrunner-power-2\"", "\"cycles_per_inference\": 30208", "\"groups_w\"");

    [Fact]
    public void Accuracy_record_round_trips_with_the_qat_fact_and_keeps_ac_fixed_readable() =>
        RoundTrip(Accuracy.ToJson(), j => AccuracyRecord.FromJson(j).ToJson(), "\"qat_trained\": true", "\"format\": \"ac_fixed<8,4,true,AC_RND,AC_SAT>\"",
            "\"version\": \"flowrunner-accuracy-1\"", "\"float_accuracy\": 0.949");

    [Fact]
    public void Profile_record_round_trips_with_the_same_names_as_before() =>
        RoundTrip(new ProfileRecord(2000, [new ProfileTensor("input", "input", 1, 1), new ProfileTensor("conv1.weights", "weights", 1.6655, 2)]).ToJson(),
            j => ProfileRecord.FromJson(j).ToJson(), "\"format\": \"flowrunner-profile-1\"", "\"images\": 2000", "\"max_abs\": 1.6655", "\"int_bits\": 2",
            "\"tensor\": \"conv1.weights\"", "\"kind\": \"weights\"");

    [Fact]
    public void Register_map_round_trips_through_its_file_and_refuses_an_unknown_role()
    {
        var record = new RegisterMap(RegisterMap.FormatTag, "accel",
        [
            new RtlRegister("state", 3, false, RegisterRoles.Control, true), new RtlRegister("acc0", 20, true, RegisterRoles.Accumulator, true),
            new RtlRegister("w0_0", 8, true, RegisterRoles.Weight, false), new RtlRegister("pk", 16, false, RegisterRoles.Activation, true),
        ]);
        var dir = Directory.CreateTempSubdirectory("flowrunner-registers-").FullName;
        try
        {
            RegisterMapFile.Write(record, dir);
            var file = Path.Combine(dir, RegisterMapFile.FileName);
            var json = File.ReadAllText(file);
            var back = RegisterMapFile.Read(file);
            RoundTrip(json, _ => RegisterMapFile.ToJson(back.Record), "\"format\": \"flowrunner-registers-1\"", "\"module\": \"accel\"",
                "\"name\": \"acc0\"", "\"width\": 20", "\"signed\": true", "\"role\": \"accumulator\"", "\"clocked\": false");
            Assert.Equal(record.Registers, back.Record.Registers);
            Assert.Equal("acc0", back.Find("acc0[3]")?.Name);
            Assert.Equal("pk", back.Find(@"\pk [12]")?.Name);
            Assert.Null(back.Find("_42_"));

            File.WriteAllText(file, json.Replace("\"role\": \"weight\"", "\"role\": \"coefficient\""));
            var e = Assert.Throws<StageFailedException>(() => RegisterMapFile.Read(file));
            Assert.Contains("registers[2].role: 'coefficient' is not one of", e.Message);
            File.WriteAllText(file, json.Replace("flowrunner-registers-1", "flowrunner-registers-0"));
            Assert.Contains("this FlowRunner reads 'flowrunner-registers-1'", Assert.Throws<StageFailedException>(() => RegisterMapFile.Read(file)).Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Schedule_record_round_trips_through_its_file()
    {
        var record = TestSchedules.Record(lanes: 4, cyclesPerInference: 1234, rtlFiles: ["rtl/accel.v"],
            layers: [TestSchedules.Layer("conv1", 1000, 9000, 250, 20, outputMemory: "mem_dense1_in"), TestSchedules.Layer("dense1", 200, 1920, 60, 24, kind: "dense")],
            operators: [ScheduledOperator.Mul(8, 6, 36), ScheduledOperator.Of("reg", 20, 4, "conv1")],
            memories: [TestSchedules.Memory("rom_conv1", 25, 288, "rom", reads: 250, layer: "conv1", initFile: "rtl/rom_conv1.hex")]);
        var dir = Directory.CreateTempSubdirectory("flowrunner-schedule-").FullName;
        try
        {
            ScheduleFile.Write(record, dir);
            var json = File.ReadAllText(Path.Combine(dir, ScheduleFile.FileName));
            var back = ScheduleFile.Read(Path.Combine(dir, ScheduleFile.FileName));
            RoundTrip(json, _ => ScheduleFile.ToJson(back.Record), "\"format\": \"flowrunner-schedule-2\"", "\"cycles_per_inference\": 1234",
                "\"multipliers_per_lane\": 9", "\"a_width\": 8", "\"b_width\": 6", "\"reads_per_inference\": 250", "\"init_file\": \"rtl/rom_conv1.hex\"",
                "\"accumulator\": null", "\"output_memory\": null", "\"format\": \"ac_fixed<8,4,true,AC_RND,AC_SAT>\"");
            Assert.Equal(Path.Combine(dir, "rtl", "rom_conv1.hex"), back.InitPath(back.Record.Memories[0]));
            Assert.Equal(record.Layers, back.Record.Layers);
            Assert.Equal(record.Operators, back.Record.Operators);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_reader_refuses_another_version_a_missing_one_and_malformed_json_naming_the_file()
    {
        var other = Synth.ToJson().Replace(SynthReport.FormatName, "flowrunner-synth-0");
        var e = Assert.Throws<StageFailedException>(() => SynthReport.FromJson(other, "/runs/p000/synth/synth.json"));
        Assert.Equal("/runs/p000/synth/synth.json: \"format\" is 'flowrunner-synth-0', this FlowRunner reads 'flowrunner-synth-1'; rerun the stage that wrote it (--from)", e.Message);
        var none = Assert.Throws<StageFailedException>(() => MemoryManifest.FromJson("{\"macros\": [], \"logical\": []}", "memory.json"));
        Assert.StartsWith("memory.json: no \"format\": \"flowrunner-memory-2\"", none.Message);
        var bad = Assert.Throws<StageFailedException>(() => AccuracyRecord.FromJson("{\n \"version\": \"flowrunner-accuracy-1\",\n \"images\": \"many\"\n}", "accuracy.json"));
        Assert.StartsWith("accuracy.json:3: $.images: ", bad.Message);
        var missing = Assert.Throws<StageFailedException>(() => SynthReport.Read("/nonexistent/synth.json"));
        Assert.Contains("/nonexistent/synth.json", missing.Message);
    }

    private static void RoundTrip(string json, Func<string, string> again, params string[] expected)
    {
        Assert.Equal(json, again(json));
        foreach (var e in expected) Assert.Contains(e, json);
    }
}
