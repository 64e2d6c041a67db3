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
            catch (ModelFormatException e) { errors.Add($"stage '{s.Id}' ({s.Kind.Kind}): {e.Message}"); }
        }
        foreach (var s in stages.Where(s => s.Kind.Kind == Hls.HlsEmitStage.KindName))
        {
            var model = s.Upstream.FirstOrDefault(networks.ContainsKey);
            if (model is null) continue;
            var spec = networks[model];
            try { Accelerator.Plan(new BitAccurateNetwork(new FloatNetwork(spec), FormatDefaults.For(spec)), new Directives()); }
            catch (HlsException e) { errors.Add($"stage '{s.Id}' ({s.Kind.Kind}) cannot build network '{spec.Name}' of stage '{model}': {e.Message}"); }
            catch (ModelFormatException e) { errors.Add($"stage '{s.Id}' ({s.Kind.Kind}) cannot build network '{spec.Name}' of stage '{model}': {e.Message}"); }
        }
        return errors;
    }
}
