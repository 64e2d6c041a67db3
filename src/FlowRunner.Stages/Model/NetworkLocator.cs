using FlowRunner.Abstractions;
using FlowRunner.Models.Network;

namespace FlowRunner.Stages.Model;

/// <summary>Finds the network description a recipe names: a path relative to the recipe; when no such file exists and the name is that of a
/// built-in network (mnist-cnn.yaml), the built-in copy, said so in the log.</summary>
public static class NetworkLocator
{
    public static NetworkSpec Load(StageContext c, string option)
    {
        var path = c.ResolvePath(option);
        if (File.Exists(path)) return NetworkSpec.Load(path);
        if (ReferenceNetworks.IsBuiltIn(Path.GetFileName(path)))
        {
            c.Log.Info($"{path} not found: using the built-in reference network {Path.GetFileName(path)}");
            return ReferenceNetworks.Load(Path.GetFileName(path));
        }
        throw new StageFailedException($"stage '{c.StageId}': network description {path} not found (option 'network')");
    }
}
