using System.Diagnostics;
using FlowRunner.Engine;
using FlowRunner.Engine.Cluster;
using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Recipes;
using Spectre.Console;

namespace FlowRunner.Cli.Bench;

/// <summary>A 20-point sweep (one shared model, 20 bit-accurate accuracy points) through the local executor and through Slurm: both times and
/// the Slurm overhead per point. Uses the cluster named by SLURM_CONF, or starts a private one-node cluster (needs root, slurm-wlm and munge).</summary>
internal static class SlurmBench
{
    public static async Task<int> RunAsync(BenchOptions o, CancellationToken ct)
    {
        LocalSlurmCluster? own = null;
        if (Environment.GetEnvironmentVariable("SLURM_CONF") is not { Length: > 0 })
        {
            try { own = await LocalSlurmCluster.StartAsync(ct); }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                Console.Error.WriteLine($"no Slurm cluster: SLURM_CONF is not set and a private one could not start ({e.Message}); install slurm-wlm and munge and run as root");
                return 2;
            }
            Environment.SetEnvironmentVariable("SLURM_CONF", own.Config);
        }
        try
        {
            var points = o.Quick ? 6 : 20;
            var recipe = Path.Combine(o.WorkDirectory, "bench-slurm.yaml");
            File.Copy(Path.Combine(AppContext.BaseDirectory, "mnist-cnn.yaml"), Path.Combine(o.WorkDirectory, "mnist-cnn.yaml"), overwrite: true);
            await File.WriteAllTextAsync(recipe, $$"""
                name: bench-slurm
                params: { word: 8, limit: 300 }
                stages:
                  - { id: model, kind: model.train, with: { network: mnist-cnn.yaml, epochs: 1, train_limit: 1000, test_limit: "${params.limit}" } }
                  - { id: accuracy, kind: model.accuracy, needs: [model], with: { format: "ac_fixed<${params.word},4,true,AC_RND,AC_SAT>" } }
                sweep:
                  grid: { word: [{{string.Join(", ", Enumerable.Range(5, points))}}] }
                """, ct);
            using var sp = GlobalOptions.BuiltInServices();
            var registry = GlobalOptions.Registry(sp);
            var options = new ExecutorOptions { Workspace = o.WorkDirectory, Jobs = Environment.ProcessorCount };

            // Fetch the dataset once, outside the timings.
            await new Executor(registry, options, NullRunObserver.Instance).RunAsync(RunPlanner.PlanFile(recipe, ["limit=10"], registry), ct);

            // The local run goes before and after the Slurm runs (the host's load drifts; this machine is shared) and their mean is the peer.
            async Task<(TimeSpan Time, RunSummary Summary)> Local(int limit)
            {
                var sw = Stopwatch.StartNew();
                var summary = await new Executor(registry, options, NullRunObserver.Instance).RunAsync(RunPlanner.PlanFile(recipe, [$"limit={limit}"], registry), ct);
                return (sw.Elapsed, summary);
            }
            var (before, l) = await Local(300);
            // One point a task (a flowrunner process per point), then several points a task; each run has its own limit, so nothing is cached across them.
            var batch = o.Quick ? 3 : 5;
            var t = new Table().Border(TableBorder.Rounded).AddColumns("executor", "points", "tasks", "status", "time", "per point", "overhead per point");
            var ok = l.ExitCode == 0;
            var slurmRuns = new List<(int K, TimeSpan Time, RunSummary Summary)>();
            foreach (var (k, limit) in new[] { (1, 301), (batch, 302) })
            {
                var slurmOptions = new SlurmOptions(Commands.RunCommand.SelfCommand(), o.WorkDirectory, recipe, [$"limit={limit}"], Environment.ProcessorCount, [],
                    TimeSpan.FromMilliseconds(500), PointsPerTask: k);
                var slurm = Stopwatch.StartNew();
                var s = await new SlurmExecutor(slurmOptions, NullRunObserver.Instance).RunAsync(RunPlanner.PlanFile(recipe, [$"limit={limit}"], registry), ct);
                slurm.Stop();
                slurmRuns.Add((k, slurm.Elapsed, s));
                ok &= s.ExitCode == 0;
            }
            var (after, l2) = await Local(303);
            ok &= l2.ExitCode == 0;
            var local = (before + after) / 2;
            t.AddRow("local (mean of before and after)", points.ToString(), "-", l.Status, $"{local.TotalSeconds:F1} s ({before.TotalSeconds:F1} / {after.TotalSeconds:F1})", $"{local.TotalSeconds / points:F2} s", "-");
            foreach (var (k, time, s) in slurmRuns)
            {
                var overhead = (time - local).TotalSeconds / points;
                var label = k == 1 ? "" : $", {k} points a task";
                o.Figures.Add($"sweep time, slurm{label}", time.TotalSeconds, "s", Environment.ProcessorCount, "local executor", local.TotalSeconds);
                o.Figures.Add($"slurm overhead per point{label}", overhead, "s", Environment.ProcessorCount, k == 1 ? null : "target", k == 1 ? null : 0.3);
                t.AddRow($"slurm (job array{label})", points.ToString(), ((points + k - 1) / k).ToString(), s.Status, $"{time.TotalSeconds:F1} s",
                    $"{time.TotalSeconds / points:F2} s", $"{overhead:F2} s");
            }
            AnsiConsole.Write(t);
            Console.WriteLine("Slurm overhead per point = (Slurm time - local time) / points: each task starts flowrunner, plans the recipe and loads the dataset once (target < 0.3 s with several points a task)");
            return ok ? 0 : 1;
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
                Environment.SetEnvironmentVariable("SLURM_CONF", null);
            }
        }
    }
}
