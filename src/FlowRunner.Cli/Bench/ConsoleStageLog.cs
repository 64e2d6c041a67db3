using FlowRunner.Abstractions;

namespace FlowRunner.Cli.Bench;

/// <summary>The stage log of benchmarks that run stages' code outside the engine: lines go to the console.</summary>
internal sealed class ConsoleStageLog : IStageLog
{
    public void Info(string message) => Console.WriteLine(message);
    public void Warn(string message) => Console.WriteLine("warning: " + message);
    public void Progress(double fraction, string status) { }
}

/// <summary>A stage log that drops every line, for tools whose output the benchmark reads itself (it reports failures from the result).</summary>
internal sealed class QuietStageLog : IStageLog
{
    public void Info(string message) { }
    public void Warn(string message) { }
    public void Progress(double fraction, string status) { }
}
