using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using FlowRunner.Abstractions;
using FlowRunner.Engine.Cache;
using FlowRunner.Engine.Paths;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Registry;
using FlowRunner.Engine.Sweeps;
using FlowRunner.Engine.Tools;

namespace FlowRunner.Engine.Execution;

/// <summary>Runs a <see cref="RunPlan"/> on this machine: every stage of every design point in dependency order, up to `jobs` at once,
/// reusing cached outputs, and writing the run folder (runs/&lt;recipe&gt;/&lt;run-id&gt;/) with run.json.</summary>
public sealed class Executor(StageRegistry registry, ExecutorOptions options, IRunObserver observer)
{
    private static readonly IReadOnlySet<string> NotHashed = new HashSet<string> { "stage.log", StageRecord.FileName, "replay.sh" };

    public async Task<RunSummary> RunAsync(RunPlan plan, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var started = DateTimeOffset.Now;
        var runId = options.RunId ?? NewRunId();
        if (SafeName.Problem(runId) is { } badId) throw new ArgumentException($"--run-id '{runId}' {badId} (it names the run folder)");
        var runDir = Path.Combine(options.RunsDirectory, plan.Recipe.Name, runId);
        if (!SafeName.IsInside(options.RunsDirectory, runDir)) throw new ArgumentException($"run folder '{runDir}' is not inside {options.RunsDirectory}");
        Directory.CreateDirectory(runDir);
        using var owner = RunLock.Acquire(runDir, Path.ChangeExtension(options.ManifestName, ".lock"));
        var cache = new StageCache(Path.Combine(options.StateDirectory, "cache"));
        cache.SweepAbandoned();
        var dataDir = Path.Combine(options.StateDirectory, "data");
        var techHash = plan.TechFile is null ? "" : ContentHash.OfFile(plan.TechFile);
        var points = plan.Points.Where(p => options.OnlyPoints?.Contains(p.Id) ?? true).ToList();
        var forced = ForcedStages(plan);

        var run = new RunState(plan, runId, runDir, points, started, clock, cache, dataDir, techHash, forced,
            new SemaphoreSlim(Math.Max(1, options.Jobs)));
        observer.RunStarted(runId, runDir, points.Count, points.Sum(p => plan.Stages[p.Id].Count));
        WriteManifest(run, "running", force: true);

        var all = new List<Task<StageRecord>>();
        foreach (var p in points)
        {
            var byId = new Dictionary<string, Task<StageRecord>>();
            foreach (var rs in plan.Stages[p.Id])
            {
                var deps = rs.Upstream.Select(u => byId[u]).ToArray();
                var t = Task.Run(() => RunStageAsync(run, p, rs, deps, ct), CancellationToken.None);
                byId[rs.Id] = t;
                all.Add(t);
            }
        }
        var records = await Task.WhenAll(all);
        var status = ct.IsCancellationRequested ? "cancelled" : records.All(r => r.Succeeded) ? "succeeded" : "failed";
        WriteManifest(run, options.ReportFollows ? Reporting : status, force: true);
        if (run.ManifestError is not null) status = "failed";
        var summary = new RunSummary(runId, runDir, status, records, clock.Elapsed) { Problem = run.ManifestError };
        observer.RunFinished(summary);
        return summary;
    }

    /// <summary>run.json's status between the end of the stages and the end of the report.</summary>
    public const string Reporting = "reporting";

    /// <summary>Sets the status of a run folder's run.json once the caller's report is written (see <see cref="ExecutorOptions.ReportFollows"/>).</summary>
    public static void RecordFinalStatus(string runDirectory, string status, string manifestName = "run.json")
    {
        var file = Path.Combine(runDirectory, manifestName);
        if (!File.Exists(file)) return;
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))!;
        node["status"] = status;
        var tmp = file + ".tmp";
        File.WriteAllText(tmp, node.ToJsonString(PlainJson.Options));
        File.Move(tmp, file, overwrite: true);
    }

    public static string NewRunId() => $"{DateTime.Now:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..4]}";

    private HashSet<string> ForcedStages(RunPlan plan)
    {
        var ids = plan.Recipe.Stages.Select(s => s.Id).ToList();
        if (options.Force) return ids.ToHashSet();
        if (options.FromStage is not { } from) return [];
        if (!ids.Contains(from))
            throw new ArgumentException($"--from {from}: the recipe has no stage '{from}' (stages: {string.Join(", ", ids)})");
        var stages = plan.Stages[plan.Points[0].Id];
        return stages.Where(s => s.Id == from || s.Upstream.Contains(from)).Select(s => s.Id).ToHashSet();
    }

    private sealed record RunState(RunPlan Plan, string RunId, string RunDir, List<DesignPoint> Points, DateTimeOffset Started, Stopwatch Clock,
        StageCache Cache, string DataDir, string TechHash, HashSet<string> Forced, SemaphoreSlim Slots)
    {
        public ConcurrentDictionary<string, Lazy<Task<StageRecord>>> InFlight { get; } = new();
        public ConcurrentDictionary<(string Point, string Stage), StageRecord> Records { get; } = new();
        public object ManifestLock { get; } = new();
        public int Computing;
        public long LastManifestTicks { get; set; }

        /// <summary>Why run.json could not be written (a full disk), or null: the run is then recorded as failed.</summary>
        public string? ManifestError { get; set; }
    }

    private async Task<StageRecord> RunStageAsync(RunState run, DesignPoint point, ResolvedStage rs, Task<StageRecord>[] deps, CancellationToken ct)
    {
        var upstream = await Task.WhenAll(deps);
        var record = await DecideAsync(run, point, rs, upstream, ct) with { Position = run.Plan.Stages[point.Id].ToList().IndexOf(rs) };
        run.Records[(point.Id, rs.Id)] = record;
        observer.StageFinished(record);
        WriteManifest(run, "running", force: false);
        return record;
    }

    private async Task<StageRecord> DecideAsync(RunState run, DesignPoint point, ResolvedStage rs, StageRecord[] upstream, CancellationToken ct)
    {
        var now = DateTimeOffset.Now;
        StageRecord Ended(string status, string? error, string adapter = "") => new()
        {
            PointId = point.Id, StageId = rs.Id, Kind = rs.Spec.Kind, Adapter = adapter, Status = status, Error = error, Started = now, Ended = DateTimeOffset.Now,
        };

        if (ct.IsCancellationRequested) return Ended(StageStatus.Cancelled, "the run was cancelled");
        var bad = upstream.FirstOrDefault(u => !u.Succeeded);
        if (bad is not null) return Ended(StageStatus.Skipped, $"upstream stage '{bad.StageId}' {bad.Status}");

        IToolAdapter adapter;
        IReadOnlyList<ToolInfo> tools;
        try
        {
            (adapter, tools) = await registry.ResolveAsync(rs.Spec.Kind, rs.Spec.Tool, ct);
        }
        catch (StageFailedException e)
        {
            return Ended(StageStatus.Failed, e.Message);
        }

        var key = CacheKey.Compute(rs, adapter, tools, run.TechHash, run.Plan.Recipe.Directory, upstream);
        var runStageDir = Path.Combine(run.RunDir, point.Id, rs.Id);
        string? missReason = null;
        if (!run.Forced.Contains(rs.Id))
        {
            if (run.Cache.TryGet(key, out missReason) is { } hit)
                try
                {
                    return Reuse(hit, point, run, key, runStageDir, now);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return Ended(StageStatus.Failed, $"could not link the cached output into {runStageDir}: {e.Message}", hit.Adapter);
                }
        }

        // Design points that share a stage's inputs share its key: the first one runs it, the others wait and reuse it.
        var lazy = run.InFlight.GetOrAdd(key, _ => new Lazy<Task<StageRecord>>(
            () => ComputeAsync(run, point, rs, adapter, tools, key, upstream, runStageDir, missReason, ct)));
        var record = await lazy.Value;
        if (record.PointId == point.Id || !record.Succeeded) return record with { PointId = point.Id };
        try
        {
            return Reuse(record, point, run, key, runStageDir, now);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Ended(StageStatus.Failed, $"could not link the cached output into {runStageDir}: {e.Message}", record.Adapter);
        }
    }

    private StageRecord Reuse(StageRecord cached, DesignPoint point, RunState run, string key, string runStageDir, DateTimeOffset started)
    {
        var cacheDir = run.Cache.PathOf(key);
        MirrorInto(run.RunDir, cacheDir, runStageDir);
        return cached with
        {
            PointId = point.Id, Status = StageStatus.Cached, Started = started, Ended = DateTimeOffset.Now,
            DurationSeconds = (DateTimeOffset.Now - started).TotalSeconds, Directory = runStageDir, CacheDirectory = cacheDir,
        };
    }

    /// <summary>Replaces a stage folder of the run by links to <paramref name="source"/>; never deletes outside the run folder.</summary>
    private static void MirrorInto(string runDir, string source, string target)
    {
        SafeName.DeleteBelow(runDir, target);
        FileLinker.MirrorDirectory(source, target);
    }

    private async Task<StageRecord> ComputeAsync(RunState run, DesignPoint point, ResolvedStage rs, IToolAdapter adapter, IReadOnlyList<ToolInfo> tools,
        string key, StageRecord[] upstream, string runStageDir, string? missReason, CancellationToken ct)
    {
        try
        {
            await run.Slots.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return new StageRecord
            {
                PointId = point.Id, StageId = rs.Id, Kind = rs.Spec.Kind, Adapter = adapter.Id, Status = StageStatus.Cancelled,
                Error = "the run was cancelled", Started = DateTimeOffset.Now, Ended = DateTimeOffset.Now,
            };
        }
        var threads = options.StageThreads(Interlocked.Increment(ref run.Computing));
        var started = DateTimeOffset.Now;
        var sw = Stopwatch.StartNew();
        var tmp = run.Cache.NewTempDirectory(key);
        var baseRecord = new StageRecord
        {
            PointId = point.Id, StageId = rs.Id, Kind = rs.Spec.Kind, Adapter = adapter.Id, Tools = tools, CacheKey = key,
            Status = StageStatus.Done, Started = started,
        };
        try
        {
            observer.StageStarted(point.Id, rs.Id, rs.Spec.Kind, adapter.Id);
            StageResult result;
            using (var log = new StageLog(Path.Combine(tmp, "stage.log"), point.Id, rs.Id, observer))
            {
                log.Info($"stage '{rs.Id}' ({rs.Spec.Kind}) of {run.Plan.Recipe.Name} point {point.Id} [{point.Label}] with adapter '{adapter.Id}'");
                foreach (var t in tools) log.Info($"tool {t}");
                log.Info("options " + JsonSerializer.Serialize(rs.Options, PlainJson.Options).ReplaceLineEndings(" "));
                log.Info($"cache key {key}; {threads} thread(s)");
                if (missReason is not null) log.Warn($"the cached output of this stage was not used: {missReason}; running it again");
                var ctx = new StageContext
                {
                    StageId = rs.Id, Kind = rs.Spec.Kind, AdapterId = adapter.Id, PointId = point.Id, Directory = tmp,
                    Options = new StageOptions(rs.Id, rs.Options), Parameters = point.Params,
                    Inputs = upstream.Select(u => new StageOutput(u.StageId, u.Kind, u.Adapter, u.CacheDirectory!, u.Metrics, u.Artifacts)).ToList(),
                    Needs = rs.Spec.Needs.Select(n => n.Id).ToList(),
                    TechName = run.Plan.Recipe.Tech, TechFile = run.Plan.TechFile, RecipeDirectory = run.Plan.Recipe.Directory,
                    DataDirectory = run.DataDir, Seed = rs.Seed, Log = log, Locator = registry.Locator,
                    Tools = new DeclaredToolRunner(new ToolRunner(tmp, log, rs.Retry, registry.Locator), adapter, tmp),
                    DeclaredReads = rs.Kind.Reads,
                    // Concurrent stages share the cores instead of each taking all of them.
                    Threads = threads,
                };
                try
                {
                    result = await adapter.RunAsync(ctx, ct);
                    if (SafeName.LinksOut(tmp).ToList() is [var (link, target), ..] escaping)
                    {
                        // Removed (only the links), so that keeping the failed stage's folder in runs/ does not keep a way out either.
                        foreach (var (l, _) in escaping) File.Delete(l);
                        throw new StageFailedException($"adapter '{adapter.Id}' left '{Path.GetRelativePath(tmp, link)}', which links to {target}, outside its stage folder");
                    }
                    foreach (var a in result.Artifacts)
                        if (Path.IsPathRooted(a.RelativePath) || !SafeName.IsInside(tmp, Path.Combine(tmp, a.RelativePath)))
                            throw new StageFailedException($"adapter '{adapter.Id}' reported artifact '{a.Name}' at '{a.RelativePath}', which is not inside its stage folder");
                        else if (!File.Exists(ctx.PathOf(a.RelativePath)) && !Directory.Exists(ctx.PathOf(a.RelativePath)))
                            throw new StageFailedException($"adapter '{adapter.Id}' reported artifact '{a.Name}' at '{a.RelativePath}' but did not write it");
                    StageContract.Check(rs.Kind, rs.Id, result);
                    foreach (var m in result.Metrics.Where(m => !double.IsFinite(m.Value)))
                        log.Warn($"metric {m.Name} is {m.Value}");
                    log.Info($"finished in {sw.Elapsed.TotalSeconds:F3} s: {string.Join(", ", result.Metrics)}");
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    log.Warn("cancelled");
                    return Keep(run.RunDir, tmp, runStageDir, baseRecord with { Status = StageStatus.Cancelled, Error = "the run was cancelled", Ended = DateTimeOffset.Now, DurationSeconds = sw.Elapsed.TotalSeconds });
                }
                catch (Exception e)
                {
                    var message = e is StageFailedException ? e.Message : $"{e.GetType().Name}: {e.Message}";
                    log.Warn("failed: " + message);
                    if (e is not StageFailedException) log.Info(e.ToString());
                    return Keep(run.RunDir, tmp, runStageDir, baseRecord with { Status = StageStatus.Failed, Error = message, Ended = DateTimeOffset.Now, DurationSeconds = sw.Elapsed.TotalSeconds });
                }
            }

            StageRecord done;
            string final;
            try
            {
                File.WriteAllText(Path.Combine(tmp, "metrics.json"), JsonSerializer.Serialize(result.Metrics.ToList(), EngineJson.Default.ListMetric));
                done = baseRecord with
                {
                    Metrics = result.Metrics, Artifacts = result.Artifacts, OutputHash = ContentHash.OfDirectory(tmp, NotHashed),
                    Ended = DateTimeOffset.Now, DurationSeconds = sw.Elapsed.TotalSeconds,
                };
                File.WriteAllText(Path.Combine(tmp, StageRecord.FileName), JsonSerializer.Serialize(done, EngineJson.Default.StageRecord));
                final = run.Cache.Commit(tmp, key, replace: run.Forced.Contains(rs.Id) || missReason is not null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A full disk (or an unwritable cache) while storing the outputs: nothing is committed, the stage fails with the reason.
                var message = $"could not store the stage's outputs in the cache: {e.Message}";
                observer.StageMessage(point.Id, rs.Id, "error", message);
                var failed = baseRecord with { Status = StageStatus.Failed, Error = message, Ended = DateTimeOffset.Now, DurationSeconds = sw.Elapsed.TotalSeconds };
                if (!Directory.Exists(tmp)) return failed;
                try { File.AppendAllText(Path.Combine(tmp, "stage.log"), $"failed: {message}\n"); } catch (IOException) { }
                return Keep(run.RunDir, tmp, runStageDir, failed);
            }
            try
            {
                MirrorInto(run.RunDir, final, runStageDir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return done with { Status = StageStatus.Failed, Error = $"the output is in the cache ({final}) but could not be linked into {runStageDir}: {e.Message}", CacheDirectory = final };
            }
            return done with { Directory = runStageDir, CacheDirectory = final };
        }
        finally
        {
            Interlocked.Decrement(ref run.Computing);
            run.Slots.Release();
        }
    }

    /// <summary>A failed or cancelled stage's folder goes to the run folder (never the cache) so its log can be read. When even that fails
    /// (a full disk), the record says so and the run goes on: the stage has failed either way.</summary>
    private static StageRecord Keep(string runDir, string tmp, string runStageDir, StageRecord record)
    {
        try
        {
            SafeName.DeleteBelow(runDir, runStageDir);
            Directory.CreateDirectory(Path.GetDirectoryName(runStageDir)!);
            FileLinker.MoveDirectory(tmp, runStageDir);
            var r = record with { Directory = runStageDir };
            File.WriteAllText(Path.Combine(runStageDir, StageRecord.FileName), JsonSerializer.Serialize(r, EngineJson.Default.StageRecord));
            return r;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { if (Directory.Exists(tmp)) Directory.Delete(tmp, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            return record with { Error = $"{record.Error} (its folder could not be kept in {runStageDir}: {e.Message})" };
        }
    }

    private void WriteManifest(RunState run, string status, bool force)
    {
        lock (run.ManifestLock)
        {
            // During a run the manifest is refreshed at most once a second: enough to resume from, cheap on large sweeps.
            var now = run.Clock.ElapsedMilliseconds;
            if (!force && now - run.LastManifestTicks < 1000) return;
            run.LastManifestTicks = now;
            var manifest = new RunManifest
            {
                RunId = run.RunId, Recipe = run.Plan.Recipe.Name, RecipeFile = run.Plan.Recipe.File, Status = status,
                FlowRunnerVersion = typeof(Executor).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0",
                Host = Environment.MachineName, Os = RuntimeInformation.OSDescription, DotnetVersion = RuntimeInformation.FrameworkDescription,
                CommandLine = options.CommandLine, Started = run.Started,
                Ended = status == "running" ? null : DateTimeOffset.Now,
                DurationSeconds = status == "running" ? null : run.Clock.Elapsed.TotalSeconds,
                Jobs = options.Jobs, TechFile = run.Plan.TechFile,
                Resolved = ResolvedRecipe(run.Plan),
                Points = run.Points.Select(p => new PointManifest(p.Id, p.Label, p.Params,
                    run.Plan.Stages[p.Id].Select(s => run.Records.GetValueOrDefault((p.Id, s.Id))).OfType<StageRecord>().ToList())).ToList(),
            };
            var file = Path.Combine(run.RunDir, options.ManifestName);
            var tmp = file + ".tmp";
            try
            {
                File.WriteAllText(tmp, JsonSerializer.Serialize(manifest, PlainJson.Options));
                File.Move(tmp, file, overwrite: true);
                run.ManifestError = null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A run.json that cannot be written (a full disk) must not end the run; the run is recorded as failed unless a later write succeeds.
                run.ManifestError = $"could not write {file}: {e.Message}";
                try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }

    private static object ResolvedRecipe(RunPlan plan)
    {
        var root = (OrderedMap)plan.Recipe.Root.ToPlain()!;
        root.Remove("extends");
        root["params"] = plan.Recipe.Params;
        var first = plan.Points[0].Id;
        root["stages"] = plan.Stages[first].Select(s => new OrderedMap
        {
            ["id"] = s.Id, ["kind"] = s.Spec.Kind, ["tool"] = s.Spec.Tool,
            ["needs"] = s.Spec.Needs.Select(n => (object?)n.Id).ToList(), ["with"] = s.Options,
        }).ToList();
        return root;
    }
}
