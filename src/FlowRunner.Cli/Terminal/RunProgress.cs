using System.Collections.Concurrent;
using System.Diagnostics;
using FlowRunner.Engine.Execution;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace FlowRunner.Cli.Terminal;

/// <summary>How a run shows its progress: a live table, plain log lines (for CI and pipes), or only failures and the summary.</summary>
internal enum ProgressMode { Live, Plain, Quiet }

/// <summary>Shows a run's progress on the console and prints the summary with failures and their log tails.</summary>
internal sealed class RunProgress(ProgressMode mode) : IRunObserver
{
    private readonly ConcurrentDictionary<(string, string), (string Kind, string Adapter, Stopwatch Clock, double Fraction, string Status)> _running = new();
    private readonly ConcurrentQueue<string> _recent = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<string, (int Finished, bool Failed, bool AllCached)> _pointState = new();
    private int _total, _points, _done, _cached, _failed, _skipped;
    private string _runId = "";

    public static ProgressMode Choose(bool quiet, bool plain) =>
        quiet ? ProgressMode.Quiet
        : plain || Environment.GetEnvironmentVariable("CI") is { Length: > 0 } || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive
            ? ProgressMode.Plain : ProgressMode.Live;

    /// <summary>Runs the work under the chosen display.</summary>
    public async Task<T> ShowAsync<T>(Func<Task<T>> work)
    {
        if (mode != ProgressMode.Live) return await work();
        T result = default!;
        await AnsiConsole.Live(Render()).AutoClear(true).StartAsync(async ctx =>
        {
            var task = work();
            while (!task.IsCompleted)
            {
                ctx.UpdateTarget(Render());
                await Task.WhenAny(task, Task.Delay(200));
            }
            result = await task;
        });
        return result;
    }

    public void RunStarted(string runId, string runDirectory, int points, int stages)
    {
        _runId = runId;
        _total = stages;
        _points = points;
        if (mode != ProgressMode.Quiet) Console.WriteLine($"run {runId}: {points} design point(s), {stages} stage(s) -> {Path.GetRelativePath(Environment.CurrentDirectory, runDirectory)}");
    }

    public void StageStarted(string pointId, string stageId, string kind, string adapter)
    {
        _running[(pointId, stageId)] = (kind, adapter, Stopwatch.StartNew(), 0, "");
        if (mode == ProgressMode.Plain) Line($"start  {pointId}/{stageId} ({kind}, {adapter})");
    }

    public void StageProgress(string pointId, string stageId, double fraction, string status)
    {
        if (!_running.TryGetValue((pointId, stageId), out var r)) return;
        _running[(pointId, stageId)] = r with { Fraction = fraction, Status = status };
        // Plain mode (CI logs) gets a line when the status text changes, at most every few seconds a stage, so a long training or
        // accuracy sweep shows its epochs and images instead of sitting silent.
        if (mode != ProgressMode.Plain || status == r.Status || status.Length == 0) return;
        var now = _clock.Elapsed.TotalSeconds;
        var last = _lastProgressLine.GetValueOrDefault((pointId, stageId), double.NegativeInfinity);
        if (now - last < PlainProgressEverySeconds) return;
        _lastProgressLine[(pointId, stageId)] = now;
        Line($"{"progress",-9} {pointId}/{stageId} {fraction * 100,3:F0}% {status}");
    }

    private const double PlainProgressEverySeconds = 5;
    private readonly ConcurrentDictionary<(string, string), double> _lastProgressLine = new();

    public void StageMessage(string pointId, string stageId, string level, string message)
    {
        if (mode == ProgressMode.Plain) Line($"{level,-6} {pointId}/{stageId}: {message}");
        else if (mode == ProgressMode.Live) Recent($"[yellow]{level}[/] {Esc(pointId)}/{Esc(stageId)}: {Esc(message)}");
    }

    public void StageFinished(StageRecord r)
    {
        _running.TryRemove((r.PointId, r.StageId), out _);
        _pointState.AddOrUpdate(r.PointId, _ => (1, !r.Succeeded, r.Status == StageStatus.Cached),
            (_, s) => (s.Finished + 1, s.Failed || !r.Succeeded, s.AllCached && r.Status == StageStatus.Cached));
        switch (r.Status)
        {
            case StageStatus.Done: Interlocked.Increment(ref _done); break;
            case StageStatus.Cached: Interlocked.Increment(ref _cached); break;
            case StageStatus.Failed: Interlocked.Increment(ref _failed); break;
            default: Interlocked.Increment(ref _skipped); break;
        }
        var metrics = string.Join(" ", r.Metrics.Take(4).Select(m => m.ToString()));
        var text = $"{r.Status,-9} {r.PointId}/{r.StageId} {r.Adapter} {r.DurationSeconds:F2}s {metrics}".TrimEnd();
        if (mode == ProgressMode.Plain) Line(text + (r.Error is null ? "" : $" -- {FirstLine(r.Error)}"));
        else if (mode == ProgressMode.Live) Recent(Color(r.Status) + Esc(text) + "[/]");
    }

    private static string FirstLine(string s) => s.Split('\n')[0];

    private void Line(string s) => Console.WriteLine($"[{_clock.Elapsed:hh\\:mm\\:ss}] {s}");

    private void Recent(string markup)
    {
        _recent.Enqueue(markup);
        while (_recent.Count > 6) _recent.TryDequeue(out _);
    }

    private static string Esc(string s) => Markup.Escape(s);

    private static string Color(string status) => status switch
    {
        StageStatus.Done => "[green]",
        StageStatus.Cached => "[blue]",
        StageStatus.Failed => "[red]",
        _ => "[grey]",
    };

    private IRenderable Render()
    {
        var finished = _done + _cached + _failed + _skipped;
        var eta = _done + _cached > 0 && finished < _total
            ? $" · about {TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds / finished * (_total - finished)):hh\\:mm\\:ss} left" : "";
        var head = new Markup($"[bold]{Esc(_runId)}[/]  {finished}/{_total} stages · [green]{_done} done[/] · [blue]{_cached} cached[/] · " +
                              $"{_running.Count} running · [red]{_failed} failed[/] · [grey]{_skipped} skipped[/] · {_clock.Elapsed:hh\\:mm\\:ss}{eta}");
        var table = new Table().Border(TableBorder.Simple).AddColumn("stage").AddColumn("adapter").AddColumn("progress").AddColumn("time");
        foreach (var ((point, stage), r) in _running.OrderBy(x => x.Value.Clock.Elapsed).Reverse().Take(12))
        {
            var bar = new string('#', (int)(r.Fraction * 20)).PadRight(20, '.');
            table.AddRow(Esc(_points > 1 ? $"{point}/{stage}" : stage), Esc(r.Adapter), Esc($"{bar} {r.Fraction:P0} {r.Status}"), $"{r.Clock.Elapsed.TotalSeconds:F1}s");
        }
        var rows = new List<IRenderable> { head };
        if (_points > 1)
        {
            var perPoint = _total / Math.Max(1, _points);
            var states = _pointState.Values.ToList();
            var complete = states.Where(x => x.Finished >= perPoint).ToList();
            rows.Add(new Markup($"design points: {complete.Count(x => !x.Failed)}/{_points} done ({complete.Count(x => x.AllCached)} from cache) · " +
                                $"{states.Count(x => x.Finished < perPoint)} running · [red]{states.Count(x => x.Failed)} failed[/]"));
        }
        if (_running.Count > 0) rows.Add(table);
        rows.AddRange(_recent.Select(m => new Markup(m)));
        return new Rows(rows);
    }

    /// <summary>The end of a run: a table of stages (one point) or of points (a sweep), then each failure with its log tail.</summary>
    public void PrintSummary(RunSummary s)
    {
        if (mode != ProgressMode.Quiet)
        {
            var byPoint = s.Stages.GroupBy(r => r.PointId).ToList();
            if (byPoint.Count == 1)
            {
                var t = new Table().Border(TableBorder.Rounded).AddColumns("stage", "status", "adapter", "time", "metrics");
                foreach (var r in s.Stages)
                    t.AddRow(Esc(r.StageId), Color(r.Status) + Esc(r.Status) + "[/]", Esc(r.Adapter), $"{r.DurationSeconds:F2}s",
                        Esc(string.Join("  ", r.Metrics.Take(6).Select(m => m.ToString()))));
                AnsiConsole.Write(t);
            }
            else
            {
                var t = new Table().Border(TableBorder.Rounded).AddColumns("point", "status", "stages done/cached", "failed stage");
                foreach (var g in byPoint)
                {
                    var failed = g.FirstOrDefault(r => r.Status == StageStatus.Failed);
                    var status = g.All(r => r.Succeeded) ? "ok" : failed is not null ? "failed" : "incomplete";
                    t.AddRow(Esc(g.Key), Esc(status), $"{g.Count(r => r.Status == StageStatus.Done)}/{g.Count(r => r.Status == StageStatus.Cached)}", Esc(failed?.StageId ?? ""));
                }
                AnsiConsole.Write(t);
            }
        }
        foreach (var f in s.Stages.Where(r => r.Status == StageStatus.Failed))
        {
            Console.Error.WriteLine($"error: {f.PointId}/{f.StageId} ({f.Kind}, {f.Adapter}) failed: {f.Error}");
            var log = f.Directory is null ? null : Path.Combine(f.Directory, "stage.log");
            if (log is not null && File.Exists(log))
            {
                Console.Error.WriteLine($"  log: {log} (last lines)");
                foreach (var l in File.ReadLines(log).TakeLast(8)) Console.Error.WriteLine("  | " + l);
            }
        }
        if (s.Problem is not null) Console.Error.WriteLine($"error: {s.Problem}");
        var cachedNote = s.AllFromCache ? " (everything came from the cache; no stage work was done)" : "";
        Console.WriteLine($"{s.Status}: {s.Count(StageStatus.Done)} done, {s.Count(StageStatus.Cached)} cached, {s.Count(StageStatus.Failed)} failed, " +
                                 $"{s.Count(StageStatus.Skipped)} skipped in {s.Duration.TotalSeconds:F1} s{cachedNote}. Run folder: {s.RunDirectory}");
    }
}
