using FlowRunner.Abstractions;

namespace FlowRunner.Stages.Tests.Support;

/// <summary>A stage log that keeps what a stage said, for assertions; safe for stages that log from several threads.</summary>
public sealed class RecordingLog : IStageLog
{
    private readonly List<(bool Warning, string Text)> _lines = [];

    /// <summary>Every line in order, warnings prefixed "warn: ".</summary>
    public IReadOnlyList<string> Lines { get { lock (_lines) return _lines.Select(l => l.Warning ? "warn: " + l.Text : l.Text).ToList(); } }
    public IReadOnlyList<string> Infos { get { lock (_lines) return _lines.Where(l => !l.Warning).Select(l => l.Text).ToList(); } }
    public IReadOnlyList<string> Warnings { get { lock (_lines) return _lines.Where(l => l.Warning).Select(l => l.Text).ToList(); } }

    public void Info(string message) { lock (_lines) _lines.Add((false, message)); }
    public void Warn(string message) { lock (_lines) _lines.Add((true, message)); }
    public void Progress(double fraction, string status) { }
}

/// <summary>For stages that must not run or look for tools: any run is a test failure, and no tool is found.</summary>
public sealed class NoTools : IToolRunner, IToolLocator
{
    public Task<ToolResult> RunAsync(ToolInvocation invocation, CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"this stage must not run tools, but ran {invocation.Tool}");
    public string? Find(string name) => null;
    public Task<string?> VersionAsync(string name, IReadOnlyList<string> arguments, CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}
