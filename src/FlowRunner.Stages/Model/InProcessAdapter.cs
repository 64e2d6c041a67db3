using System.Globalization;
using FlowRunner.Abstractions;
using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Stages.Model;

/// <summary>Base of the in-process adapters of the model and accuracy stages: no tools to probe; options missing from the context take the
/// stage's declared defaults (so a hand-built context behaves like the engine's); model errors become stage errors naming the stage.</summary>
public abstract class InProcessAdapter(IStage stage) : IToolAdapter
{
    public string StageKind => stage.Kind;
    public string Id => "inprocess";
    public int Priority => 10;
    public virtual IReadOnlyList<string> RequiredTools => [];

    /// <summary>Programs the adapter runs when they are installed; probed with <see cref="VersionArguments"/>.</summary>
    public virtual IReadOnlyList<string> OptionalTools => [];

    /// <summary>The arguments that make a tool print its version.</summary>
    protected virtual IReadOnlyList<string> VersionArguments(string tool) => ["--version"];

    public async Task<IReadOnlyList<ToolInfo>> ProbeAsync(IToolLocator locator, CancellationToken ct)
    {
        var found = new List<ToolInfo>();
        foreach (var tool in RequiredTools.Concat(OptionalTools))
            found.Add(await Engine.Tools.ToolLocator.ProbeAsync(locator, tool, VersionArguments(tool), ct));
        return found;
    }

    public async Task<StageResult> RunAsync(StageContext context, CancellationToken ct)
    {
        var values = new Dictionary<string, object?>(context.Options.Values);
        foreach (var o in stage.Options)
            if (!values.ContainsKey(o.Key) || values[o.Key] is null) values[o.Key] = o.Key == "seed" ? (long)context.Seed : o.Default;
        try
        {
            return await Run(context, new StageOptions(context.Options.StageId, values), ct);
        }
        catch (Exception e) when (e is ModelFormatException or FixedFormatException)
        {
            throw new StageFailedException($"stage '{context.StageId}': {e.Message}");
        }
    }

    /// <summary>The stage's work, with every declared option present in <paramref name="o"/>.</summary>
    protected abstract Task<StageResult> Run(StageContext c, StageOptions o, CancellationToken ct);

    /// <summary>A logits format option (a format or "accumulator"); null when empty.</summary>
    protected static LogitsFormat? Logits(StageContext c, StageOptions o, string key)
    {
        var text = o.String(key);
        if (string.IsNullOrWhiteSpace(text)) return null;
        try { return LogitsFormat.Parse(text); }
        catch (FixedFormatException e) { throw new StageFailedException($"stage '{c.StageId}': option '{key}': {e.Message} (or \"accumulator\")"); }
    }

    /// <summary>The formats a stage computes with: its `format`, `accum_format` and `logits_format` options, else the quantization-aware
    /// training format recorded with the weights (the format they were tuned for), else the description's defaults.</summary>
    protected static FormatDefaults RunFormats(StageContext c, StageOptions o, ModelArtifacts model)
    {
        var format = Format(c, o, "format");
        var logits = Logits(c, o, "logits_format");
        if (format is null && model.Training?.QatFormat is { } qf)
        {
            format = FixedFormat.Parse(qf);
            logits ??= model.Training.QatLogitsFormat is { } ql ? LogitsFormat.Parse(ql) : null;
        }
        return FormatDefaults.For(model.Net.Spec, format, Format(c, o, "accum_format"), logits);
    }

    /// <summary>A format option ("ac_fixed&lt;8,4,true,AC_RND,AC_SAT&gt;", "8.4 rnd sat"); null when empty. Errors name the stage and option.</summary>
    protected static FixedFormat? Format(StageContext c, StageOptions o, string key)
    {
        var text = o.String(key);
        if (string.IsNullOrWhiteSpace(text)) return null;
        try { return FixedFormat.Parse(text); }
        catch (FixedFormatException e) { throw new StageFailedException($"stage '{c.StageId}': option '{key}': {e.Message}"); }
    }

    /// <summary>A list option of integers; an empty list or a value that is not an integer names the stage and option.</summary>
    protected static List<int> Ints(StageContext c, StageOptions o, string key)
    {
        var list = new List<int>();
        foreach (var v in o.List(key))
        {
            if (v is long or int || v is double d && d == Math.Floor(d) || v is string s && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                list.Add(Convert.ToInt32(v, CultureInfo.InvariantCulture));
            else throw new StageFailedException($"stage '{c.StageId}': option '{key}': '{v}' is not an integer");
        }
        if (list.Count == 0) throw new StageFailedException($"stage '{c.StageId}': option '{key}' is empty");
        return list;
    }
}
