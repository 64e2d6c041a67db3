using FlowRunner.Abstractions;
using FlowRunner.Stages.Model;
using FlowRunner.Stages.Power;

using FlowRunner.Stages.Hls;

namespace FlowRunner.Stages.Report;

/// <summary>The in-process adapter of `report`: gathers the upstream metrics of the point and writes its PPA table.</summary>
public sealed class ReportAdapter : IToolAdapter
{
    public string StageKind => ReportStage.KindName;
    public string Id => "inprocess";
    public int Priority => 10;
    public IReadOnlyList<string> RequiredTools => [];

    public Task<IReadOnlyList<ToolInfo>> ProbeAsync(IToolLocator locator, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ToolInfo>>([]);

    public async Task<StageResult> RunAsync(StageContext context, CancellationToken cancellationToken)
    {
        var power = context.View(Views.Power);
        var m = Gather(context);
        var format = Format(context);
        var title = context.Options.String("title") is { Length: > 0 } t ? t
            : $"PPA of design point {context.PointId}: {format ?? "fixed point"}, {(m.TryGetValue("lanes", out var l) ? $"{l:0} lane(s)" : "lanes unknown")}";
        var rows = new List<PpaRow>();
        if (PpaTable.Software(m) is { } sw) rows.Add(sw);
        rows.Add(PpaTable.Hardware($"hardware {context.PointId} ({power.Adapter})", m, format));
        await File.WriteAllTextAsync(context.PathOf("ppa.md"), PpaTable.Markdown(title, rows), cancellationToken);
        await File.WriteAllTextAsync(context.PathOf("ppa.csv"), PpaTable.Csv(rows), cancellationToken);
        context.Log.Info(string.Join("; ", rows.Select(r => $"{r.Design}: {r.LatencyUs:G4} us, {r.PowerMw:G3} mW, {r.EnergyUj:G4} uJ")));

        var metrics = new List<Metric>();
        foreach (var key in new[] { "accuracy", "qat_accuracy", "latency_us", "power_mw", "area_um2", "energy_per_inference_uj", "speedup_vs_software", "energy_ratio_vs_software" })
            if (m.TryGetValue(key, out var v)) metrics.Add(new Metric(key, v, Unit(key)));
        return new StageResult(metrics,
        [
            new Artifact("ppa_md", "ppa.md", "PPA table of the point against the software baseline (Markdown)"),
            new Artifact("ppa_csv", "ppa.csv", "the same table as CSV, metric names as column names"),
        ]);
    }

    /// <summary>The point's metrics by plain name: the nearest stage giving a name wins (direct needs come first); accuracy comes from a
    /// model.accuracy stage that measured weights trained without QAT, qat_accuracy from one that measured QAT-trained weights at the same
    /// format.</summary>
    internal static Dictionary<string, double> Gather(StageContext c)
    {
        var m = new Dictionary<string, double>();
        foreach (var input in c.Inputs.Where(i => i.Kind != ModelAccuracyStage.KindName))
            foreach (var metric in input.Metrics) m.TryAdd(metric.Name, metric.Value);
        var accuracies = c.Inputs.Where(i => i.Kind == ModelAccuracyStage.KindName).ToList();
        var qat = accuracies.FirstOrDefault(IsQat);
        var ptq = accuracies.FirstOrDefault(a => a != qat);
        if (ptq?.Metric("accuracy") is { } acc) m["accuracy"] = acc;
        if (ptq?.Metric("float_accuracy") is { } fa) m["float_accuracy"] = fa;
        // The QAT cell belongs to the row's format: a QAT stage measured at another format (a sweep sharing one fine-tuning) gives none.
        if (qat?.Metric("accuracy") is { } qa && (ptq is null || MeasuredFormat(qat) == MeasuredFormat(ptq))) m["qat_accuracy"] = qa;
        foreach (var k in new[] { "word_bits", "int_bits" })
            if ((ptq ?? qat)?.Metric(k) is { } v) m[k] = v;
        return m;
    }

    /// <summary>A model.accuracy stage measured QAT weights when its accuracy view says they were trained quantization-aware.</summary>
    private static bool IsQat(StageOutput s) => s.HasArtifact(Views.Accuracy.Name) && AccuracyRecord.Read(s.ArtifactPath(Views.Accuracy.Name)).QatTrained;

    private static string? MeasuredFormat(StageOutput s) => s.HasArtifact(Views.Accuracy.Name) ? AccuracyRecord.Read(s.ArtifactPath(Views.Accuracy.Name)).Format : null;

    private static string? Format(StageContext c)
    {
        var hls = c.FindView(Views.Schedule);
        if (hls is null) return null;
        try { return ScheduleFile.Read(hls.ArtifactPath(Views.Schedule.Name)).Record.Layers.FirstOrDefault()?.InputFormat; }
        catch (StageFailedException) { return null; }
    }

    private static string Unit(string key) => key switch
    {
        "latency_us" => "us",
        "power_mw" => "mW",
        "area_um2" => "um2",
        "energy_per_inference_uj" => "uJ",
        _ => "",
    };
}
