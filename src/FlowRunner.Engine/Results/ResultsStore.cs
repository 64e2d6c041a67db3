using System.Globalization;
using System.Text.Json;
using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Recipes;
using Microsoft.Data.Sqlite;

namespace FlowRunner.Engine.Results;

/// <summary>The SQLite results store (.flowrunner/results.db): runs, design points, stages and metrics. WAL mode and one transaction per
/// write make it safe for several runs writing at once and for a run killed mid-write.</summary>
public sealed class ResultsStore : IDisposable
{
    private readonly SqliteConnection _db;
    private readonly object _lock = new();

    public ResultsStore(string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        File = file;
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false, DefaultTimeout = 30 }.ToString());
        try
        {
            _db.Open();
            Execute("PRAGMA journal_mode=WAL; PRAGMA busy_timeout=30000; PRAGMA synchronous=NORMAL;");
            CreateTables();
        }
        catch (SqliteException e)
        {
            _db.Dispose();
            throw new IOException($"{file}: cannot open the results store ({e.Message})", e);
        }
    }

    private void CreateTables()
    {
        Execute("""
            CREATE TABLE IF NOT EXISTS runs (
              run_id TEXT PRIMARY KEY, recipe TEXT NOT NULL, recipe_file TEXT, run_dir TEXT, status TEXT NOT NULL,
              started TEXT NOT NULL, ended TEXT, host TEXT, command_line TEXT);
            CREATE TABLE IF NOT EXISTS points (
              run_id TEXT NOT NULL, point_id TEXT NOT NULL, label TEXT, params_json TEXT NOT NULL, planned INTEGER,
              PRIMARY KEY (run_id, point_id));
            CREATE TABLE IF NOT EXISTS stages (
              run_id TEXT NOT NULL, point_id TEXT NOT NULL, stage_id TEXT NOT NULL, kind TEXT NOT NULL, adapter TEXT, tools TEXT,
              status TEXT NOT NULL, cache_hit INTEGER NOT NULL, duration_s REAL, error TEXT, cache_key TEXT, output_hash TEXT, dir TEXT,
              position INTEGER NOT NULL DEFAULT 0,
              PRIMARY KEY (run_id, point_id, stage_id));
            CREATE TABLE IF NOT EXISTS metrics (
              run_id TEXT NOT NULL, point_id TEXT NOT NULL, stage_id TEXT NOT NULL, name TEXT NOT NULL, value REAL, unit TEXT,
              PRIMARY KEY (run_id, point_id, stage_id, name));
            CREATE INDEX IF NOT EXISTS runs_by_recipe ON runs (recipe, started);
            """);
        Migrate();
    }

    /// <summary>Schema version in PRAGMA user_version; stores written by older FlowRunner versions are upgraded in place, never dropped.</summary>
    private const int SchemaVersion = 3;

    private void Migrate()
    {
        using var version = _db.CreateCommand();
        version.CommandText = "PRAGMA user_version";
        var current = Convert.ToInt32(version.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (current > SchemaVersion)
            throw new InvalidOperationException($"{File}: results store schema {current} is newer than this FlowRunner understands ({SchemaVersion}); use a newer FlowRunner or another workspace");
        if (current == SchemaVersion) return;
        // Version 1 (before stage positions were recorded) lacks stages.position.
        using var columns = _db.CreateCommand();
        columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('stages') WHERE name = 'position'";
        if (Convert.ToInt32(columns.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
            Execute("ALTER TABLE stages ADD COLUMN position INTEGER NOT NULL DEFAULT 0");
        // Version 2 lacks points.planned (how many stages the point has), without which a killed run's points looked complete.
        using var planned = _db.CreateCommand();
        planned.CommandText = "SELECT COUNT(*) FROM pragma_table_info('points') WHERE name = 'planned'";
        if (Convert.ToInt32(planned.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
            Execute("ALTER TABLE points ADD COLUMN planned INTEGER");
        Execute($"PRAGMA user_version = {SchemaVersion}");
    }

    public string File { get; }

    /// <summary>The status shown for a run whose owner died before it finished.</summary>
    public const string Interrupted = "interrupted";

    public static string DefaultPath(string workspace) => Path.Combine(workspace, ".flowrunner", "results.db");

    public void RunStarted(RunPlan plan, string runId, string runDir, DateTimeOffset started, string commandLine)
    {
        InTransaction(tx =>
        {
            Execute(tx, "INSERT OR REPLACE INTO runs VALUES ($id,$recipe,$file,$dir,'running',$started,NULL,$host,$cmd)",
                ("$id", runId), ("$recipe", plan.Recipe.Name), ("$file", plan.Recipe.File), ("$dir", runDir),
                ("$started", started.ToString("O")), ("$host", Environment.MachineName), ("$cmd", commandLine));
            foreach (var p in plan.Points)
                Execute(tx, "INSERT OR REPLACE INTO points (run_id, point_id, label, params_json, planned) VALUES ($run,$point,$label,$params,$planned)",
                    ("$run", runId), ("$point", p.Id), ("$label", p.Label), ("$params", JsonSerializer.Serialize(p.Params, PlainJson.Options)),
                    ("$planned", plan.Stages[p.Id].Count));
        });
    }

    public void StageFinished(string runId, StageRecord r)
    {
        InTransaction(tx =>
        {
            Execute(tx, "INSERT OR REPLACE INTO stages VALUES ($run,$point,$stage,$kind,$adapter,$tools,$status,$hit,$dur,$err,$key,$hash,$dir,$pos)",
                ("$run", runId), ("$point", r.PointId), ("$stage", r.StageId), ("$kind", r.Kind), ("$adapter", r.Adapter),
                ("$tools", string.Join("; ", r.Tools.Select(t => $"{t.Name} {t.Version}"))), ("$status", r.Status),
                ("$hit", r.Status == StageStatus.Cached ? 1 : 0), ("$dur", r.DurationSeconds), ("$err", r.Error),
                ("$key", r.CacheKey), ("$hash", r.OutputHash), ("$dir", r.Directory), ("$pos", r.Position));
            Execute(tx, "DELETE FROM metrics WHERE run_id=$run AND point_id=$point AND stage_id=$stage", ("$run", runId), ("$point", r.PointId), ("$stage", r.StageId));
            foreach (var m in r.Metrics)
                Execute(tx, "INSERT OR REPLACE INTO metrics VALUES ($run,$point,$stage,$name,$value,$unit)",
                    ("$run", runId), ("$point", r.PointId), ("$stage", r.StageId), ("$name", m.Name),
                    ("$value", double.IsFinite(m.Value) ? m.Value : null), ("$unit", m.Unit));
            if (r.Status is StageStatus.Done or StageStatus.Cached) RecordCandidates(tx, runId, r);
        });
    }

    /// <summary>The stage's <see cref="StageCandidates"/> as points of their own: the point's parameters with the candidate's, one stage row
    /// (the stage that evaluated them) and the candidate's metrics.</summary>
    private void RecordCandidates(SqliteTransaction tx, string runId, StageRecord r)
    {
        var candidates = StageCandidates.Read(r.Directory);
        if (candidates.Count == 0) return;
        using var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT params_json FROM points WHERE run_id=$r AND point_id=$p";
        cmd.Parameters.AddWithValue("$r", runId);
        cmd.Parameters.AddWithValue("$p", r.PointId);
        var pointParams = cmd.ExecuteScalar() is string json ? JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!.ToDictionary(kv => kv.Key, kv => Plain(kv.Value)) : [];
        foreach (var c in candidates)
        {
            var id = $"{r.PointId}.{r.StageId}.{c.Id}";
            var pars = new Dictionary<string, object?>(pointParams);
            foreach (var (k, v) in c.Params) pars[k] = v;
            Execute(tx, "INSERT OR REPLACE INTO points (run_id, point_id, label, params_json, planned) VALUES ($run,$point,$label,$params,1)",
                ("$run", runId), ("$point", id), ("$label", c.Label), ("$params", JsonSerializer.Serialize(pars, PlainJson.Options)));
            Execute(tx, "INSERT OR REPLACE INTO stages VALUES ($run,$point,$stage,$kind,$adapter,'',$status,$hit,0,NULL,$key,NULL,$dir,$pos)",
                ("$run", runId), ("$point", id), ("$stage", r.StageId), ("$kind", r.Kind), ("$adapter", r.Adapter), ("$status", r.Status),
                ("$hit", r.Status == StageStatus.Cached ? 1 : 0), ("$key", r.CacheKey), ("$dir", r.Directory), ("$pos", r.Position));
            Execute(tx, "DELETE FROM metrics WHERE run_id=$run AND point_id=$point", ("$run", runId), ("$point", id));
            foreach (var (name, value) in c.Metrics)
                Execute(tx, "INSERT OR REPLACE INTO metrics VALUES ($run,$point,$stage,$name,$value,$unit)",
                    ("$run", runId), ("$point", id), ("$stage", r.StageId), ("$name", name), ("$value", double.IsFinite(value) ? value : null),
                    ("$unit", c.Units.GetValueOrDefault(name, "")));
        }
    }

    public void RunFinished(string runId, string status, DateTimeOffset ended) =>
        InTransaction(tx => Execute(tx, "UPDATE runs SET status=$s, ended=$e WHERE run_id=$id", ("$s", status), ("$e", ended.ToString("O")), ("$id", runId)));

    /// <summary>Runs, newest first, optionally of one recipe. A run recorded as running whose owner lock (<see cref="RunLock"/>) nobody holds
    /// is reported as interrupted: its process died.</summary>
    public IReadOnlyList<RunRow> Runs(string? recipe = null)
    {
        var rows = new List<RunRow>();
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "SELECT run_id, recipe, recipe_file, run_dir, status, started, ended FROM runs" +
                              (recipe is null ? "" : " WHERE recipe=$r") + " ORDER BY started DESC, run_id DESC";
            if (recipe is not null) cmd.Parameters.AddWithValue("$r", recipe);
            using var rd = cmd.ExecuteReader();
            while (rd.Read())
            {
                var dir = rd.IsDBNull(3) ? "" : rd.GetString(3);
                var status = rd.GetString(4);
                if (status == "running" && (dir.Length == 0 || !RunLock.IsHeld(dir))) status = Interrupted;
                rows.Add(new RunRow(rd.GetString(0), rd.GetString(1), rd.IsDBNull(2) ? "" : rd.GetString(2), dir,
                    status, DateTimeOffset.Parse(rd.GetString(5), CultureInfo.InvariantCulture)));
            }
        }
        return rows;
    }

    /// <summary>Every design point of a run with its parameters, metrics (by name; a later stage wins a clash) and stage statuses.</summary>
    public IReadOnlyList<PointResult> Points(string runId)
    {
        var points = new Dictionary<string, PointResult>();
        lock (_lock)
        {
            using (var cmd = _db.CreateCommand())
            {
                cmd.CommandText = "SELECT p.point_id, p.label, p.params_json, r.recipe, p.planned FROM points p JOIN runs r USING (run_id) WHERE run_id=$r ORDER BY p.point_id";
                cmd.Parameters.AddWithValue("$r", runId);
                using var rd = cmd.ExecuteReader();
                while (rd.Read())
                {
                    var pars = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(rd.GetString(2))!
                        .ToDictionary(kv => kv.Key, kv => Plain(kv.Value));
                    points[rd.GetString(0)] = new PointResult(runId, rd.GetString(3), rd.GetString(0), rd.IsDBNull(1) ? "" : rd.GetString(1), pars)
                    {
                        Planned = rd.IsDBNull(4) ? null : rd.GetInt32(4),
                    };
                }
            }
            using (var cmd = _db.CreateCommand())
            {
                cmd.CommandText = "SELECT point_id, stage_id, kind, status, error, dir, adapter, duration_s FROM stages WHERE run_id=$r ORDER BY position, stage_id";
                cmd.Parameters.AddWithValue("$r", runId);
                using var rd = cmd.ExecuteReader();
                while (rd.Read())
                    if (points.TryGetValue(rd.GetString(0), out var p))
                        p.Stages.Add(new StageRow(rd.GetString(1), rd.GetString(2), rd.GetString(3), rd.IsDBNull(4) ? null : rd.GetString(4),
                            rd.IsDBNull(5) ? null : rd.GetString(5), rd.IsDBNull(6) ? "" : rd.GetString(6), rd.IsDBNull(7) ? 0 : rd.GetDouble(7)));
            }
            using (var cmd = _db.CreateCommand())
            {
                cmd.CommandText = "SELECT m.point_id, m.stage_id, m.name, m.value, m.unit FROM metrics m JOIN stages s USING (run_id, point_id, stage_id) " +
                                  "WHERE m.run_id=$r ORDER BY s.position, m.stage_id, m.rowid";
                cmd.Parameters.AddWithValue("$r", runId);
                using var rd = cmd.ExecuteReader();
                while (rd.Read())
                    if (points.TryGetValue(rd.GetString(0), out var p))
                        p.Add(rd.GetString(1), rd.GetString(2), rd.IsDBNull(3) ? double.NaN : rd.GetDouble(3), rd.IsDBNull(4) ? "" : rd.GetString(4));
            }
        }
        return points.Values.ToList();
    }

    private static object? Plain(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        _ => e.ToString(),
    };

    private void InTransaction(Action<SqliteTransaction> work)
    {
        lock (_lock)
        {
            using var tx = _db.BeginTransaction(deferred: false);
            work(tx);
            tx.Commit();
        }
    }

    private void Execute(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private void Execute(SqliteTransaction tx, string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        lock (_lock) _db.Dispose();
    }
}

/// <summary>One run in the results store.</summary>
public sealed record RunRow(string RunId, string Recipe, string RecipeFile, string RunDirectory, string Status, DateTimeOffset Started);

/// <summary>One stage of a design point in the results store.</summary>
public sealed record StageRow(string StageId, string Kind, string Status, string? Error, string? Directory, string Adapter, double DurationSeconds);

/// <summary>A design point's parameters, metrics and stages, as the results store has them.</summary>
public sealed record PointResult(string RunId, string Recipe, string PointId, string Label, IReadOnlyDictionary<string, object?> Params)
{
    public Dictionary<string, double> Metrics { get; } = new();
    public Dictionary<string, string> Units { get; } = new();
    public List<StageRow> Stages { get; } = new();

    /// <summary>How many stages the point has in its plan (null for points recorded before this was stored): fewer finished stages
    /// means the point is incomplete, however well those went.</summary>
    public int? Planned { get; init; }

    public bool Succeeded => Stages.Count > 0 && Stages.Count >= (Planned ?? 0) && Stages.All(s => s.Status is StageStatus.Done or StageStatus.Cached);

    /// <summary>ok, "failed at STAGE", or incomplete (stages that never ran, were skipped or cancelled).</summary>
    public string State => Succeeded ? "ok" : Stages.FirstOrDefault(s => s.Status == StageStatus.Failed) is { } f ? $"failed at {f.StageId}" : "incomplete";

    /// <summary>Records a stage's metric as &lt;stage&gt;.&lt;name&gt;, and under its plain name unless an earlier stage already gave it (call in stage order).</summary>
    public void Add(string stageId, string name, double value, string unit)
    {
        Metrics[$"{stageId}.{name}"] = value;
        Units[$"{stageId}.{name}"] = unit;
        if (Metrics.TryAdd(name, value)) Units[name] = unit;
    }

    /// <summary>A name's value for expressions: a metric, else a parameter, else point/label.</summary>
    public object? Lookup(string name) =>
        Metrics.TryGetValue(name, out var m) ? m : Params.TryGetValue(name, out var p) ? p : name switch { "point" => PointId, "label" => Label, _ => null };
}

/// <summary>Records every stage of a run into the results store as it finishes.</summary>
/// <param name="recordsEnd">False when the caller records the run's final status itself, after its report is written, so that a run killed
/// before its report is never recorded as succeeded.</param>
public sealed class ResultsRecorder(ResultsStore store, RunPlan plan, string commandLine, bool recordsEnd = true) : IRunObserver
{
    private string _runId = "";

    public void RunStarted(string runId, string runDirectory, int points, int stages)
    {
        _runId = runId;
        store.RunStarted(plan, runId, runDirectory, DateTimeOffset.Now, commandLine);
    }

    public void StageFinished(StageRecord record) => store.StageFinished(_runId, record);

    public void RunFinished(RunSummary summary)
    {
        if (recordsEnd) store.RunFinished(summary.RunId, summary.Status, DateTimeOffset.Now);
    }
}

/// <summary>Passes every run event to several observers (progress display, results store, ...).</summary>
public sealed class CompositeRunObserver(params IRunObserver[] observers) : IRunObserver
{
    public void RunStarted(string runId, string runDirectory, int points, int stages) { foreach (var o in observers) o.RunStarted(runId, runDirectory, points, stages); }
    public void StageStarted(string pointId, string stageId, string kind, string adapter) { foreach (var o in observers) o.StageStarted(pointId, stageId, kind, adapter); }
    public void StageProgress(string pointId, string stageId, double fraction, string status) { foreach (var o in observers) o.StageProgress(pointId, stageId, fraction, status); }
    public void StageMessage(string pointId, string stageId, string level, string message) { foreach (var o in observers) o.StageMessage(pointId, stageId, level, message); }
    public void StageFinished(StageRecord record) { foreach (var o in observers) o.StageFinished(record); }
    public void RunFinished(RunSummary summary) { foreach (var o in observers) o.RunFinished(summary); }
}
