using System.Reflection;

namespace FlowRunner.Models.Network;

/// <summary>Network descriptions built into FlowRunner: mnist-cnn.yaml, the reference network of the MNIST accelerator (a copy of
/// flows/models/mnist-cnn.yaml).</summary>
public static class ReferenceNetworks
{
    public const string MnistCnn = "mnist-cnn.yaml";

    public static bool IsBuiltIn(string fileName) => fileName == MnistCnn;

    /// <summary>The YAML text of a built-in description.</summary>
    public static string Text(string name)
    {
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new ArgumentException($"no built-in network '{name}' (built in: {MnistCnn})");
        return new StreamReader(s).ReadToEnd();
    }

    public static NetworkSpec Load(string name) => NetworkSpec.Parse(Text(name), name + " (built in)");
}
