using FlowRunner.Abstractions;
using FlowRunner.Models.Datasets;

namespace FlowRunner.Stages.Model;

/// <summary>The dataset host of stages and benchmarks: npm runs through the engine's tool runner (logged, retried, in replay.sh) and
/// messages go to the stage log.</summary>
public sealed class ToolDatasetHost(string dataDirectory, IToolRunner tools, IStageLog log) : IDatasetHost
{
    /// <summary>The host of a running stage: its shared data folder, tool runner and log.</summary>
    public static ToolDatasetHost Of(StageContext c) => new(c.DataDirectory, c.Tools, c.Log);

    public string DataDirectory => dataDirectory;

    public async Task InstallNpmPackageAsync(string package, string prefix, CancellationToken ct) =>
        await tools.RunAsync(new ToolInvocation("npm", ["install", package, "--prefix", prefix, "--no-audit", "--no-fund", "--no-save", "--loglevel=error"])
        {
            WorkingDirectory = prefix,
            IsTransient = r => r.ExitCode != 0, // the registry can hiccup
        }, ct);

    public void Info(string message) => log.Info(message);

    public void Progress(double fraction, string status) => log.Progress(fraction, status);
}
