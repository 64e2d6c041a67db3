using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;
using FlowRunner.Abstractions;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Tools;
using FlowRunner.Stages.Hls;
using FlowRunner.Stages.Power;
using FlowRunner.Stages.Synthesis;
using FlowRunner.Stages.Tests.Power;
using FlowRunner.Stages.Tests.Synthesis;

namespace FlowRunner.Stages.Tests.Scripting;

/// <summary>replay.sh replays: a stage runs in a temporary folder, the folder is renamed (as the cache commits it), copied elsewhere, and its
/// replay.sh run there for real reproduces what the tools wrote: synthesis, timing, power and the RTL simulation.</summary>
public sealed class ReplayTests(PowerFixture fx) : IClassFixture<PowerFixture>
{
    /// <summary>Runs the stage in cache/tmp/ID, renames the folder into cache/ID and copies it to elsewhere/NAME; returns (committed, copy).</summary>
    private static (string Committed, string Copy) Commit(string root, string tmp, string name)
    {
        var committed = Path.Combine(root, "cache", "ab", name);
        Directory.CreateDirectory(Path.GetDirectoryName(committed)!);
        Directory.Move(tmp, committed);
        var copy = Path.Combine(root, "elsewhere", name);
        PowerFixture.CopyFolder(committed, copy);
        return (committed, copy);
    }

    private static async Task<BufferedCommandResult> ReplayAsync(string folder, string tmp)
    {
        foreach (var script in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                     .Where(f => Path.GetFileName(f) is "replay.sh" or "synth.ys" or "sta.tcl" or "power.tcl" || f.EndsWith(".v", StringComparison.Ordinal)))
            Assert.DoesNotContain(tmp, File.ReadAllText(script));
        var r = await Cli.Wrap("sh").WithArguments([Path.Combine(folder, "replay.sh")]).WithWorkingDirectory(Path.GetTempPath())
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(r.ExitCode == 0, $"replay.sh failed:\n{File.ReadAllText(Path.Combine(folder, "replay.sh"))}\n{r.StandardOutput}\n{r.StandardError}");
        return r;
    }

    private static string Slack(string text) => Regex.Match(text, @"^\s*-?[0-9.]+\s+slack \((MET|VIOLATED)\)", RegexOptions.Multiline).Value.Trim();

    [Fact]
    public async Task Synthesis_and_timing_replay_from_a_copy_of_the_committed_stage_folder()
    {
        using var f = new SynthFixture();
        var hls = f.CopyFixtureHls();
        var tmp = Path.Combine(f.Root, "cache", "tmp", "5ca1ab1e-synth");
        // generic45: the stage writes its Liberty into its own folder, which synth.ys and sta.tcl then name.
        var c = f.Context(hls, "generic45", "yosys", directory: tmp);
        await new YosysSynthAdapter().RunAsync(c, CancellationToken.None);
        var (committed, copy) = Commit(f.Root, tmp, "synth");
        foreach (var made in new[] { "netlist.v", "yosys.log" }) File.Delete(Path.Combine(copy, made));

        var r = await ReplayAsync(copy, tmp);
        Assert.Equal(File.ReadAllText(Path.Combine(committed, "netlist.v")), File.ReadAllText(Path.Combine(copy, "netlist.v")));
        Assert.Contains("Chip area", File.ReadAllText(Path.Combine(copy, "yosys.log")));
        var slack = Slack(File.ReadAllText(Path.Combine(committed, StaTiming.LogFile)));
        Assert.NotEmpty(slack);
        Assert.Equal(slack, Slack(r.StandardOutput + r.StandardError));
    }

    [Fact]
    public async Task Power_replays_from_a_copy_of_the_committed_stage_folder()
    {
        var synth = await fx.SynthesizedNetlistAsync(fx.Folder("synth-replay"));
        var root = fx.Folder("power-replay");
        var tmp = Path.Combine(root, "cache", "tmp", "5ca1ab1e-power");
        Directory.CreateDirectory(tmp);
        var c = fx.Context("power", PowerStage.KindName, "opensta", tmp, new() { ["images"] = 5L }, [fx.Hls, fx.Memory, synth, fx.Model],
            tools: new ToolRunner(tmp, fx.Log, new RetrySpec(1, 0, 120), new ToolLocator()));
        await new OpenStaPowerAdapter().RunAsync(c, CancellationToken.None);
        var (committed, copy) = Commit(root, tmp, "power");

        var r = await ReplayAsync(copy, tmp);
        static string Total(string log) => log.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("Total", StringComparison.Ordinal));
        Assert.Equal(Total(File.ReadAllText(Path.Combine(committed, "sta.log"))), Total(r.StandardOutput));
    }

    [Fact]
    public async Task The_rtl_simulation_replays_from_a_copy_of_the_committed_stage_folder()
    {
        var root = fx.Folder("hls-replay");
        var tmp = Path.Combine(root, "cache", "tmp", "5ca1ab1e-hls");
        Directory.CreateDirectory(tmp);
        var c = fx.Context("hls", HlsEmitStage.KindName, "inprocess", tmp, new() { ["simulate_images"] = 2L, ["vectors"] = 2L }, [fx.Model],
            tools: new ToolRunner(tmp, fx.Log, new RetrySpec(1, 0, 300), new ToolLocator()));
        await new HlsEmitAdapter().RunAsync(c, CancellationToken.None);
        var (committed, copy) = Commit(root, tmp, "hls");
        File.Delete(Path.Combine(copy, HlsEmitStage.ActivityFile));

        var r = await ReplayAsync(copy, tmp);
        Assert.Contains("PASS 2 images", r.StandardOutput);
        var before = VcdActivity.Read(Path.Combine(committed, HlsEmitStage.ActivityFile));
        var after = VcdActivity.Read(Path.Combine(copy, HlsEmitStage.ActivityFile));
        Assert.Equal(before.Cycles, after.Cycles);
        Assert.Equal(before.ByNet.OrderBy(kv => kv.Key), after.ByNet.OrderBy(kv => kv.Key));
    }
}

/// <summary>A stage checks what its tools wrote before it is committed: vvp and Yosys exit 0 when a full disk cuts their output short.</summary>
public sealed class ToolOutputCheckTests(PowerFixture fx) : IClassFixture<PowerFixture>
{
    /// <summary>A wrapper around the real tool that runs it, then truncates one of the files it wrote (what a full disk does) and exits 0.</summary>
    private string Truncating(string tool, string file, int bytes)
    {
        var real = new ToolLocator().Find(tool) ?? throw new InvalidOperationException($"{tool} is not installed");
        var path = Path.Combine(fx.Folder("fake-" + tool), tool);
        File.WriteAllText(path, $"#!/bin/sh\n'{real}' \"$@\" || exit $?\ntruncate -s {bytes} '{file}'\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public async Task A_vcd_that_vvp_left_truncated_fails_hls_emit_naming_the_file()
    {
        var dir = fx.Folder("hls-truncated");
        var locator = new SubstituteLocator("vvp", Truncating("vvp", "../activity.vcd", 3000));
        var c = fx.Context("hls", HlsEmitStage.KindName, "inprocess", dir, new() { ["simulate_images"] = 1L, ["vectors"] = 1L }, [fx.Model],
            tools: new ToolRunner(dir, fx.Log, new RetrySpec(1, 0, 300), locator));
        var e = await Assert.ThrowsAsync<StageFailedException>(() => new HlsEmitAdapter().RunAsync(c, CancellationToken.None));
        Assert.Contains(Path.Combine(dir, HlsEmitStage.ActivityFile), e.Message);
        Assert.Contains("cut short", e.Message);
    }

    [Fact]
    public async Task A_netlist_that_yosys_left_truncated_fails_synth_naming_the_file()
    {
        using var f = new SynthFixture();
        var c = f.Context(f.CopyFixtureHls(), "osu018", "yosys", locator: new SubstituteLocator("yosys", Truncating("yosys", "netlist.v", 2000)));
        var e = await Assert.ThrowsAsync<StageFailedException>(() => new YosysSynthAdapter().RunAsync(c, CancellationToken.None));
        Assert.Contains(c.PathOf("netlist.v"), e.Message);
        Assert.Contains("cut short", e.Message);
    }
}
