using System.Reflection;
using System.Runtime.Loader;
using FlowRunner.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace FlowRunner.Engine.Plugins;

/// <summary>Loads plug-in assemblies from a folder (plugins/*.dll and plugins/&lt;name&gt;/*.dll) and registers every public
/// <see cref="IStage"/> and <see cref="IToolAdapter"/> they contain; FlowRunner.Abstractions is shared with the host.</summary>
public static class PluginLoader
{
    /// <summary>Registers the plug-ins' stages and adapters; returns what was loaded and the problems met (bad files are reported, not fatal).</summary>
    public static PluginReport Load(IServiceCollection services, string folder)
    {
        var loaded = new List<string>();
        var problems = new List<string>();
        if (!Directory.Exists(folder)) return new PluginReport(loaded, problems);
        foreach (var dll in Candidates(folder))
        {
            try
            {
                var context = new PluginLoadContext(dll);
                var assembly = context.LoadFromAssemblyPath(dll);
                var types = assembly.GetExportedTypes().Where(t => t is { IsClass: true, IsAbstract: false }).ToList();
                var count = 0;
                foreach (var t in types.Where(typeof(IStage).IsAssignableFrom)) { services.AddSingleton(typeof(IStage), t); count++; }
                foreach (var t in types.Where(typeof(IToolAdapter).IsAssignableFrom)) { services.AddSingleton(typeof(IToolAdapter), t); count++; }
                if (count > 0) loaded.Add($"{Path.GetFileName(dll)}: {count} stage/adapter type(s)");
            }
            catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException or ReflectionTypeLoadException or TypeLoadException)
            {
                problems.Add($"plug-in {dll}: {e.Message}");
            }
        }
        return new PluginReport(loaded, problems);
    }

    private static IEnumerable<string> Candidates(string folder)
    {
        var top = Directory.EnumerateFiles(folder, "*.dll");
        // A plug-in published into its own folder: plugins/<name>/<name>.dll (its dependencies sit beside it).
        var nested = Directory.EnumerateDirectories(folder)
            .Select(d => Path.Combine(d, Path.GetFileName(d) + ".dll")).Where(File.Exists);
        return top.Concat(nested)
            .Where(f => !Path.GetFileName(f).StartsWith("FlowRunner.Abstractions", StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal);
    }

    /// <summary>One isolation context per plug-in: its own dependencies from its folder, the host's copy of anything the host already has.</summary>
    private sealed class PluginLoadContext(string path) : AssemblyLoadContext(Path.GetFileNameWithoutExtension(path), isCollectible: false)
    {
        private readonly AssemblyDependencyResolver _resolver = new(path);

        protected override Assembly? Load(AssemblyName name)
        {
            if (Default.Assemblies.Any(a => AssemblyName.ReferenceMatchesDefinition(a.GetName(), name)) || name.Name == "FlowRunner.Abstractions")
                return null;
            try
            {
                if (Default.LoadFromAssemblyName(name) is { }) return null;
            }
            catch (FileNotFoundException)
            {
            }
            return _resolver.ResolveAssemblyToPath(name) is { } p ? LoadFromAssemblyPath(p) : null;
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
            _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } p ? LoadUnmanagedDllFromPath(p) : IntPtr.Zero;
    }
}

/// <summary>What plug-in loading found: assemblies with stage types, and files that could not be loaded.</summary>
public sealed record PluginReport(IReadOnlyList<string> Loaded, IReadOnlyList<string> Problems);
