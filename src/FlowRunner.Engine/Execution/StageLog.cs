using FlowRunner.Abstractions;

namespace FlowRunner.Engine.Execution;

/// <summary>Writes a stage's messages to its stage.log (flushed line by line, so a killed run keeps them) and forwards them to the observer.</summary>
internal sealed class StageLog(string file, string pointId, string stageId, IRunObserver observer) : IStageLog, IDisposable
{
    private readonly StreamWriter _writer = new(file, append: true) { AutoFlush = true };
    private readonly object _lock = new();

    public void Info(string message) => Write("info", message);

    public void Warn(string message)
    {
        Write("warn", message);
        observer.StageMessage(pointId, stageId, "warn", message);
    }

    public void Progress(double fraction, string status) => observer.StageProgress(pointId, stageId, Math.Clamp(fraction, 0, 1), status);

    private void Write(string level, string message)
    {
        lock (_lock) _writer.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {level,-4} {message}");
    }

    public void Dispose()
    {
        lock (_lock) _writer.Dispose();
    }
}
