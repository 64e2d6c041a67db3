using CliWrap.Buffered;
using FlowRunner.Engine.Cache;
using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Results;
using FlowRunner.Engine.Tests.Support;

namespace FlowRunner.Engine.Tests;

/// <summary>Names that become paths, a cache that is verified before it is trusted, full disks and interrupted runs (issue 16).</summary>
public class SafetyTests
{
    private const string Chain = """
        name: chain
        stages:
          - { id: a, kind: test.emit, with: { value: "A" } }
          - { id: b, kind: test.sum, needs: [a] }
        """;

    [Theory]
    [InlineData("name: \"..\"\nstages:\n  - { id: a, kind: test.emit }\n", 1, 7, "name '..'")]
    [InlineData("name: x\nstages:\n  - id: \"..\"\n    kind: test.emit\n", 3, 9, "stage id '..'")]
    [InlineData("name: x\nstages:\n  - id: .\n    kind: test.emit\n", 3, 9, "stage id '.'")]
    [InlineData("name: a/b\nstages:\n  - { id: a, kind: test.emit }\n", 1, 7, "path separator")]
    public void Names_that_would_leave_their_folder_are_recipe_errors_with_their_place(string yaml, int line, int column, string what)
    {
        using var ws = new Workspace();
        var e = Assert.Throws<RecipeException>(() => ws.Plan(ws.Write("r.yaml", yaml)));
        var err = Assert.Single(e.Errors, x => x.Message.Contains(what));
        Assert.Equal((line, column), (err.Mark.Line, err.Mark.Column));
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("../../x")]
    [InlineData("/tmp/fr-abs-run")]
    public async Task A_run_id_that_would_leave_runs_is_refused_and_nothing_is_written(string runId)
    {
        using var ws = new Workspace();
        var f = ws.Write("c.yaml", Chain);
        await Assert.ThrowsAsync<ArgumentException>(() => ws.RunAsync(f, new ExecutorOptions { RunId = runId }));
        Assert.False(Directory.Exists(Path.Combine(ws.Root, "runs")));
        Assert.False(Directory.Exists("/tmp/fr-abs-run"));
    }

    [Theory]
    [InlineData("../../escaped.txt", "")]
    [InlineData("/tmp/fr-escaped.txt", "")]
    [InlineData("ok.txt", "../../escaped.txt")]
    public async Task A_plugin_cannot_write_or_report_outside_its_stage_folder(string path, string artifact)
    {
        using var ws = new Workspace();
        var f = ws.Write("w.yaml", $"name: w\nstages:\n  - {{ id: w, kind: test.write, with: {{ path: \"{path}\", artifact: \"{artifact}\" }} }}\n");
        var s = await ws.RunAsync(f);
        var w = s.Stages.Single();
        Assert.Equal(StageStatus.Failed, w.Status);
        Assert.Contains("inside", w.Error);
        Assert.Empty(Directory.EnumerateFiles(ws.Root, "escaped.txt", SearchOption.AllDirectories));
        Assert.False(File.Exists("/tmp/fr-escaped.txt"));
    }

    [Theory]
    [InlineData("out.txt", "/etc/hostname", "")]
    [InlineData("root", "/", "root/etc/hostname")]
    [InlineData("up", "..", "")]
    public async Task A_plugin_output_that_is_a_link_out_of_its_stage_folder_fails_the_stage_and_nothing_is_kept(string path, string target, string artifact)
    {
        using var ws = new Workspace();
        var encoded = target.Replace("/", "|").Replace("..", "^");
        var f = ws.Write("w.yaml", $"name: w\nstages:\n  - {{ id: w, kind: test.write, with: {{ path: \"{path}\", link_to: \"{encoded}\", artifact: \"{artifact}\" }} }}\n");
        var s = await ws.RunAsync(f);
        var w = s.Stages.Single();
        Assert.Equal(StageStatus.Failed, w.Status);
        Assert.Contains($"'{path}', which links to {target}, outside its stage folder", w.Error);
        // Neither the cache nor the run folder holds the link (or what it points at).
        Assert.Empty(Links(ws.Root));
    }

    /// <summary>Every symbolic link below the folder, without following any.</summary>
    private static List<string> Links(string folder) =>
        [.. new DirectoryInfo(folder).EnumerateFileSystemInfos().SelectMany(e => e.LinkTarget is not null ? [e.FullName] : e is DirectoryInfo d ? Links(d.FullName) : [])];

    [Fact]
    public async Task A_plugin_output_linking_inside_its_stage_folder_is_kept()
    {
        using var ws = new Workspace();
        var f = ws.Write("w.yaml", "name: w\nstages:\n  - { id: w, kind: test.write, with: { path: \"alias.txt\", link_to: \"alias.txt.d\", artifact: \"alias.txt\" } }\n");
        var s = await ws.RunAsync(f);
        // A link to a missing name inside the folder is not an escape; the artifact check then reports it as not written.
        Assert.DoesNotContain("outside its stage folder", s.Stages.Single().Error ?? "");
    }

    [Fact]
    public async Task An_edited_cached_file_is_a_miss_the_stage_reruns_says_why_and_the_entry_is_replaced()
    {
        using var ws = new Workspace();
        var f = ws.Write("c.yaml", Chain);
        var first = await ws.RunAsync(f);
        var a = first.Stages.Single(x => x.StageId == "a");
        Assert.True(File.Exists(Path.Combine(a.CacheDirectory!, StageCache.ManifestName)));
        // Through the run folder's hard link, as a user editing runs/ would (root ignores the read-only bits).
        File.WriteAllText(Path.Combine(first.RunDirectory, "p000", "a", "value.txt"), "Z");

        var second = await ws.RunAsync(f);
        Assert.Equal(StageStatus.Done, second.Stages.Single(x => x.StageId == "a").Status);
        Assert.Equal(2, ws.Runs("a"));
        Assert.Contains("value.txt", File.ReadAllText(Path.Combine(second.RunDirectory, "p000", "a", "stage.log")));
        Assert.Equal("A", File.ReadAllText(Path.Combine(second.RunDirectory, "p000", "b", "value.txt")));

        var third = await ws.RunAsync(f);
        Assert.True(third.AllFromCache);
    }

    [Theory]
    [InlineData("value.txt")]
    [InlineData("metrics.json")]
    public async Task A_deleted_cached_file_is_a_miss(string file)
    {
        using var ws = new Workspace();
        var f = ws.Write("c.yaml", Chain);
        var first = await ws.RunAsync(f);
        File.Delete(Path.Combine(first.Stages.Single(x => x.StageId == "a").CacheDirectory!, file));
        var second = await ws.RunAsync(f);
        Assert.Equal(StageStatus.Done, second.Stages.Single(x => x.StageId == "a").Status);
        Assert.True(File.Exists(Path.Combine(second.RunDirectory, "p000", "a", file)));
    }

    [Fact]
    public async Task Force_replaces_the_cache_entry_and_committed_files_are_read_only()
    {
        using var ws = new Workspace();
        var f = ws.Write("c.yaml", Chain);
        await ws.RunAsync(f);
        var forced = await ws.RunAsync(f, new ExecutorOptions { Force = true });
        var a = forced.Stages.Single(x => x.StageId == "a");
        var stored = System.Text.Json.JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(a.CacheDirectory!, StageRecord.FileName)), EngineJson.Default.StageRecord)!;
        Assert.Equal(a.Started, stored.Started);
        var mode = File.GetUnixFileMode(Path.Combine(forced.RunDirectory, "p000", "a", "value.txt"));
        Assert.Equal(0, (int)(mode & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)));
    }

    [Fact]
    public async Task A_failed_stage_is_kept_in_the_run_folder_when_the_state_folder_is_on_another_file_system()
    {
        using var ws = new Workspace();
        var state = Path.Combine("/dev/shm", "fr-state-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(state);
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(ws.Root, ".flowrunner"), state);
            Assert.NotEqual(DeviceOf("/dev/shm"), DeviceOf(ws.Root)); // the case is real, not a rename on one file system
            var f = ws.Write("f.yaml", "name: f\nstages:\n  - { id: x, kind: test.fail }\n  - { id: a, kind: test.emit }\n");
            var s = await ws.RunAsync(f);
            var x = s.Stages.Single(r => r.StageId == "x");
            Assert.Equal(StageStatus.Failed, x.Status);
            Assert.Equal("boom", x.Error);
            Assert.Equal("half", File.ReadAllText(Path.Combine(s.RunDirectory, "p000", "x", "partial.txt")));
            Assert.Equal(StageStatus.Done, s.Stages.Single(r => r.StageId == "a").Status);
        }
        finally
        {
            Directory.Delete(state, true);
        }
    }

    private static string DeviceOf(string path) =>
        CliWrap.Cli.Wrap("stat").WithArguments(["-c", "%d", path]).ExecuteBufferedAsync().GetAwaiter().GetResult().StandardOutput.Trim();

    [Fact]
    public async Task An_IO_error_while_storing_outputs_fails_the_stage_and_commits_nothing()
    {
        using var ws = new Workspace();
        var f = ws.Write("b.yaml", "name: b\nstages:\n  - { id: k, kind: test.block }\n  - { id: a, kind: test.emit }\n");
        var s = await ws.RunAsync(f);
        var k = s.Stages.Single(r => r.StageId == "k");
        Assert.Equal(StageStatus.Failed, k.Status);
        Assert.Contains("could not store the stage's outputs", k.Error);
        Assert.Equal("failed", s.Status);
        Assert.False(Directory.Exists(new StageCache(Path.Combine(ws.Root, ".flowrunner", "cache")).PathOf(k.CacheKey)));
        Assert.Equal(StageStatus.Done, s.Stages.Single(r => r.StageId == "a").Status);
    }

    [Fact]
    public async Task A_run_json_that_cannot_be_written_fails_the_run_instead_of_crashing_it()
    {
        using var ws = new Workspace();
        var f = ws.Write("c.yaml", Chain);
        Directory.CreateDirectory(Path.Combine(ws.Root, "runs", "chain", "r1", "run.json", "blocked"));
        var s = await ws.RunAsync(f, new ExecutorOptions { RunId = "r1" });
        Assert.Equal("failed", s.Status);
        Assert.Contains("run.json", s.Problem);
        Assert.Equal(2, s.Count(StageStatus.Done));
    }

    [Fact]
    public async Task A_run_whose_owner_died_is_interrupted_its_unfinished_points_incomplete_and_the_rerun_completes_them()
    {
        using var ws = new Workspace();
        var f = ws.Write("c.yaml", Chain);
        var plan = ws.Plan(f);
        using var store = new ResultsStore(ResultsStore.DefaultPath(ws.Root));
        // What a killed run leaves: recorded as running, one of its two stages finished, no process holding its lock.
        var runDir = Path.Combine(ws.Root, "runs", "chain", "killed");
        Directory.CreateDirectory(runDir);
        store.RunStarted(plan, "killed", runDir, DateTimeOffset.Now, "test");
        store.StageFinished("killed", new StageRecord { PointId = "p000", StageId = "a", Kind = "test.emit", Status = StageStatus.Done });
        Assert.Equal(ResultsStore.Interrupted, store.Runs().Single().Status);
        Assert.Equal("incomplete", store.Points("killed").Single().State);
        Assert.False(store.Points("killed").Single().Succeeded);

        using (RunLock.Acquire(runDir))
            Assert.Equal("running", store.Runs().Single().Status);

        var rerun = new Executor(ws.Registry, new ExecutorOptions { Workspace = ws.Root, RunId = "killed" }, new ResultsRecorder(store, plan, "test"));
        var s = await rerun.RunAsync(plan, CancellationToken.None);
        Assert.Equal("succeeded", s.Status);
        Assert.Equal("succeeded", store.Runs().Single().Status);
        Assert.Equal("ok", store.Points("killed").Single().State);
    }

    [Fact]
    public async Task A_run_folder_owned_by_a_live_run_is_refused()
    {
        using var ws = new Workspace();
        var f = ws.Write("c.yaml", Chain);
        var runDir = Path.Combine(ws.Root, "runs", "chain", "busy");
        var owner = CliWrap.Cli.Wrap("flock").WithArguments([Path.Combine(runDir, RunLock.FileName), "sleep", "30"]);
        Directory.CreateDirectory(runDir);
        using var cts = new CancellationTokenSource();
        var task = owner.ExecuteAsync(cts.Token);
        try
        {
            for (var i = 0; i < 100 && !RunLock.IsHeld(runDir); i++) await Task.Delay(50);
            Assert.True(RunLock.IsHeld(runDir));
            await Assert.ThrowsAsync<RunInUseException>(() => ws.RunAsync(f, new ExecutorOptions { RunId = "busy" }));
        }
        finally
        {
            cts.Cancel();
            try { await task; } catch (OperationCanceledException) { }
        }
    }

    [Fact]
    public async Task A_run_where_a_stage_ran_and_failed_is_not_all_from_the_cache()
    {
        using var ws = new Workspace();
        var f = ws.Write("f.yaml", "name: f\nstages:\n  - { id: a, kind: test.emit }\n  - { id: x, kind: test.fail }\n");
        await ws.RunAsync(f);
        var again = await ws.RunAsync(f);
        Assert.Equal(1, again.Count(StageStatus.Cached));
        Assert.False(again.AllFromCache);
    }

    [Fact]
    public void A_tab_in_indentation_is_reported_where_it_is()
    {
        using var ws = new Workspace();
        var file = Path.Combine(ws.Root, "t.yaml");
        File.WriteAllText(file, "name: t\nstages:\n  - id: a\n    kind: test.emit\n    with:\n\t  value: x\n");
        var e = Assert.Throws<RecipeException>(() => ws.Plan(file));
        var err = Assert.Single(e.Errors);
        Assert.Equal((6, 1), (err.Mark.Line, err.Mark.Column));
        Assert.Contains("tab", err.Message);
    }

    [Fact]
    public void Extends_outside_the_recipe_folder_and_workspace_needs_an_allowed_path_and_errors_quote_no_content()
    {
        using var ws = new Workspace();
        var outside = Path.Combine(Path.GetTempPath(), "fr-outside-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(outside);
        try
        {
            File.WriteAllText(Path.Combine(outside, "secret.yaml"), "password: hunter2-secret\n");
            var f = ws.Write("x.yaml", $"name: x\nextends: {Path.Combine(outside, "secret.yaml")}\nstages: []\n");
            var e = Assert.Throws<RecipeException>(() => ws.Plan(f));
            var err = Assert.Single(e.Errors);
            Assert.Equal((2, 10), (err.Mark.Line, err.Mark.Column));
            Assert.Contains("--allow-path", err.Message);
            Assert.DoesNotContain("hunter2", e.Message);

            var climbing = ws.Write("y.yaml", $"name: y\nextends: {Path.GetRelativePath(ws.Root, Path.Combine(outside, "secret.yaml"))}\nstages: []\n");
            Assert.Contains("--allow-path", Assert.Throws<RecipeException>(() => ws.Plan(climbing)).Message);

            ws.AllowedReads.Add(outside);
            var allowed = Assert.Throws<RecipeException>(() => ws.Plan(f));
            Assert.DoesNotContain("--allow-path", allowed.Message);
            Assert.DoesNotContain("hunter2", allowed.Message);
        }
        finally
        {
            Directory.Delete(outside, true);
        }
    }

    [Fact]
    public void A_stage_option_naming_a_file_outside_the_allowed_folders_is_a_recipe_error_at_its_place()
    {
        using var ws = new Workspace();
        var f = ws.Write("o.yaml", "name: o\nstages:\n  - id: a\n    kind: test.emit\n    with: { value: /etc/passwd }\n");
        var err = Assert.Single(Assert.Throws<RecipeException>(() => ws.Plan(f)).Errors);
        Assert.Equal((5, 20), (err.Mark.Line, err.Mark.Column));
        Assert.Contains("option 'value' reads '/etc/passwd'", err.Message);
        ws.AllowedReads.Add("/etc");
        Assert.Equal("/etc/passwd", ws.Plan(f).Stages["p000"][0].Options["value"]);
        File.WriteAllText(Path.Combine(ws.Root, "inside.txt"), "x");
        Assert.NotNull(ws.Plan(ws.Write("sub/i.yaml", "name: i\nstages:\n  - { id: a, kind: test.emit, with: { value: ../inside.txt } }\n")));
    }

    [Fact]
    public void A_refused_required_option_is_one_error_not_a_second_missing_option()
    {
        using var ws = new Workspace();
        var f = ws.Write("r.yaml", "name: r\nstages:\n  - id: a\n    kind: test.read\n    with: { file: /etc/passwd }\n  - { id: b, kind: test.read, with: { file: [1, 2] } }\n");
        var errors = Assert.Throws<RecipeException>(() => ws.Plan(f)).Errors;
        Assert.Equal(2, errors.Count);
        Assert.Contains("option 'file' reads '/etc/passwd'", errors[0].Message);
        Assert.Contains("stage 'b': option 'file'", errors[1].Message);
        Assert.DoesNotContain(errors, e => e.Message.Contains("needs option"));
        Assert.Contains("needs option 'file'", Assert.Single(Assert.Throws<RecipeException>(() => ws.Plan(ws.Write("m.yaml", "name: m\nstages:\n  - { id: a, kind: test.read }\n"))).Errors).Message);
    }

    [Fact]
    public void A_plain_name_option_holding_anything_else_is_a_recipe_error_at_its_place()
    {
        using var ws = new Workspace();
        File.WriteAllText(Path.Combine(ws.Root, "in.txt"), "x");
        var f = ws.Write("n.yaml", "name: n\nstages:\n  - id: a\n    kind: test.read\n    with: { file: in.txt, cell: \"t} [exec touch X] {\" }\n");
        var err = Assert.Single(Assert.Throws<RecipeException>(() => ws.Plan(f)).Errors);
        Assert.Equal(5, err.Mark.Line);
        Assert.Contains("option 'cell' must be a cell or port name", err.Message);
        Assert.Equal("BUF_X2", ws.Plan(ws.Write("ok.yaml", "name: ok\nstages:\n  - { id: a, kind: test.read, with: { file: in.txt, cell: BUF_X2 } }\n")).Stages["p000"][0].Options["cell"]);
    }

    [Fact]
    public void An_option_of_a_form_its_stage_refuses_is_a_recipe_error_at_its_place()
    {
        using var ws = new Workspace();
        File.WriteAllText(Path.Combine(ws.Root, "in.txt"), "x");
        var f = ws.Write("p.yaml", "name: p\nstages:\n  - id: a\n    kind: test.read\n    with: { file: in.txt, pace: \"13.8\" }\n");
        var err = Assert.Single(Assert.Throws<RecipeException>(() => ws.Plan(f)).Errors);
        Assert.Equal(5, err.Mark.Line);
        Assert.Contains("stage 'a': option 'pace' must be slow or fast, got '13.8'", err.Message);
        Assert.Equal("fast", ws.Plan(ws.Write("ok.yaml", "name: ok\nstages:\n  - { id: a, kind: test.read, with: { file: in.txt, pace: fast } }\n")).Stages["p000"][0].Options["pace"]);
    }

    [Fact]
    public void A_tech_name_that_would_leave_tech_is_a_recipe_error()
    {
        using var ws = new Workspace();
        var f = ws.Write("t.yaml", "name: t\ntech: ../../etc\nstages: []\n");
        Assert.Contains("tech '../../etc'", Assert.Single(Assert.Throws<RecipeException>(() => ws.Plan(f)).Errors).Message);
    }

    [Fact]
    public void Lists_and_maps_format_as_yaml_values()
    {
        Assert.Equal("[4, 8, 16]", Interpolator.Format(new List<object?> { 4L, 8L, 16L }));
        Assert.Equal("[wrap, sat]", Interpolator.Format(new[] { "wrap", "sat" }));
        Assert.Equal("{a: 1, b: [2.5]}", Interpolator.Format(new OrderedMap { ["a"] = 1L, ["b"] = new List<object?> { 2.5 } }));
    }
}
