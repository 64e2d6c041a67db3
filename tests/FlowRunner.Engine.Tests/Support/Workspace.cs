using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Registry;
using FlowRunner.Engine.Tools;

namespace FlowRunner.Engine.Tests.Support;

/// <summary>A temporary workspace with the test stages registered: write recipes, plan and run them.</summary>
public sealed class Workspace : IDisposable
{
    public Workspace()
    {
        Root = Path.Combine(Path.GetTempPath(), "fr-test-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Root);
        var (stages, adapters) = TestStages.All();
        Registry = new StageRegistry(stages, adapters, new ToolLocator());
    }

    public string Root { get; }
    public StageRegistry Registry { get; }

    public string Write(string name, string yaml)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, yaml.Replace("\t", "  "));
        return path;
    }

    /// <summary>Plans as the CLI does with this workspace: recipes read inside their folder, the workspace and <see cref="AllowedReads"/>.</summary>
    public RunPlan Plan(string file, params string[] sets) => RunPlanner.PlanFile(file, sets, Registry, new Engine.Paths.ReadPolicy(Root, AllowedReads));

    public List<string> AllowedReads { get; } = [];

    public Task<RunSummary> RunAsync(string file, ExecutorOptions? options = null, params string[] sets) =>
        new Executor(Registry, (options ?? new ExecutorOptions()) with { Workspace = Root }, NullRunObserver.Instance)
            .RunAsync(Plan(file, sets), CancellationToken.None);

    public int Runs(string stageId) => TestStages.RunCount(Root, stageId);

    public void Dispose()
    {
        try { Directory.Delete(Root, true); } catch (IOException) { }
    }
}
