using System.Text.Json;
using FlowRunner.Abstractions;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Tools;
using FlowRunner.Engine.Tools.Scripting;
using FlowRunner.Stages.Hls;
using FlowRunner.Stages.Power;
using FlowRunner.Stages.Synthesis;
using FlowRunner.Stages.Tests.Power;
using FlowRunner.Stages.Tests.Support;
using FlowRunner.Stages.Tests.Synthesis;
using FlowRunner.Tech;
using Microsoft.Extensions.DependencyInjection;

namespace FlowRunner.Stages.Tests.Scripting;

/// <summary>Shell, Tcl and Yosys metacharacters and newlines in every string option of every stage and in the folders a stage reads and
/// writes (workspace, Liberty folder, upstream stage folders): the real tools run (Yosys, OpenSTA, Icarus, g++) and none of them ever
/// runs the injected command, whose marker file must never appear.</summary>
public sealed class ScriptInjectionTests(PowerFixture fx) : IClassFixture<PowerFixture>
{
    private const string Marker = "FRPWNED";

    /// <summary>Each payload runs `touch FRPWNED` if any script language reads it as code.</summary>
    public static readonly string[] Payloads =
    [
        "t} [exec touch " + Marker + "] {",
        "$(touch " + Marker + ")",
        "`touch " + Marker + "`",
        "x; shell touch " + Marker + "; \"",
        "n\n!touch " + Marker + "\nexec touch " + Marker + "\n",
        "q\"; exec touch " + Marker + "; \"",
        "a' ; touch " + Marker + " ; '",
        // Only blanks and characters every language takes: Yosys runs on it too.
        "with space ,+=@%",
    ];

    private static void AssertNoMarker(string root, string what)
    {
        var found = Directory.EnumerateFiles(root, Marker + "*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Directory.GetCurrentDirectory(), Marker + "*"))
            .Concat(Directory.EnumerateFiles(Path.GetTempPath(), Marker + "*")).ToList();
        Assert.True(found.Count == 0, $"{what}: an injected command ran and created {string.Join(", ", found)}");
    }

    /// <summary>Runs the real tools the test needs; anything else (npm's dataset download) is refused, so no stage reaches the network.</summary>
    private sealed class GuardedTools(IToolRunner real, List<string> ran) : IToolRunner
    {
        private static readonly HashSet<string> Allowed = ["yosys", "sta", "iverilog", "vvp", "g++"];

        public Task<ToolResult> RunAsync(ToolInvocation invocation, CancellationToken cancellationToken)
        {
            var name = Path.GetFileName(invocation.Tool);
            lock (ran) ran.Add(name);
            return Allowed.Contains(name) || name == "accel_cpp"
                ? real.RunAsync(invocation, cancellationToken)
                : throw new ToolFailedException($"{name} is not run by this test", null);
        }
    }

    /// <summary>Files a path option may name, copied into a folder whose name is the payload.</summary>
    private static string? PathValue(string key, string folder, PowerFixture fx)
    {
        Directory.CreateDirectory(folder);
        string Copy(string from, string name)
        {
            var to = Path.Combine(folder, name);
            File.Copy(from, to, true);
            return to;
        }
        var tech = TechLoader.LoadFile(new TechLoader(fx.TechRoot).PathOf("generic45"));
        return key switch
        {
            "liberty" => Copy(StandardCells.LibertyPath(tech, Path.Combine(folder, "gen")), "cells.lib"),
            "software" => Copy(Path.Combine(fx.TechRoot, "software", "rv32imf.yaml"), "core.yaml"),
            "network" => Copy(Path.Combine(fx.TechRoot, "..", "flows", "models", "mnist-cnn.yaml"), "net.yaml"),
            "weights" => Copy(Path.Combine(fx.Model.Directory, "weights.json"), "weights.json"),
            "ac_include" => Path.GetDirectoryName(Copy(Path.Combine(fx.Model.Directory, "weights.json"), "ac_fixed.h"))!,
            _ => null,
        };
    }

    [Fact]
    public async Task Every_string_option_of_every_stage_fed_with_metacharacters_runs_no_injected_command()
    {
        var services = new ServiceCollection().AddBuiltInStages().BuildServiceProvider();
        var stages = services.GetServices<IStage>().ToList();
        var adapters = services.GetServices<IToolAdapter>().ToList();
        var options = stages.SelectMany(s => s.Options.Where(o => o.Type == OptionType.String).Select(o => (Stage: s, Option: o))).ToList();
        Assert.True(options.Count >= 20, $"the registry lists {options.Count} string options");
        // The stages that run external tools are among them, with the options that reach their scripts.
        Assert.Contains(options, x => x.Stage.Kind == "synth" && x.Option.Key == "liberty");
        Assert.Contains(options, x => x.Stage.Kind == "hls.emit" && x.Option.Key == "ac_include");

        var root = Path.Combine(fx.Root, "fuzz-options");
        var synth = await fx.SynthesizedNetlistAsync(Path.Combine(root, "synth-upstream"));
        // synth gets the saved fixture accelerator (schedule.json and its RTL), so Yosys and OpenSTA really run on its `liberty` option.
        var rtl = new SynthFixture(Path.Combine(root, "rtl-upstream")).CopyFixtureHls();
        var rtlHls = new StageOutput("hls", HlsEmitStage.KindName, "emit", rtl, [], [new Artifact("schedule", "schedule.json")]);
        var ran = new List<string>();
        var unexpected = new List<string>();
        var unclear = new List<string>();
        var synthRuns = new List<(object? Value, List<string> Ran, string? Refusal)>();
        var n = 0;
        foreach (var (stage, option) in options)
            foreach (var payload in Payloads)
            {
                var folder = Path.Combine(root, $"v{n++}", payload);
                var values = new List<object?> { payload };
                if (PathValue(option.Key, folder, fx) is { } path) values.Add(path);
                foreach (var value in values)
                    foreach (var adapter in adapters.Where(a => a.StageKind == stage.Kind))
                    {
                        var dir = Path.Combine(root, $"s{n++}");
                        Directory.CreateDirectory(dir);
                        var with = new Dictionary<string, object?> { [option.Key] = value };
                        if (stage.Kind == PowerStage.KindName) with["images"] = 3L;
                        var real = new ToolRunner(dir, fx.Log, new RetrySpec(1, 0, 120), new ToolLocator());
                        var thisRun = new List<string>();
                        IReadOnlyList<StageOutput> inputs = stage.Kind == SynthStage.KindName ? [rtlHls] : [fx.Hls, fx.Memory, synth, fx.Model];
                        var c = fx.Context(stage.Kind.Replace('.', '_'), stage.Kind, adapter.Id, dir, with, inputs, tools: new GuardedTools(real, thisRun));
                        var what = $"{stage.Kind}/{adapter.Id} {option.Key}={JsonSerializer.Serialize(value)}";
                        string? refusal = null;
                        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
                        try { await adapter.RunAsync(c, cts.Token); }
                        catch (ToolFailedException e)
                        {
                            // A tool that ran and failed (g++ on a folder whose ac_fixed.h is not a header; the npm download this test refuses):
                            // its message is a headline naming the tool, then the tail of the tool's output.
                            refusal = e.Message;
                            var tool = thisRun.LastOrDefault() ?? "";
                            if (tool.Length == 0 || !e.Message.Split('\n')[0].Contains(tool, StringComparison.Ordinal)) unclear.Add($"{what}: the tool failure does not name the tool: {e.Message}");
                        }
                        catch (StageFailedException e)
                        {
                            refusal = e.Message;
                            if (Unclear(e.Message, c.StageId, option.Key) is { } why) unclear.Add($"{what}: {why}: {e.Message}");
                        }
                        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
                        {
                            unexpected.Add($"{what}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                        }
                        ran.AddRange(thisRun);
                        if (stage.Kind == SynthStage.KindName && option.Key == "liberty" && adapter.Id == "yosys") synthRuns.Add((value, thisRun, refusal));
                        AssertNoMarker(fx.Root, $"{stage.Kind}/{adapter.Id} with {option.Key} = {JsonSerializer.Serialize(value)}");
                    }
            }
        // The real tools ran on these values (g++ on the ac_include folders, OpenSTA on the power runs), not only refusals.
        Assert.Contains("g++", ran);
        Assert.Contains("sta", ran);
        Assert.True(unexpected.Count == 0, "stages that did not fail with a stage error:\n" + string.Join('\n', unexpected));
        Assert.True(unclear.Count == 0, "refusals that are not one clear line naming the stage or the option:\n" + string.Join('\n', unclear));

        // synth's `liberty`: a Liberty in a folder Yosys can name is mapped to by Yosys and timed by OpenSTA; any other folder is refused
        // before Yosys starts, naming the option and the character.
        var libertyPaths = synthRuns.Where(r => r.Value is string v && v.EndsWith("cells.lib", StringComparison.Ordinal)).ToList();
        Assert.Equal(Payloads.Length, libertyPaths.Count);
        foreach (var (value, tools, refusal) in libertyPaths)
        {
            var folder = Path.GetFileName(Path.GetDirectoryName((string)value!)!);
            if (folder == Payloads[^1])
            {
                Assert.True(refusal is null, $"synth on a Liberty in '{folder}' failed: {refusal}");
                Assert.Contains("yosys", tools);
                Assert.Contains("sta", tools);
            }
            else
            {
                Assert.True(refusal is not null, $"synth on a Liberty in {JsonSerializer.Serialize(folder)} ran {string.Join(", ", tools)} without refusing it");
                // A newline is refused when the option is read; any other character Yosys cannot take, when synth.ys is written.
                Assert.Matches("option `liberty`.*cannot be written into a Yosys script: Yosys has no escape for|`with.liberty` holds the control character", refusal);
                Assert.Empty(tools);
            }
        }
    }

    /// <summary>Why a stage's refusal is not a clear error: more than one line, a .NET type or stack frame, or neither the stage nor the option named.</summary>
    private static string? Unclear(string message, string stageId, string option)
    {
        if (string.IsNullOrWhiteSpace(message)) return "empty";
        if (message.Contains('\n') || message.Contains('\r')) return "more than one line";
        if (message.Contains("   at ") || message.Contains("Exception")) return "a stack trace or an exception name";
        return message.Contains(option, StringComparison.Ordinal) || message.Contains(stageId, StringComparison.Ordinal) ? null : "names neither the stage nor the option";
    }

    [Fact]
    public async Task Folders_named_with_metacharacters_are_quoted_for_OpenSta_Icarus_and_the_shell_or_refused_by_yosys()
    {
        // One clean synthesis for the timing runs and one for the power runs; each payload folder gets copies of them.
        var clean = Path.Combine(fx.Root, "sta-clean-" + Guid.NewGuid().ToString("N")[..6]);
        var cleanFixture = new SynthFixture(clean);
        var cc = cleanFixture.Context(cleanFixture.CopyFixtureHls(), "osu018", "yosys", directory: Path.Combine(clean, "synth"));
        var setup = SynthSetup.From(cc);
        var run = await YosysFlow.SynthesizeAsync(cc.Tools, cc.Directory, setup.Schedule.Record.Top, setup.Schedule.RtlPaths, setup.Schedule.Record.MemoryModules.ToHashSet(),
            setup.LibertyPath, setup.Library, CancellationToken.None);
        var powerSynth = await fx.SynthesizedNetlistAsync(fx.Folder("synth-power-clean"));
        foreach (var payload in Payloads)
        {
            var root = Path.Combine(fx.Root, "fuzz-paths-" + Guid.NewGuid().ToString("N")[..6], payload);
            Directory.CreateDirectory(root);
            var yosysSafe = payload == Payloads[^1];

            // synth: the RTL folder carries the payload; Yosys has no escapes, so it is refused naming the file, or it runs.
            var synthFixture = new SynthFixture(root);
            var hls = synthFixture.CopyFixtureHls();
            var sc = synthFixture.Context(hls, "osu018", "yosys", directory: Path.Combine(root, "synth"));
            if (yosysSafe)
            {
                var r = await new YosysSynthAdapter().RunAsync(sc, CancellationToken.None);
                Assert.Contains(r.Metrics, m => m.Name == "slack_ns");
            }
            else
            {
                var e = await Assert.ThrowsAsync<ScriptValueException>(() => new YosysSynthAdapter().RunAsync(sc, CancellationToken.None));
                Assert.Contains("the RTL file", e.Message);
                Assert.Contains("cannot be written into a Yosys script", e.Message);
            }
            AssertNoMarker(fx.Root, "synth in " + payload);

            // OpenSTA timing (sta.tcl) of a netlist and a Liberty in that folder: the Liberty is read from a plain-named copy, the netlist
            // by its path relative to the stage folder; nothing in the folder name runs.
            var staDir = Path.Combine(root, "sta");
            Directory.CreateDirectory(staDir);
            var lib = Path.Combine(root, "cells.lib");
            File.Copy(setup.LibertyPath, lib, true);
            var netlist = Path.Combine(staDir, "netlist.v");
            File.Copy(run.NetlistPath, netlist);
            var staTools = new ToolRunner(staDir, fx.Log, new RetrySpec(1, 0, 120), new ToolLocator());
            var timing = await YosysFlow.TimeAsync(staTools, staDir, lib, run with { NetlistPath = netlist }, setup.Schedule.Record.Top, 10, 1.8, CancellationToken.None);
            Assert.NotNull(timing);
            // OpenSTA's read_liberty opens the string form of its argument list, so such a Liberty is read from a plain-named copy.
            Assert.Contains("read_liberty sta-inputs/0.lib", File.ReadAllLines(Path.Combine(staDir, StaTiming.ScriptFile)));
            AssertNoMarker(fx.Root, "sta in " + payload);

            // power.tcl: the synth and memory stages and the power stage itself in that folder.
            var synth = PowerFixture.CopyStage(powerSynth, Path.Combine(root, "synth-power"));
            // synth.json names the Liberty in the copied folder, so power.tcl reads it from the payload folder.
            File.WriteAllText(Path.Combine(synth.Directory, "synth.json"), JsonSerializer.Serialize(new { liberty = Directory.GetFiles(synth.Directory, "*.lib").Single() }));
            var memory = PowerFixture.CopyStage(fx.Memory, Path.Combine(root, "memory"));
            var powerDir = Path.Combine(root, "power");
            Directory.CreateDirectory(powerDir);
            var pc = fx.Context("power", PowerStage.KindName, "opensta", powerDir, new() { ["images"] = 3L }, [fx.Hls, memory, synth, fx.Model],
                tools: new ToolRunner(powerDir, fx.Log, new RetrySpec(1, 0, 120), new ToolLocator()));
            var power = await new OpenStaPowerAdapter().RunAsync(pc, CancellationToken.None);
            Assert.True(power.Metrics.Single(m => m.Name == "opensta_power_mw").Value > 0);
            Assert.True(power.Metrics.Single(m => m.Name == "opensta_memory_power_mw").Value > 0, "the macros' Liberty in the payload folder was read");
            AssertNoMarker(fx.Root, "power in " + payload);

            // hls.emit with Icarus: the stage folder carries the payload; replay.sh quotes every word for the shell.
            var hlsDir = Path.Combine(root, "hls");
            Directory.CreateDirectory(hlsDir);
            var hc = fx.Context("hls", HlsEmitStage.KindName, "inprocess", hlsDir, new() { ["simulate_images"] = 1L, ["vectors"] = 2L }, [fx.Model],
                tools: new ToolRunner(hlsDir, fx.Log, new RetrySpec(1, 0, 300), new ToolLocator()));
            var emitted = await new HlsEmitAdapter().RunAsync(hc, CancellationToken.None);
            Assert.Contains(emitted.Metrics, m => m.Name == "rtl_images_checked");
            var replay = await CliWrap.Cli.Wrap("sh").WithArguments([Path.Combine(hlsDir, "replay.sh")]).WithValidation(CliWrap.CommandResultValidation.None)
                .ExecuteAsync();
            Assert.Equal(0, replay.ExitCode);
            AssertNoMarker(fx.Root, "hls.emit and its replay.sh in " + payload);
        }
    }

}
