using FlowRunner.Engine.Cluster;

namespace FlowRunner.Cli.Tests;

/// <summary>A real one-node Slurm cluster for the tests of this class (started and cleaned up by FlowRunner's own LocalSlurmCluster).</summary>
public sealed class SlurmCluster : IAsyncLifetime
{
    private LocalSlurmCluster? _cluster;

    public string Config => _cluster!.Config;

    public async Task InitializeAsync() => _cluster = await LocalSlurmCluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}
