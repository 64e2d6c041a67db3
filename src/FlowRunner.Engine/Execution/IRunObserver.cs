namespace FlowRunner.Engine.Execution;

/// <summary>Receives run events for progress displays and logs; called from many threads at once.</summary>
public interface IRunObserver
{
    void RunStarted(string runId, string runDirectory, int points, int stages) { }
    void StageStarted(string pointId, string stageId, string kind, string adapter) { }
    void StageProgress(string pointId, string stageId, double fraction, string status) { }
    void StageMessage(string pointId, string stageId, string level, string message) { }
    void StageFinished(StageRecord record) { }
    void RunFinished(RunSummary summary) { }
}

/// <summary>An observer that ignores everything.</summary>
public sealed class NullRunObserver : IRunObserver
{
    public static readonly NullRunObserver Instance = new();
}

/// <summary>How a run ended: its folder, every stage record and the exit code (0 all done, 1 a stage failed).</summary>
public sealed record RunSummary(string RunId, string RunDirectory, string Status, IReadOnlyList<StageRecord> Stages, TimeSpan Duration)
{
    public int ExitCode => Status == "succeeded" ? 0 : 1;

    /// <summary>A problem of the run itself rather than of a stage (run.json could not be written), or null.</summary>
    public string? Problem { get; init; }
    public int Count(string status) => Stages.Count(s => s.Status == status);

    /// <summary>True when every stage was served from the cache (no stage ran, none failed or was skipped).</summary>
    public bool AllFromCache => Stages.Count > 0 && Stages.All(s => s.Status == StageStatus.Cached);
}

/// <summary>Settings of one run: workspace (where runs/ and .flowrunner/ live), parallel jobs, cache bypass.</summary>
public sealed record ExecutorOptions
{
    public string Workspace { get; init; } = Environment.CurrentDirectory;
    public int Jobs { get; init; } = Environment.ProcessorCount;

    /// <summary>Threads one in-process stage may use; 0 shares the cores among the stages running when it starts. Results never depend on it.</summary>
    public int ThreadsPerStage { get; init; }

    /// <summary>The threads a stage gets when it starts with <paramref name="running"/> stages computing (itself included): the cores shared
    /// among them, so a stage that runs alone (the shared training at the start of a sweep) gets every core and a full set of jobs one each.</summary>
    public int StageThreads(int running) =>
        ThreadsPerStage > 0 ? ThreadsPerStage : Math.Max(1, Environment.ProcessorCount / Math.Clamp(running, 1, Math.Max(1, Jobs)));

    /// <summary>Run every stage again, ignoring the cache (results still go into it).</summary>
    public bool Force { get; init; }

    /// <summary>Run this stage and everything downstream of it again.</summary>
    public string? FromStage { get; init; }

    /// <summary>Run only these design points (ids); null runs all.</summary>
    public IReadOnlySet<string>? OnlyPoints { get; init; }

    /// <summary>A fixed run id (to write into a given run folder, e.g. from a Slurm array task); null makes a new one.</summary>
    public string? RunId { get; init; }

    public string CommandLine { get; init; } = Environment.CommandLine;

    /// <summary>File name of the run manifest in the run folder; a cluster task writes its own (run.&lt;point&gt;.json) and the controller merges them.</summary>
    public string ManifestName { get; init; } = "run.json";

    /// <summary>The caller writes a report after the stages (the CLI's `run`): run.json then says "reporting" until the caller records the
    /// final status with <see cref="Executor.RecordFinalStatus"/>, so a run killed before its report never reads as succeeded.</summary>
    public bool ReportFollows { get; init; }

    public string RunsDirectory => Path.Combine(Workspace, "runs");
    public string StateDirectory => Path.Combine(Workspace, ".flowrunner");
}
