using System.Diagnostics;
using FlowRunner.Abstractions;
using FlowRunner.Engine.Tools.Scripting;
using FlowRunner.Tech.Liberty;

namespace FlowRunner.Stages.Synthesis;

/// <summary>A finished Yosys run: the stat figures, flip-flops and latches counted against the Liberty, the black boxes kept, and how long it took.</summary>
public sealed record YosysRun(YosysStat Stat, string NetlistPath, string LogPath, TimeSpan Duration, int FlipFlops, int Latches,
    IReadOnlyList<VerilogModule> Blackboxes, IReadOnlyDictionary<string, int> StandardCells)
{
    /// <summary>Standard cells only (the black-box instances are not logic).</summary>
    public int CellCount => StandardCells.Values.Sum();
}

/// <summary>Runs Yosys and OpenSTA through the stage's tool runner (CliWrap under the recipe's Polly timeout and retries), in a given folder.</summary>
public static class YosysFlow
{
    public const string ScriptFile = "synth.ys";
    public const string LogFile = "yosys.log";
    public const string BlackboxLibertyFile = "blackboxes.lib";

    public static async Task<YosysRun> SynthesizeAsync(IToolRunner tools, string directory, string top, IReadOnlyList<string> rtlFiles,
        IReadOnlyCollection<string> memoryModules, string liberty, LibertyLibrary library, CancellationToken ct)
    {
        var modules = rtlFiles.ToDictionary(f => Path.GetFullPath(f), VerilogModules.Read);
        var declared = modules.Values.SelectMany(m => m).ToList();
        var missing = memoryModules.Where(m => declared.All(d => d.Name != m)).ToList();
        if (missing.Count > 0)
            throw new StageFailedException($"memory module(s) {string.Join(", ", missing)} are not declared in any of the RTL files ({string.Join(", ", rtlFiles.Select(Path.GetFileName))})");
        var blackboxes = declared.Where(d => memoryModules.Contains(d.Name)).GroupBy(d => d.Name).Select(g => g.First()).ToList();

        // Files of the stage folder (a generated Liberty) by their relative path: the folder moves into the cache when the stage commits.
        var script = YosysScript.Generate(top, rtlFiles.Select(f => StagePaths.For(directory, f)).ToList(), memoryModules,
            f => modules[Path.GetFullPath(f, directory)].Select(m => m.Name).ToList(), StagePaths.For(directory, liberty));
        File.WriteAllText(Path.Combine(directory, ScriptFile), script);
        var logPath = Path.Combine(directory, LogFile);
        var clock = Stopwatch.StartNew();
        try
        {
            await tools.RunAsync(new ToolInvocation("yosys", ["-q", "-l", LogFile, "-s", ScriptFile]) { WorkingDirectory = directory }, ct);
        }
        catch (ToolFailedException e)
        {
            throw new StageFailedException($"yosys failed on {ScriptFile} in {directory}: {FirstLine(e.Message)}{LogTail(logPath)}", e);
        }
        clock.Stop();
        CheckNetlist(Path.Combine(directory, YosysScript.NetlistFile));
        var stat = YosysStat.Parse(File.ReadAllText(logPath), logPath);
        var cells = stat.CellsByType.Where(kv => !memoryModules.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        var flipFlops = cells.Where(kv => library.Cell(kv.Key)?.Group.Group("ff") is not null).Sum(kv => kv.Value);
        var latches = cells.Where(kv => library.Cell(kv.Key)?.Group.Group("latch") is not null || kv.Key.Contains("DLATCH", StringComparison.Ordinal)).Sum(kv => kv.Value);
        return new YosysRun(stat, Path.Combine(directory, YosysScript.NetlistFile), logPath, clock.Elapsed, flipFlops, latches, blackboxes, cells);
    }

    /// <summary>Times the netlist with OpenSTA: the tech Liberty plus a generated Liberty for the black boxes (<see cref="BlackboxCells"/>).</summary>
    public static async Task<StaTimingReport?> TimeAsync(IToolRunner tools, string directory, string liberty, YosysRun run, string top,
        double periodNs, double voltage, CancellationToken ct)
    {
        var libs = new List<string> { liberty };
        if (run.Blackboxes.Count > 0)
        {
            var bb = Path.Combine(directory, BlackboxLibertyFile);
            BlackboxCells.WriteFile(bb, run.Blackboxes, voltage);
            libs.Add(bb);
        }
        // The netlist artifact keeps the ROMs' INIT_FILE overrides for simulation; OpenSTA reads a copy without them.
        var staNetlist = Path.Combine(directory, StaTiming.NetlistFile);
        File.WriteAllText(staNetlist, StaTiming.WithoutInstanceParameters(File.ReadAllText(run.NetlistPath)));
        File.WriteAllText(Path.Combine(directory, StaTiming.ScriptFile), StaTiming.Script(libs.Select(l => StaTiming.ReadableLiberty(directory, StagePaths.For(directory, l))).ToList(), StagePaths.For(directory, staNetlist), top, periodNs));
        ToolResult result;
        try
        {
            result = await tools.RunAsync(new ToolInvocation("sta", ["-no_splash", "-exit", StaTiming.ScriptFile]) { WorkingDirectory = directory }, ct);
        }
        catch (ToolFailedException e)
        {
            throw new StageFailedException($"sta failed on {StaTiming.ScriptFile} in {directory}: {e.Message}", e);
        }
        var output = result.StandardOutput + result.StandardError;
        var logPath = Path.Combine(directory, StaTiming.LogFile);
        File.WriteAllText(logPath, output);
        return StaTiming.Parse(output, periodNs, logPath);
    }

    /// <summary>Yosys exits 0 when a full disk cuts the netlist short (it does not check the stream it wrote): a netlist that is missing or
    /// does not end with `endmodule` fails the stage instead of reaching the cache.</summary>
    public static void CheckNetlist(string netlist)
    {
        if (!File.Exists(netlist)) throw new StageFailedException($"{netlist}: yosys exited 0 but wrote no netlist");
        var last = File.ReadLines(netlist).Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);
        if (last != "endmodule")
            throw new StageFailedException($"{netlist}: the netlist ends with '{last ?? ""}', not with endmodule: yosys's output was cut short (a full disk?)");
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();

    /// <summary>The last lines of the Yosys log (its own, complete, unlike the quiet console output).</summary>
    public static string LogTail(string logPath, int lines = 20)
    {
        if (!File.Exists(logPath)) return " Yosys wrote no log.";
        var tail = File.ReadAllLines(logPath).Select(l => l.TrimEnd()).Where(l => l.Length > 0).TakeLast(lines).ToList();
        return tail.Count == 0 ? " The Yosys log is empty." : $" Last lines of {Path.GetFileName(logPath)}:" + Environment.NewLine + string.Join(Environment.NewLine, tail.Select(l => "  | " + l));
    }
}
