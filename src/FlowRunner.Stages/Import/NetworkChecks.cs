using FlowRunner.Engine.Recipes;
using FlowRunner.Hls.Architecture;
using FlowRunner.Import;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Stages.Model;

namespace FlowRunner.Stages.Import;

/// <summary>What `flowrunner validate` checks beyond the recipe, before anything runs: every network a model stage names (model.train's
/// `network`, model.import's `file` and `weights`) reads, and, when an hls.emit stage follows, that the accelerator generator can build it
/// (the layer it cannot build is named, with why).</summary>
public static class NetworkChecks
{
    public static IReadOnlyList<string> Check(IReadOnlyList<ResolvedStage> stages, string recipeDirectory)
    {
        var errors = new List<string>();
        var networks = new Dictionary<string, NetworkSpec>();
        foreach (var s in stages)
        {
            string Option(string key) => s.Options.TryGetValue(key, out var v) && v is not null ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)!
                : s.Kind.Options.FirstOrDefault(o => o.Key == key)?.Default as string ?? "";
            string Path(string p) => System.IO.Path.GetFullPath(System.IO.Path.Combine(recipeDirectory, p));
            try
            {
                switch (s.Kind.Kind)
                {
                    case ModelTrainStage.KindName:
                        var file = Path(Option("network"));
                        networks[s.Id] = File.Exists(file) || !ReferenceNetworks.IsBuiltIn(System.IO.Path.GetFileName(file))
                            ? NetworkSpec.Load(file) : ReferenceNetworks.Load(System.IO.Path.GetFileName(file));
                        break;
                    case ModelImportStage.KindName:
                        var weights = Option("weights");
                        networks[s.Id] = ModelImporter.Import(Path(Option("file")), weights.Length > 0 ? Path(weights) : null).Spec;
                        break;
                }
            }
            catch (ModelFormatException e) { errors.AddRange(e.Errors.Select(x => $"stage '{s.Id}' ({s.Kind.Kind}): {x}")); }
        }
        foreach (var s in stages.Where(s => s.Kind.Kind == Hls.HlsEmitStage.KindName))
        {
            var model = s.Upstream.FirstOrDefault(networks.ContainsKey);
            if (model is null) continue;
            var spec = networks[model];
            var cannot = $"stage '{s.Id}' ({s.Kind.Kind}) cannot build network '{spec.Name}' of stage '{model}': ";
            try
            {
                // The stage's own formats and bus when they are known before anything runs: a `format` option, or an imported model (its
                // formats are the description's). A trained model's QAT format is known only once it has trained: default directives.
                var imported = stages.First(x => x.Id == model).Kind.Kind == ModelImportStage.KindName;
                var format = FixedFormatOption(s, "format");
                var known = imported || format is not null;
                var defaults = FormatDefaults.For(spec, format, FixedFormatOption(s, "accum_format"), null);
                var directives = known ? new Directives(IntOption(s, "bus_bits", 32), IntOption(s, "lanes", 0)) : new Directives();
                Accelerator.Plan(new BitAccurateNetwork(new FloatNetwork(spec), defaults), directives);
            }
            catch (HlsException e) { errors.Add(cannot + e.Message); }
            catch (ModelFormatException e) { errors.Add(cannot + e.Message); }
            catch (Numerics.Formats.FixedFormatException) { } // the stage's own option check names a malformed format when it runs
        }
        return errors;
    }

    private static Numerics.Formats.FixedFormat? FixedFormatOption(ResolvedStage s, string key) =>
        s.Options.TryGetValue(key, out var v) && v is string { Length: > 0 } text && !string.IsNullOrWhiteSpace(text) ? Numerics.Formats.FixedFormat.Parse(text) : null;

    private static int IntOption(ResolvedStage s, string key, int fallback) =>
        s.Options.TryGetValue(key, out var v) && v is long l ? (int)l : s.Options.TryGetValue(key, out var w) && w is int i ? i : fallback;
}
