using CliWrap;
using CliWrap.Buffered;

namespace FlowRunner.Engine.Cluster;

/// <summary>A private one-node Slurm cluster on this machine (Debian's slurm-wlm and munge, run as root), for tests and benchmarks:
/// slurmctld and slurmd with state and spool folders under a temporary folder, stopped by their PID files.</summary>
public sealed class LocalSlurmCluster : IAsyncDisposable
{
    private LocalSlurmCluster(string folder) => Folder = folder;

    public string Folder { get; }

    /// <summary>The slurm.conf to give clients as SLURM_CONF.</summary>
    public string Config => Path.Combine(Folder, "slurm.conf");

    public static async Task<LocalSlurmCluster> StartAsync(CancellationToken ct = default)
    {
        var c = new LocalSlurmCluster(Path.Combine(Path.GetTempPath(), "flowrunner-slurm-" + Guid.NewGuid().ToString("N")[..8]));
        Directory.CreateDirectory(Path.Combine(c.Folder, "state"));
        Directory.CreateDirectory(Path.Combine(c.Folder, "spool"));
        var host = (await Cli.Wrap("hostname").WithArguments(["-s"]).ExecuteBufferedAsync(ct)).StandardOutput.Trim();
        await File.WriteAllTextAsync(c.Config, $"""
            ClusterName=flowrunner
            SlurmctldHost={host}
            SlurmUser=root
            SlurmdUser=root
            AuthType=auth/munge
            StateSaveLocation={c.Folder}/state
            SlurmdSpoolDir={c.Folder}/spool
            SlurmctldPidFile={c.Folder}/slurmctld.pid
            SlurmdPidFile={c.Folder}/slurmd.pid
            SlurmctldLogFile={c.Folder}/slurmctld.log
            SlurmdLogFile={c.Folder}/slurmd.log
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            SelectType=select/cons_tres
            SelectTypeParameters=CR_CPU
            ReturnToService=2
            MpiDefault=none
            NodeName={host} CPUs={Environment.ProcessorCount} State=UNKNOWN
            PartitionName=debug Nodes={host} Default=YES MaxTime=INFINITE State=UP
            """, ct);
        Directory.CreateDirectory("/run/munge");
        // munged refuses to start twice; one already running is fine.
        await Cli.Wrap("munged").WithArguments(["--force"]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(ct);
        await c.Daemon("slurmctld", ct);
        await c.Daemon("slurmd", ct);
        for (var i = 0; i < 150; i++)
        {
            var info = await Cli.Wrap("sinfo").WithArguments(["-h", "-o", "%T"]).WithEnvironmentVariables(e => e.Set("SLURM_CONF", c.Config))
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(ct);
            if (info.ExitCode == 0 && info.StandardOutput.Contains("idle")) return c;
            await Task.Delay(200, ct);
        }
        await c.DisposeAsync();
        throw new InvalidOperationException("the Slurm node never became idle; see the logs in " + c.Folder);
    }

    private async Task Daemon(string tool, CancellationToken ct)
    {
        var r = await Cli.Wrap(tool).WithArguments(["-f", Config]).WithEnvironmentVariables(e => e.Set("SLURM_CONF", Config))
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(ct);
        if (r.ExitCode != 0) throw new InvalidOperationException($"{tool} failed to start: {r.StandardError.Trim()}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var pidFile in new[] { "slurmd.pid", "slurmctld.pid" }.Select(f => Path.Combine(Folder, f)).Where(File.Exists))
            await Cli.Wrap("kill").WithArguments([File.ReadAllText(pidFile).Trim()]).WithValidation(CommandResultValidation.None).ExecuteAsync();
        await Task.Delay(500);
        try { Directory.Delete(Folder, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
