using CliWrap;
using CliWrap.Buffered;

namespace FlowRunner.Cli.Tests;

/// <summary>A real one-node Slurm cluster on this machine (Debian's slurm-wlm and munge, started as root), torn down by PID files.</summary>
public sealed class SlurmCluster : IAsyncLifetime
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "fr-slurm-" + Guid.NewGuid().ToString("N")[..8]);
    public string Config => Path.Combine(Folder, "slurm.conf");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(Folder, "state"));
        Directory.CreateDirectory(Path.Combine(Folder, "spool"));
        var host = (await CliWrap.Cli.Wrap("hostname").WithArguments(["-s"]).ExecuteBufferedAsync()).StandardOutput.Trim();
        File.WriteAllText(Config, $"""
            ClusterName=frtest
            SlurmctldHost={host}
            SlurmUser=root
            SlurmdUser=root
            AuthType=auth/munge
            StateSaveLocation={Folder}/state
            SlurmdSpoolDir={Folder}/spool
            SlurmctldPidFile={Folder}/slurmctld.pid
            SlurmdPidFile={Folder}/slurmd.pid
            SlurmctldLogFile={Folder}/slurmctld.log
            SlurmdLogFile={Folder}/slurmd.log
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            SelectType=select/cons_tres
            SelectTypeParameters=CR_CPU
            ReturnToService=2
            MpiDefault=none
            NodeName={host} CPUs={Environment.ProcessorCount} State=UNKNOWN
            PartitionName=debug Nodes={host} Default=YES MaxTime=INFINITE State=UP
            """);
        Directory.CreateDirectory("/run/munge");
        // munged refuses a second instance; an already running one is fine.
        await CliWrap.Cli.Wrap("munged").WithArguments(["--force"]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        await Run("slurmctld", "-f", Config);
        await Run("slurmd", "-f", Config);
        for (var i = 0; i < 100; i++)
        {
            var info = await CliWrap.Cli.Wrap("sinfo").WithArguments(["-h", "-o", "%T"]).WithEnvironmentVariables(e => e.Set("SLURM_CONF", Config))
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            if (info.ExitCode == 0 && info.StandardOutput.Contains("idle")) return;
            await Task.Delay(200);
        }
        throw new InvalidOperationException("the Slurm node never became idle; see " + Folder);
    }

    private async Task Run(string tool, params string[] args)
    {
        var r = await CliWrap.Cli.Wrap(tool).WithArguments(args).WithEnvironmentVariables(e => e.Set("SLURM_CONF", Config))
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        if (r.ExitCode != 0) throw new InvalidOperationException($"{tool} failed: {r.StandardError}");
    }

    public async Task DisposeAsync()
    {
        foreach (var pidFile in new[] { "slurmd.pid", "slurmctld.pid" }.Select(f => Path.Combine(Folder, f)).Where(File.Exists))
            await CliWrap.Cli.Wrap("kill").WithArguments([File.ReadAllText(pidFile).Trim()]).WithValidation(CommandResultValidation.None).ExecuteAsync();
        await Task.Delay(500);
        try { Directory.Delete(Folder, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
