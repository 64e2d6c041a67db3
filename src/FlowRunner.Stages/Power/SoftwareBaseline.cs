using System.Text.Json.Serialization;
using FlowRunner.Abstractions;
using FlowRunner.Models.Network;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace FlowRunner.Stages.Power;

/// <summary>A software host processor as described by tech/software/&lt;core&gt;.yaml: clock, power, area, data-access energy and cycles per
/// operation.</summary>
public sealed class SoftwareCore
{
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public double ClockMhz { get; set; }
    public double PowerMw { get; set; }
    public double AreaUm2 { get; set; }
    public double DataAccessPj { get; set; }
    public Dictionary<string, double> Cycles { get; set; } = [];

    /// <summary>Default file: tech/software/rv32imf.yaml beside the tech folders.</summary>
    public const string DefaultFile = "software/rv32imf.yaml";

    public static readonly IReadOnlyList<string> Operations = ["load", "store", "move", "fmul", "fadd", "fmadd", "compare", "div", "exp", "loop_overhead"];

    public static SoftwareCore Load(string file)
    {
        if (!File.Exists(file)) throw new StageFailedException($"software core description '{file}' does not exist");
        SoftwareCore core;
        try
        {
            core = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build()
                .Deserialize<SoftwareCore>(File.ReadAllText(file)) ?? throw new StageFailedException($"{file}: empty");
        }
        catch (YamlException e)
        {
            throw new StageFailedException($"{file}:{e.Start.Line}:{e.Start.Column}: {e.InnerException?.Message ?? e.Message}");
        }
        if (core.ClockMhz <= 0) throw new StageFailedException($"{file}: clock_mhz must be positive");
        if (core.PowerMw < 0 || core.DataAccessPj < 0) throw new StageFailedException($"{file}: power_mw and data_access_pj must be zero or more");
        var missing = Operations.Where(o => !core.Cycles.ContainsKey(o)).ToList();
        if (missing.Count > 0) throw new StageFailedException($"{file}: cycles: missing {string.Join(", ", missing)}");
        return core;
    }
}

/// <summary>The software baseline of one inference: operation counts, cycles, latency, energy and power.</summary>
public sealed record SoftwareEstimate(
    string Core,
    long Cycles,
    long Macs,
    long Loads,
    long Stores,
    double LatencyUs,
    [property: JsonPropertyName("energy_per_inference_uj")] double EnergyUj,
    double PowerMw,
    double AreaUm2);

/// <summary>Prices a network's float inference on a <see cref="SoftwareCore"/> from its operation counts (the formulas are in rv32imf.yaml).</summary>
public static class SoftwareBaseline
{
    public static SoftwareEstimate Estimate(NetworkSpec spec, SoftwareCore core)
    {
        double C(string op) => core.Cycles[op];
        double cycles = 0;
        long loads = 0, stores = 0, macs = 0;
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            var l = spec.Layers[i];
            var outShape = spec.Shapes[i];
            var inShape = spec.InputShape(i);
            switch (l.Kind)
            {
                case LayerKind.Conv2D:
                case LayerKind.Dense:
                    long m = (long)outShape.Size * spec.FanIn(i);
                    macs += m;
                    cycles += m * (2 * C("load") + C("fmadd") + C("loop_overhead")) + outShape.Size * (C("move") + C("store") + C("loop_overhead"));
                    loads += 2 * m;
                    stores += outShape.Size;
                    break;
                case LayerKind.ReLU:
                    cycles += inShape.Size * (C("load") + C("compare") + C("store") + C("loop_overhead"));
                    loads += inShape.Size;
                    stores += inShape.Size;
                    break;
                case LayerKind.MaxPool2D:
                    var window = (long)l.Pool * l.Pool;
                    cycles += outShape.Size * (window * (C("load") + C("compare")) + C("store") + C("loop_overhead"));
                    loads += outShape.Size * window;
                    stores += outShape.Size;
                    break;
                case LayerKind.Softmax:
                    var n = inShape.Size;
                    cycles += n * (C("exp") + C("fadd") + C("loop_overhead")) + C("div") + n * (C("fmul") + C("store") + C("loop_overhead"));
                    stores += n;
                    break;
            }
        }
        var latencyUs = cycles / core.ClockMhz;
        var energyUj = core.PowerMw * latencyUs * 1e-3 + (loads + stores) * core.DataAccessPj * 1e-6;
        return new SoftwareEstimate(core.Name, (long)cycles, macs, loads, stores, latencyUs, energyUj, energyUj / latencyUs * 1e3, core.AreaUm2);
    }
}
