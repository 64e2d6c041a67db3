using System.Collections.Concurrent;
using FlowRunner.Abstractions;

namespace FlowRunner.Engine.Registry;

/// <summary>The stage kinds and adapters known to this process (built-in and plug-in), with cached tool probes and `tool: auto` choice.</summary>
public sealed class StageRegistry
{
    private readonly Dictionary<string, IStage> _stages;
    private readonly Dictionary<string, List<IToolAdapter>> _adapters;
    private readonly ConcurrentDictionary<IToolAdapter, Lazy<Task<IReadOnlyList<ToolInfo>>>> _probes = new();

    public StageRegistry(IEnumerable<IStage> stages, IEnumerable<IToolAdapter> adapters, IToolLocator locator)
    {
        Locator = locator;
        _stages = new Dictionary<string, IStage>(StringComparer.Ordinal);
        foreach (var s in stages)
            if (!_stages.TryAdd(s.Kind, s))
                throw new InvalidOperationException($"two stage kinds named '{s.Kind}' ({_stages[s.Kind].GetType().FullName}, {s.GetType().FullName})");
        _adapters = adapters.GroupBy(a => a.StageKind)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(a => a.Priority).ThenBy(a => a.Id, StringComparer.Ordinal).ToList());
        foreach (var (kind, list) in _adapters)
        {
            if (!_stages.ContainsKey(kind))
                throw new InvalidOperationException($"adapter '{list[0].Id}' ({list[0].GetType().FullName}) is for stage kind '{kind}', which is not registered");
            var dup = list.GroupBy(a => a.Id).FirstOrDefault(g => g.Count() > 1);
            if (dup is not null) throw new InvalidOperationException($"stage kind '{kind}' has two adapters named '{dup.Key}'");
        }
    }

    public IToolLocator Locator { get; }

    public IEnumerable<IStage> Stages => _stages.Values.OrderBy(s => s.Kind, StringComparer.Ordinal);

    public IStage? Stage(string kind) => _stages.GetValueOrDefault(kind);

    public IReadOnlyList<IToolAdapter> Adapters(string kind) => _adapters.TryGetValue(kind, out var l) ? l : [];

    /// <summary>The tools an adapter needs, found or not, with versions; probed once per process.</summary>
    public Task<IReadOnlyList<ToolInfo>> ProbeAsync(IToolAdapter adapter, CancellationToken ct = default) =>
        _probes.GetOrAdd(adapter, a => new Lazy<Task<IReadOnlyList<ToolInfo>>>(() => a.ProbeAsync(Locator, CancellationToken.None))).Value;

    public async Task<bool> IsAvailableAsync(IToolAdapter adapter, CancellationToken ct = default) =>
        Missing(adapter, await ProbeAsync(adapter, ct)).Count == 0;

    /// <summary>The required tools the probe did not find (optional tools may be missing).</summary>
    private static List<string> Missing(IToolAdapter adapter, IReadOnlyList<ToolInfo> probe) =>
        probe.Where(t => !t.Available && !adapter.OptionalTools.Contains(t.Name)).Select(t => t.Name).ToList();

    /// <summary>The adapter a stage runs with: the named one, or for "auto" the available one with the highest priority.</summary>
    public async Task<(IToolAdapter Adapter, IReadOnlyList<ToolInfo> Tools)> ResolveAsync(string kind, string tool, CancellationToken ct = default)
    {
        var list = Adapters(kind);
        if (list.Count == 0) throw new StageFailedException($"stage kind '{kind}' has no adapter");
        if (tool == "auto")
        {
            foreach (var a in list)
            {
                var probe = await ProbeAsync(a, ct);
                if (Missing(a, probe).Count == 0) return (a, probe);
            }
            throw new StageFailedException($"no adapter of '{kind}' is available: " + string.Join("; ",
                await Task.WhenAll(list.Select(async a => $"{a.Id} needs {string.Join(", ", Missing(a, await ProbeAsync(a, ct)))}"))));
        }
        var named = list.FirstOrDefault(a => a.Id == tool)
            ?? throw new StageFailedException($"stage kind '{kind}' has no adapter '{tool}' (adapters: {string.Join(", ", list.Select(a => a.Id))})");
        var tools = await ProbeAsync(named, ct);
        var missing = Missing(named, tools);
        if (missing.Count > 0)
            throw new StageFailedException($"adapter '{tool}' of '{kind}' needs {string.Join(", ", missing)}, not found on PATH (set FLOWRUNNER_TOOL_<NAME> to point at it, or use `tool: auto`)");
        return (named, tools);
    }
}
