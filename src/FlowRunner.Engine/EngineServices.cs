using FlowRunner.Abstractions;
using FlowRunner.Engine.Plugins;
using FlowRunner.Engine.Registry;
using FlowRunner.Engine.Tools;
using Microsoft.Extensions.DependencyInjection;

namespace FlowRunner.Engine;

/// <summary>Registers the engine's services: tool locator, stage registry and plug-ins from a folder.</summary>
public static class EngineServices
{
    public static PluginReport AddFlowRunnerEngine(this IServiceCollection services, string? pluginFolder)
    {
        services.AddSingleton<IToolLocator, ToolLocator>();
        services.AddSingleton<StageRegistry>();
        return pluginFolder is null ? new PluginReport([], []) : PluginLoader.Load(services, pluginFolder);
    }
}
