using System.Text.Json;
using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Tests.Support;

namespace FlowRunner.Engine.Tests;

public class ExecutorTests
{
    private const string Diamond = """
        name: diamond
        params: { left: "L", right: "R" }
        stages:
          - { id: l, kind: test.emit, with: { value: "${params.left}" } }
          - { id: r, kind: test.emit, with: { value: "${params.right}" } }
          - { id: join, kind: test.sum, needs: [l, r] }
          - { id: top, kind: test.sum, needs: [join] }
        """;

    [Fact]
    public async Task A_run_writes_stage_folders_metrics_logs_and_a_manifest()
    {
        using var ws = new Workspace();
        var s = await ws.RunAsync(ws.Write("d.yaml", Diamond));
        Assert.Equal(0, s.ExitCode);
        Assert.Equal(4, s.Count(StageStatus.Done));
        var join = Path.Combine(s.RunDirectory, "p000", "join");
        Assert.Equal("L+R", File.ReadAllText(Path.Combine(join, "value.txt")));
        Assert.True(File.Exists(Path.Combine(join, "metrics.json")));
        Assert.Contains("stage 'join' (test.sum)", File.ReadAllText(Path.Combine(join, "stage.log")));
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(s.RunDirectory, "run.json")));
        var root = manifest.RootElement;
        Assert.Equal("succeeded", root.GetProperty("status").GetString());
        Assert.Equal(Environment.MachineName, root.GetProperty("host").GetString());
        Assert.Equal(4, root.GetProperty("points")[0].GetProperty("stages").GetArrayLength());
        Assert.Equal("L", root.GetProperty("resolved").GetProperty("stages")[0].GetProperty("with").GetProperty("value").GetString());
    }

    [Fact]
    public async Task A_second_run_is_all_cached_and_a_changed_option_reruns_only_its_stage_and_what_follows()
    {
        using var ws = new Workspace();
        var f = ws.Write("d.yaml", Diamond);
        await ws.RunAsync(f);
        var again = await ws.RunAsync(f);
        Assert.Equal(4, again.Count(StageStatus.Cached));
        Assert.Equal(1, ws.Runs("l"));
        Assert.Equal("L+R", File.ReadAllText(Path.Combine(again.RunDirectory, "p000", "join", "value.txt")));

        var changed = await ws.RunAsync(f, null, "right=Q");
        Assert.Equal(StageStatus.Cached, changed.Stages.Single(x => x.StageId == "l").Status);
        Assert.Equal(["r", "join", "top"], changed.Stages.Where(x => x.Status == StageStatus.Done).Select(x => x.StageId).Order().ToArray().OrderBy(x => x == "r" ? 0 : x == "join" ? 1 : 2));
        Assert.Equal("L+Q", File.ReadAllText(Path.Combine(changed.RunDirectory, "p000", "join", "value.txt")));
    }

    [Fact]
    public async Task Same_upstream_output_keeps_downstream_cached()
    {
        using var ws = new Workspace();
        // The seed changes a's key but not its output, so b's inputs are the same and b stays cached.
        var f = ws.Write("s.yaml", "name: s\nparams: { seed: 1 }\nstages:\n  - { id: a, kind: test.emit, with: { seed: \"${params.seed}\" } }\n  - { id: b, kind: test.sum, needs: [a] }\n");
        await ws.RunAsync(f);
        var s = await ws.RunAsync(f, null, "seed=2");
        Assert.Equal(StageStatus.Done, s.Stages.Single(x => x.StageId == "a").Status);
        Assert.Equal(StageStatus.Cached, s.Stages.Single(x => x.StageId == "b").Status);
    }

    [Fact]
    public async Task Force_and_from_rerun_what_they_name()
    {
        using var ws = new Workspace();
        var f = ws.Write("d.yaml", Diamond);
        await ws.RunAsync(f);
        var forced = await ws.RunAsync(f, new ExecutorOptions { Force = true });
        Assert.Equal(4, forced.Count(StageStatus.Done));
        var from = await ws.RunAsync(f, new ExecutorOptions { FromStage = "join" });
        Assert.Equal(["join", "top"], from.Stages.Where(x => x.Status == StageStatus.Done).Select(x => x.StageId).Order());
        await Assert.ThrowsAsync<ArgumentException>(() => ws.RunAsync(f, new ExecutorOptions { FromStage = "nope" }));
    }

    [Fact]
    public async Task A_failed_stage_skips_its_dependents_lets_others_finish_keeps_its_log_and_is_never_cached()
    {
        using var ws = new Workspace();
        var f = ws.Write("f.yaml", """
            name: f
            stages:
              - { id: ok, kind: test.emit }
              - { id: bad, kind: test.fail, with: { message: "liberty.lib:12: bad group" } }
              - { id: after, kind: test.sum, needs: [bad] }
              - { id: alone, kind: test.sum, needs: [ok] }
            """);
        var s = await ws.RunAsync(f);
        Assert.Equal(1, s.ExitCode);
        var bad = s.Stages.Single(x => x.StageId == "bad");
        Assert.Equal(StageStatus.Failed, bad.Status);
        Assert.Equal("liberty.lib:12: bad group", bad.Error);
        Assert.Contains("about to fail", File.ReadAllText(Path.Combine(bad.Directory!, "stage.log")));
        Assert.Equal(StageStatus.Skipped, s.Stages.Single(x => x.StageId == "after").Status);
        Assert.Equal(StageStatus.Done, s.Stages.Single(x => x.StageId == "alone").Status);

        var again = await ws.RunAsync(f);
        Assert.Equal(2, ws.Runs("bad"));
        Assert.Equal(StageStatus.Cached, again.Stages.Single(x => x.StageId == "ok").Status);
    }

    [Fact]
    public async Task Independent_stages_run_at_the_same_time()
    {
        using var ws = new Workspace();
        var group = Guid.NewGuid().ToString("N");
        var f = ws.Write("p.yaml", $"name: p\nstages:\n  - {{ id: a, kind: test.meet, with: {{ group: {group}, tag: a }} }}\n  - {{ id: b, kind: test.meet, with: {{ group: {group}, tag: b }} }}\n");
        var s = await ws.RunAsync(f, new ExecutorOptions { Jobs = 2 });
        Assert.True(s.ExitCode == 0, string.Join("; ", s.Stages.Select(x => x.Error)));
    }

    [Fact]
    public async Task A_stage_gets_the_cores_shared_among_the_stages_computing_when_it_starts()
    {
        using var ws = new Workspace();
        var group = Guid.NewGuid().ToString("N");
        var f = ws.Write("t.yaml", $"name: t\nstages:\n  - {{ id: a, kind: test.meet, with: {{ group: {group}, tag: a }} }}\n  - {{ id: b, kind: test.meet, with: {{ group: {group}, tag: b }} }}\n");
        var s = await ws.RunAsync(f, new ExecutorOptions { Jobs = 2 });
        Assert.Equal(0, s.ExitCode);
        static int Threads(StageRecord r) => int.Parse(System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(r.Directory!, "stage.log")), @"(\d+) thread\(s\)").Groups[1].Value);
        // The two stages wait for each other, so the second starts while the first computes: the first had every core, the second its share.
        var cores = Environment.ProcessorCount;
        Assert.Equal(new[] { Math.Max(1, cores / 2), cores }.OrderBy(x => x), s.Stages.Select(Threads).OrderBy(x => x));

        // A fixed --threads; the thread count is not part of the cache key, so new stages (a new group) show it.
        var other = ws.Write("u.yaml", File.ReadAllText(f).Replace(group, group + "u").Replace("name: t", "name: u"));
        var fixedThreads = await ws.RunAsync(other, new ExecutorOptions { Jobs = 2, ThreadsPerStage = 3 });
        Assert.All(fixedThreads.Stages, r => Assert.Equal(3, Threads(r)));
        Assert.Equal(cores, new ExecutorOptions { Jobs = 8 }.StageThreads(1));
        Assert.Equal(Math.Max(1, cores / 8), new ExecutorOptions { Jobs = 8 }.StageThreads(20));
    }

    [Fact]
    public void The_cache_key_names_the_code_an_adapter_runs()
    {
        // Stages of the test assembly run the test assembly's code and the engine's; engine-only code is a different set.
        var stages = CacheKey.CodeId(typeof(TestStages).Assembly);
        Assert.Equal(stages, CacheKey.CodeId(typeof(TestStages).Assembly));
        Assert.NotEqual(stages, CacheKey.CodeId(typeof(Executor).Assembly));
        Assert.Matches("^[0-9a-f]{64}$", stages);
    }

    [Fact]
    public async Task Design_points_that_share_a_stage_run_it_once()
    {
        using var ws = new Workspace();
        var f = ws.Write("sw.yaml", """
            name: sw
            params: { v: "a", n: 1 }
            stages:
              - { id: shared, kind: test.emit, with: { value: "${params.v}" } }
              - { id: per, kind: test.emit, needs: [shared], with: { count: "${params.n}" } }
            sweep:
              grid: { n: [1, 2, 3] }
            """);
        var s = await ws.RunAsync(f);
        Assert.Equal(0, s.ExitCode);
        Assert.Equal(1, ws.Runs("shared"));
        Assert.Equal(3, ws.Runs("per"));
        Assert.All(new[] { "p000", "p001", "p002" }, p => Assert.True(File.Exists(Path.Combine(s.RunDirectory, p, "shared", "value.txt"))));
    }

    [Fact]
    public async Task A_half_written_temporary_folder_is_never_taken_as_a_result()
    {
        using var ws = new Workspace();
        var f = ws.Write("d.yaml", Diamond);
        var first = await ws.RunAsync(f);
        // What a SIGKILL leaves behind: the stage's final folder missing, a temporary one half written.
        var key = first.Stages.Single(x => x.StageId == "top").CacheDirectory!;
        var tmp = Path.Combine(ws.Root, ".flowrunner", "cache", "tmp", "dead-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(tmp);
        File.WriteAllText(Path.Combine(tmp, "value.txt"), "half");
        Directory.Delete(key, true);
        var again = await ws.RunAsync(f);
        Assert.Equal(StageStatus.Done, again.Stages.Single(x => x.StageId == "top").Status);
        Assert.Equal(3, again.Count(StageStatus.Cached));
        Assert.Equal("L+R", File.ReadAllText(Path.Combine(again.RunDirectory, "p000", "top", "value.txt")));
    }
}
