using System.Globalization;
using System.Text;
using FlowRunner.Abstractions;
using FlowRunner.Stages.Services;
using FlowRunner.Tech;
using FlowRunner.Tech.Memories;

namespace FlowRunner.Stages.Memory;

/// <summary>Adapter "compiler" of `memory.generate`: FlowRunner's own memory compiler (tech template + soft banking), no external tool.</summary>
public sealed class MemoryCompilerAdapter : IToolAdapter
{
    public string StageKind => MemoryGenerateStage.KindName;
    public string Id => "compiler";
    public int Priority => 10;
    public IReadOnlyList<string> RequiredTools => [];

    public Task<IReadOnlyList<ToolInfo>> ProbeAsync(IToolLocator locator, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ToolInfo>>([]);

    public Task<StageResult> RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        var tech = context.Tech();
        var hls = context.View(Views.Schedule);
        var memories = ScheduleMemories.Read(hls.ArtifactPath(Views.Schedule.Name), hls.Directory);
        var options = SplitOptionsOf(context);
        context.Log.Info($"{memories.Count} logical memories, tech {tech.Name}, limits {options.Limits.MaxMacroBits} bits / depth {options.Limits.MaxDepth} / width {options.Limits.MaxWidth} (0 = template), policy {options.Policy.ToString().ToLowerInvariant()}");

        var compiler = new MemoryCompiler(tech);
        var plans = new List<MemoryPlan>(memories.Count);
        for (var i = 0; i < memories.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                plans.Add(compiler.Plan(memories[i].Memory, options));
            }
            catch (MemoryCompileException e)
            {
                throw new StageFailedException($"stage '{context.StageId}': {e.Message}; raise max_macro_kbits/max_depth/max_width or check the schedule");
            }
            context.Log.Info(plans[^1].ToString());
            context.Log.Progress((i + 1.0) / Math.Max(1, memories.Count), memories[i].Memory.Name);
        }

        var outputs = MemoryOutputWriter.Write(plans, tech, context.Directory, context.Threads);
        CopyRomImages(context, memories, plans);
        var manifest = MemoryManifest.From(plans, outputs);
        LogicalLiberty.WriteAll(manifest, tech, context.Directory);
        File.WriteAllText(context.PathOf("memory.json"), manifest.ToJson());

        IReadOnlyList<Artifact> artifacts =
        [
            new("memories", "memory.json", "macros (size, views, energy, timing) and logical memories (wrapper, split, totals)"),
            new("wrappers", MemoryOutputWriter.WrapperFolderName, "Verilog wrappers that replace the behavioral memory modules of the RTL"),
            new("report", MemoryOutputWriter.ReportFile, "one row per logical memory: split, area, energy per access, leakage, timing"),
        ];
        return Task.FromResult(new StageResult(Metrics(plans), artifacts));
    }

    private static SplitOptions SplitOptionsOf(StageContext context)
    {
        var o = context.Options;
        var kbits = o.Double("max_macro_kbits", 64);
        var depth = o.Int("max_depth");
        var width = o.Int("max_width");
        var weight = o.Double("weight", 0.5);
        if (kbits < 0 || depth < 0 || width < 0)
            throw new StageFailedException($"stage '{context.StageId}': max_macro_kbits, max_depth and max_width must be zero (no limit) or positive");
        if (weight is < 0 or > 1) throw new StageFailedException($"stage '{context.StageId}': `with.weight` must be between 0 and 1, got {weight}");
        var policy = o.String("policy", "area").ToLowerInvariant() switch
        {
            "area" => SplitPolicy.Area,
            "energy" => SplitPolicy.Energy,
            "weighted" => SplitPolicy.Weighted,
            var p => throw new StageFailedException($"stage '{context.StageId}': `with.policy` must be area, energy or weighted, got '{p}'"),
        };
        return new SplitOptions(SplitLimits.FromKbits(kbits, depth, width), policy, weight);
    }

    /// <summary>Puts each ROM's image beside its wrapper under the wrapper's default INIT_FILE name, so the wrappers folder simulates on its own.</summary>
    private static void CopyRomImages(StageContext context, IReadOnlyList<ScheduledMemory> memories, IReadOnlyList<MemoryPlan> plans)
    {
        foreach (var (scheduled, plan) in memories.Zip(plans))
        {
            if (plan.Memory.Kind != MemoryKind.Rom) continue;
            if (scheduled.InitFile is null)
            {
                context.Log.Warn($"ROM '{plan.Memory.Name}' has no init_file in the schedule; its wrapper reads {plan.Memory.Module}.hex");
                continue;
            }
            if (!File.Exists(scheduled.InitFile))
            {
                context.Log.Warn($"ROM '{plan.Memory.Name}': init_file '{scheduled.InitFile}' does not exist");
                continue;
            }
            File.Copy(scheduled.InitFile, context.PathOf(Path.Combine(MemoryOutputWriter.WrapperFolderName, plan.Memory.Module + ".hex")), overwrite: true);
        }
    }

    private static List<Metric> Metrics(IReadOnlyList<MemoryPlan> plans)
    {
        var metrics = new List<Metric>
        {
            new("memory_area_um2", plans.Sum(p => p.AreaUm2), "um2"),
            new("macro_count", plans.Sum(p => p.Macros.Count)),
            new("memory_leakage_mw", plans.Sum(p => p.LeakageUw) / 1000, "mW"),
            new("memory_energy_per_inference_uj", plans.Sum(p => p.EnergyPerInferencePj) / 1e6, "uJ"),
        };
        foreach (var p in plans)
        {
            var name = MetricName(p.Memory.Name);
            metrics.Add(new($"mem_{name}_read_pj", p.ReadEnergyPj, "pJ"));
            if (p.Memory.Kind == MemoryKind.Sram) metrics.Add(new($"mem_{name}_write_pj", p.WriteEnergyPj, "pJ"));
            metrics.Add(new($"mem_{name}_area_um2", p.AreaUm2, "um2"));
        }
        return metrics;
    }

    private static string MetricName(string name)
    {
        var sb = new StringBuilder();
        foreach (var c in name) sb.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLower(c, CultureInfo.InvariantCulture) : '_');
        return sb.ToString();
    }
}
