using FlowRunner.Hls.Architecture;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;
using System.Diagnostics;
using System.Globalization;
using FlowRunner.Tech;
using FlowRunner.Tech.Memories;
using Spectre.Console;

namespace FlowRunner.Cli.Bench;

/// <summary>Memory compiler: time to plan and write the views of 150 random memories, and the split policies on the MNIST accelerator's memories.</summary>
internal static class MemoryBench
{
    private const int Seed = 20240607;

    public static Task<int> RunAsync(BenchOptions o, CancellationToken ct)
    {
        var root = TechLoader.FindTechRoot(Directory.GetCurrentDirectory()) ?? TechLoader.FindTechRoot(AppContext.BaseDirectory);
        if (root is null)
        {
            Console.Error.WriteLine("memory bench: no tech/ folder found above the current directory; run it from the FlowRunner checkout");
            return Task.FromResult(1);
        }
        var loader = new TechLoader(root);
        var techs = new[] { loader.Load("generic45"), loader.Load("osu018") };

        Generation(techs, o, ct);
        Policies(techs, o.Quick ? [8] : [4, 8, 16], ct);
        return Task.FromResult(0);
    }

    /// <summary>150 memories of random shape (depth log-uniform 16..64k words, width 1..64, a third ROMs) under a 64 kbit limit.</summary>
    private static void Generation(TechDescription[] techs, BenchOptions o, CancellationToken ct)
    {
        var count = o.Quick ? 40 : 150;
        var random = new Random(Seed);
        var memories = Enumerable.Range(0, count).Select(i =>
        {
            var depth = (int)Math.Round(Math.Pow(2, 4 + random.NextDouble() * 12));
            var rom = random.Next(3) == 0;
            return new LogicalMemory($"m{i:D3}", $"m{i:D3}_mem", depth, random.Next(1, 65), rom ? MemoryKind.Rom : MemoryKind.Sram)
            {
                ReadsPerInference = random.Next(1, 100_000),
                WritesPerInference = rom ? 0 : random.Next(0, 10_000),
            };
        }).ToList();
        var options = new SplitOptions(SplitLimits.FromKbits(64));

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("tech", "memories", "macros", "plan", "write", "total", "target", "files");
        foreach (var tech in techs)
        {
            // Warm the JIT on a throw-away pass so the figures show steady-state cost.
            Run(tech, memories.Take(5).ToList(), options, Path.Combine(o.WorkDirectory, "warm-" + tech.Name));
            ct.ThrowIfCancellationRequested();
            var (plans, plan, write) = Run(tech, memories, options, Path.Combine(o.WorkDirectory, "gen-" + tech.Name));
            var files = Directory.EnumerateFiles(Path.Combine(o.WorkDirectory, "gen-" + tech.Name), "*", SearchOption.AllDirectories).Count();
            o.Figures.Add($"{count} memories generated, {tech.Name}", (plan + write).TotalMilliseconds, "ms", 1);
            table.AddRow(tech.Name, count.ToString(CultureInfo.InvariantCulture), plans.Sum(p => p.Macros.Count).ToString(CultureInfo.InvariantCulture),
                Ms(plan), Ms(write), Ms(plan + write), "< 2000 ms", files.ToString(CultureInfo.InvariantCulture));
        }
        AnsiConsole.MarkupLine($"[bold]Generation[/]: {count} random logical memories (seed {Seed}), max_macro_kbits 64, policy area; plan = split search, write = Verilog + Liberty + LEF per macro, wrappers, CSV");
        AnsiConsole.Write(table);
    }

    private static (List<MemoryPlan> Plans, TimeSpan Plan, TimeSpan Write) Run(TechDescription tech, List<LogicalMemory> memories, SplitOptions options, string folder)
    {
        var sw = Stopwatch.StartNew();
        var compiler = new MemoryCompiler(tech);
        var plans = memories.Select(m => compiler.Plan(m, options)).ToList();
        var plan = sw.Elapsed;
        sw.Restart();
        MemoryOutputWriter.Write(plans, tech, folder);
        return (plans, plan, sw.Elapsed);
    }

    /// <summary>The memories of the MNIST accelerator that hls.emit generates for ac_fixed&lt;W,W/2&gt; at the default lanes (floor(32 / W)),
    /// with the schedule's access counts; the weights are seeded, only the shapes matter here.</summary>
    public static List<LogicalMemory> Mnist(int w)
    {
        var net = new FloatNetwork(ReferenceNetworks.Load(ReferenceNetworks.MnistCnn));
        net.Initialize(1);
        var format = new FixedFormat(w, Math.Max(1, w / 2), true, Quantization.Rnd, FlowRunner.Numerics.Formats.Overflow.Sat);
        var accelerator = Accelerator.Plan(new BitAccurateNetwork(net, format), new Directives());
        return AcceleratorMemories.Of(accelerator).Select(m => m.Memory).ToList();
    }

    private static void Policies(TechDescription[] techs, int[] widths, CancellationToken ct)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("tech", "W", "kbit", "policy", "macros", "mm2", "nJ/inf", "leak uW", "rom_dense1", "mem_conv2d2_in");
        foreach (var tech in techs)
            foreach (var w in widths)
                foreach (var kbits in new[] { 64.0, 16.0 })
                    foreach (var (policy, weight) in new[] { (SplitPolicy.Area, 0.5), (SplitPolicy.Energy, 0.5), (SplitPolicy.Weighted, 0.5) })
                    {
                        ct.ThrowIfCancellationRequested();
                        var compiler = new MemoryCompiler(tech);
                        var memories = Mnist(w);
                        var plans = memories.Select(m => compiler.Plan(m, new SplitOptions(SplitLimits.FromKbits(kbits), policy, weight))).ToList();
                        var area = plans.Sum(p => p.AreaUm2);
                        string Split(string name) { var p = plans.Single(x => x.Memory.Name == name); return $"{p.Banks}x{p.Slices}"; }
                        table.AddRow(tech.Name, w.ToString(CultureInfo.InvariantCulture), kbits.ToString("0", CultureInfo.InvariantCulture), policy.ToString().ToLowerInvariant(),
                            plans.Sum(p => p.Macros.Count).ToString(CultureInfo.InvariantCulture),
                            (area / 1e6).ToString("0.000", CultureInfo.InvariantCulture),
                            (plans.Sum(p => p.EnergyPerInferencePj) / 1000).ToString("0", CultureInfo.InvariantCulture),
                            plans.Sum(p => p.LeakageUw).ToString("0.0", CultureInfo.InvariantCulture),
                            Split("rom_dense1"), Split("mem_conv2d2_in"));
                    }
        AnsiConsole.MarkupLine("[bold]MNIST accelerator memories[/] (hls.emit's memory list at ac_fixed<W,W/2>, lanes floor(32/W)): an input SRAM and a weight ROM per layer, the schedule's reads and writes; splits as banks x slices");
        AnsiConsole.Write(table);
    }

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:F0} ms";
}
