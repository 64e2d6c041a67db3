using System.CommandLine;
using FlowRunner.Engine;
using FlowRunner.Engine.Registry;
using FlowRunner.Stages;
using Microsoft.Extensions.DependencyInjection;

namespace FlowRunner.Cli;

/// <summary>Options every command accepts, and the service container built from them.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string> Workspace = new("--workspace", "-C")
    {
        Description = "Folder that holds runs/ and .flowrunner/ (cache, results, datasets). Default: the current folder.",
        Recursive = true,
        DefaultValueFactory = _ => Environment.CurrentDirectory,
    };

    public static readonly Option<string?> Plugins = new("--plugins")
    {
        Description = "Folder of plug-in assemblies. Default: $FLOWRUNNER_PLUGINS, else plugins/ in the workspace.",
        Recursive = true,
    };

    public static readonly Option<string[]> AllowPath = new("--allow-path")
    {
        Description = "Also let recipes read files in this folder (repeatable; also $" + Engine.Paths.ReadPolicy.EnvironmentVariable + "). By default a recipe reads only inside its own folder and the workspace.",
        Recursive = true,
        DefaultValueFactory = _ => [],
    };

    /// <summary>Where recipes may read files from: the recipe's folder, the workspace and every --allow-path.</summary>
    public static Engine.Paths.ReadPolicy ReadsOf(ParseResult r) =>
        new(WorkspaceOf(r), (r.GetValue(AllowPath) ?? []).Select(Path.GetFullPath).ToList());

    public static string WorkspaceOf(ParseResult r) => Path.GetFullPath(r.GetValue(Workspace) ?? Environment.CurrentDirectory);

    /// <summary>Why the workspace cannot hold runs/ and .flowrunner/ (a missing parent, a file in the way, a read-only file system), or null:
    /// checked before a run starts so the error names the option instead of failing deep in the results store.</summary>
    public static string? UnwritableWorkspace(ParseResult r)
    {
        var ws = WorkspaceOf(r);
        try
        {
            var state = Path.Combine(ws, ".flowrunner");
            Directory.CreateDirectory(state);
            var probe = Path.Combine(state, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"--workspace {ws}: cannot write there ({e.Message})";
        }
    }

    /// <summary>The container with built-in stages, plug-ins and the engine; plug-in problems are printed as warnings.</summary>
    public static string PluginFolderOf(ParseResult r) =>
        Path.GetFullPath(r.GetValue(Plugins) ?? Environment.GetEnvironmentVariable("FLOWRUNNER_PLUGINS") ?? Path.Combine(WorkspaceOf(r), "plugins"));

    public static ServiceProvider Services(ParseResult r)
    {
        var folder = PluginFolderOf(r);
        var services = new ServiceCollection();
        services.AddBuiltInStages();
        var report = services.AddFlowRunnerEngine(Path.GetFullPath(folder));
        foreach (var p in report.Problems) Console.Error.WriteLine($"warning: {p}");
        return services.BuildServiceProvider();
    }

    /// <summary>The built-in stages and the engine without plug-ins (the benchmarks' registry).</summary>
    public static ServiceProvider BuiltInServices()
    {
        var services = new ServiceCollection();
        services.AddBuiltInStages();
        services.AddFlowRunnerEngine(null);
        return services.BuildServiceProvider();
    }

    public static StageRegistry Registry(ServiceProvider sp) => sp.GetRequiredService<StageRegistry>();
}
