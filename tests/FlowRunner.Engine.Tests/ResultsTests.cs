using FlowRunner.Engine.Results;
using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Selection;
using FlowRunner.Engine.Tests.Support;

namespace FlowRunner.Engine.Tests;

public class ResultsTests
{
    private const string Sweep = """
        name: rs
        params: { v: "ab", n: 1 }
        stages:
          - { id: e, kind: test.emit, with: { value: "${params.v}", count: "${params.n}" } }
        sweep:
          grid: { n: [1, 2, 3] }
          objective: { minimize: length, subject_to: "length >= 3" }
        """;

    private static async Task<RunSummary> RunWithStore(Workspace ws, string file, ResultsStore store, params string[] sets)
    {
        var plan = ws.Plan(file, sets);
        var ex = new Executor(ws.Registry, new ExecutorOptions { Workspace = ws.Root }, new ResultsRecorder(store, plan, "test"));
        return await ex.RunAsync(plan, CancellationToken.None);
    }

    [Fact]
    public async Task Every_point_stage_and_metric_lands_in_the_store()
    {
        using var ws = new Workspace();
        using var store = new ResultsStore(ResultsStore.DefaultPath(ws.Root));
        var s = await RunWithStore(ws, ws.Write("r.yaml", Sweep), store);
        var run = store.Runs("rs").Single();
        Assert.Equal(s.RunId, run.RunId);
        Assert.Equal("succeeded", run.Status);
        var points = store.Points(run.RunId);
        Assert.Equal([2.0, 3.0, 4.0], points.Select(p => p.Metrics["length"]));
        Assert.Equal(3L, Convert.ToInt64(points[2].Params["n"]));
        Assert.All(points, p => Assert.True(p.Succeeded));
    }

    [Fact]
    public async Task A_stages_candidates_land_in_the_store_as_points_of_their_own_also_when_cached()
    {
        using var ws = new Workspace();
        using var store = new ResultsStore(ResultsStore.DefaultPath(ws.Root));
        var file = ws.Write("c.yaml", """
            name: cand
            params: { n: 2 }
            stages:
              - { id: e, kind: test.emit, with: { value: "abcd", candidates: 3 } }
            sweep:
              objective: { minimize: length, subject_to: "length >= 2" }
            """);
        foreach (var _ in new[] { 1, 2 })
        {
            var s = await RunWithStore(ws, file, store);
            var points = store.Points(s.RunId).OrderBy(p => p.PointId, StringComparer.Ordinal).ToList();
            Assert.Equal(["p000", "p000.e.c1", "p000.e.c2", "p000.e.c3"], points.Select(p => p.PointId));
            Assert.Equal([4.0, 1.0, 2.0, 3.0], points.Select(p => p.Metrics["length"]));
            Assert.Equal(2L, Convert.ToInt64(points[2].Params["alt"]));
            Assert.Equal(2L, Convert.ToInt64(points[2].Params["n"])); // the point's parameters come along
            Assert.All(points, p => Assert.True(p.Succeeded));
            Assert.Equal("p000.e.c2", Selector.Best(points, Objective.From(ws.Plan(file).Recipe.Sweep)).Best!.PointId);
        }
    }

    [Fact]
    public async Task A_store_written_by_the_first_schema_is_upgraded_and_keeps_its_runs()
    {
        using var ws = new Workspace();
        var db = ResultsStore.DefaultPath(ws.Root);
        Directory.CreateDirectory(Path.GetDirectoryName(db)!);
        using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            old.Open();
            using var cmd = old.CreateCommand();
            // The schema of the first release: stages without `position`.
            cmd.CommandText = """
                CREATE TABLE runs (run_id TEXT PRIMARY KEY, recipe TEXT NOT NULL, recipe_file TEXT, run_dir TEXT, status TEXT NOT NULL,
                  started TEXT NOT NULL, ended TEXT, host TEXT, command_line TEXT);
                CREATE TABLE stages (run_id TEXT NOT NULL, point_id TEXT NOT NULL, stage_id TEXT NOT NULL, kind TEXT NOT NULL, adapter TEXT,
                  tools TEXT, status TEXT NOT NULL, cache_hit INTEGER NOT NULL, duration_s REAL, error TEXT, cache_key TEXT, output_hash TEXT,
                  dir TEXT, PRIMARY KEY (run_id, point_id, stage_id));
                INSERT INTO runs VALUES ('old', 'rs', NULL, NULL, 'succeeded', '2026-01-01T00:00:00Z', NULL, NULL, NULL);
                """;
            cmd.ExecuteNonQuery();
        }
        using var store = new ResultsStore(db);
        await RunWithStore(ws, ws.Write("r.yaml", Sweep), store);
        Assert.Equal(2, store.Runs("rs").Count);
    }

    [Fact]
    public async Task Two_runs_writing_the_same_store_at_once_lose_nothing()
    {
        using var ws = new Workspace();
        var file = ws.Write("r.yaml", Sweep);
        var db = ResultsStore.DefaultPath(ws.Root);
        using (new ResultsStore(db)) { }
        async Task<RunSummary> One(string v)
        {
            using var store = new ResultsStore(db);
            return await RunWithStore(ws, file, store, $"v={v}");
        }
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => One(new string('x', i + 1)))));
        using var check = new ResultsStore(db);
        Assert.Equal(4, check.Runs().Count);
        Assert.All(runs, r => Assert.Equal(3, check.Points(r.RunId).Count(p => p.Metrics.ContainsKey("length"))));
    }

    [Fact]
    public async Task Best_respects_constraints_and_secondary_goals_and_says_when_nothing_qualifies()
    {
        using var ws = new Workspace();
        using var store = new ResultsStore(ResultsStore.DefaultPath(ws.Root));
        var f = ws.Write("r.yaml", Sweep);
        var s = await RunWithStore(ws, f, store);
        var objective = Objective.From(RecipeLoader.Load(f).Sweep);
        var (best, _) = Selector.Best(store.Points(s.RunId), objective);
        Assert.Equal("p001", best!.PointId); // length 3 is the smallest that meets length >= 3

        var strict = new Objective([new Goal("length", false)], [Expressions.Expression.Parse("length > 10")]);
        var (none, why) = Selector.Best(store.Points(s.RunId), strict);
        Assert.Null(none);
        Assert.Contains("no successful point meets the constraints", why);
    }

    private static PointResult Point(string id, double acc, double energy, double area, bool ok = true)
    {
        var p = new PointResult("r", "x", id, id, new Dictionary<string, object?>());
        p.Metrics["accuracy"] = acc;
        p.Metrics["energy_per_inference_uj"] = energy;
        p.Metrics["area_um2"] = area;
        p.Stages.Add(new StageRow("s", "k", ok ? StageStatus.Done : StageStatus.Failed, ok ? null : "boom", null, "a", 0));
        return p;
    }

    [Fact]
    public void Pareto_front_keeps_exactly_the_undominated_points()
    {
        var pts = new[]
        {
            Point("a", 0.98, 2.0, 100), Point("b", 0.97, 1.0, 100), Point("c", 0.96, 1.5, 120), // c is dominated by b
            Point("d", 0.99, 3.0, 90), Point("e", 0.995, 0.5, 50, ok: false),
        };
        Assert.Equal(["a", "b", "d"], Selector.ParetoFront(pts, Selector.DefaultParetoGoals).Select(p => p.PointId));
    }

    [Fact]
    public void Ties_go_to_the_next_goal_and_all_failed_is_no_winner()
    {
        var pts = new[] { Point("a", 0.98, 1.0, 200), Point("b", 0.97, 1.0, 100) };
        var o = new Objective([new Goal("energy_per_inference_uj", false), new Goal("area_um2", false)], []);
        Assert.Equal("b", Selector.Best(pts, o).Best!.PointId);
        var (best, why) = Selector.Best([Point("x", 1, 1, 1, ok: false)], o);
        Assert.Null(best);
        Assert.Contains("every design point failed", why);
    }
}

public class MetricNameTests
{
    [Fact]
    public void The_earliest_stage_gives_a_metric_its_plain_name_and_every_stage_keeps_its_own()
    {
        var p = new PointResult("r", "x", "p000", "p000", new Dictionary<string, object?>());
        p.Add("accuracy", "accuracy", 0.93, "");
        p.Add("qat_accuracy", "accuracy", 0.89, "");
        Assert.Equal(0.93, p.Metrics["accuracy"]);
        Assert.Equal(0.89, p.Metrics["qat_accuracy.accuracy"]);
        Assert.Equal(0.89, p.Lookup("qat_accuracy.accuracy"));
    }
}
