using System.Collections.Concurrent;

namespace FlowRunner.Engine.Execution;

/// <summary>Another live process owns the run folder.</summary>
public sealed class RunInUseException(string message) : IOException(message);

/// <summary>The owner lock of a run folder (run.lock): an exclusive OS file lock held while a process runs or reports the run, so a run
/// recorded as running whose lock nobody holds is known to be interrupted (its owner died). Reentrant within a process.</summary>
public sealed class RunLock : IDisposable
{
    public const string FileName = "run.lock";

    private static readonly ConcurrentDictionary<string, (FileStream Stream, int Count)> Held = new();
    private static readonly object Gate = new();
    private readonly string _file;
    private bool _disposed;

    private RunLock(string file) => _file = file;

    /// <summary>Takes the lock of <paramref name="runDirectory"/>; throws <see cref="IOException"/> naming the owner when another live process holds it.</summary>
    public static RunLock Acquire(string runDirectory, string fileName = FileName)
    {
        var file = Path.GetFullPath(Path.Combine(runDirectory, fileName));
        lock (Gate)
        {
            if (Held.TryGetValue(file, out var h))
            {
                Held[file] = (h.Stream, h.Count + 1);
                return new RunLock(file);
            }
            Directory.CreateDirectory(runDirectory);
            FileStream stream;
            try
            {
                stream = new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (File.Exists(file))
            {
                throw new RunInUseException($"{runDirectory} is in use by another flowrunner ({Owner(file)}); wait for it or choose another --run-id");
            }
            stream.SetLength(0);
            using (var w = new StreamWriter(stream, leaveOpen: true)) w.Write($"pid {Environment.ProcessId} on {Environment.MachineName} since {DateTimeOffset.Now:O}\n");
            stream.Flush();
            Held[file] = (stream, 1);
            return new RunLock(file);
        }
    }

    /// <summary>True when a live process (this one included) holds the lock of <paramref name="runDirectory"/>.</summary>
    public static bool IsHeld(string runDirectory, string fileName = FileName)
    {
        var file = Path.GetFullPath(Path.Combine(runDirectory, fileName));
        if (Held.ContainsKey(file)) return true;
        if (!File.Exists(file)) return false;
        try
        {
            using var probe = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return true; // cannot tell: do not call a run interrupted on a guess
        }
    }

    private static string Owner(string file)
    {
        try
        {
            using var s = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new StreamReader(s).ReadToEnd().Trim();
        }
        catch (IOException) { return "owner unknown"; }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        lock (Gate)
        {
            if (!Held.TryGetValue(_file, out var h)) return;
            if (h.Count > 1) { Held[_file] = (h.Stream, h.Count - 1); return; }
            Held.TryRemove(_file, out _);
            h.Stream.Dispose();
        }
    }
}
