using FlowRunner.Abstractions;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Tools;
using FlowRunner.Stages.Synthesis;
using FlowRunner.Tech;

using FlowRunner.Stages.Tests.Support;

namespace FlowRunner.Stages.Tests.Synthesis;

/// <summary>A temporary folder with a fake hls.emit stage (schedule.json + rtl/) and StageContexts for the synth adapters, with the real tool runner.</summary>
internal sealed class SynthFixture : IDisposable
{
    public string Root { get; }
    public RecordingLog Log { get; } = new();

    public SynthFixture() : this(Path.Combine(Path.GetTempPath(), "flowrunner-synth-" + Guid.NewGuid().ToString("N")[..10])) { }

    /// <summary>A fixture in a given folder (the injection tests put metacharacters in its name).</summary>
    public SynthFixture(string root)
    {
        Root = root;
        Directory.CreateDirectory(Root);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }

    public static string Data(string relative) => Path.Combine(AppContext.BaseDirectory, "Synthesis", "Data", relative);

    /// <summary>Copies the saved fixture accelerator (Data/fixture) as the hls.emit folder.</summary>
    public string CopyFixtureHls(string name = "hls")
    {
        var target = Path.Combine(Root, name);
        foreach (var f in Directory.EnumerateFiles(Data("fixture"), "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(Data("fixture"), f));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(f, to);
        }
        return target;
    }

    /// <summary>An hls.emit folder holding the given RTL files and schedule text.</summary>
    public string WriteHls(string schedule, IReadOnlyDictionary<string, string> rtl, string name = "hls")
    {
        var target = Path.Combine(Root, name);
        Directory.CreateDirectory(Path.Combine(target, "rtl"));
        File.WriteAllText(Path.Combine(target, "schedule.json"), schedule);
        foreach (var (file, text) in rtl) File.WriteAllText(Path.Combine(target, file), text);
        return target;
    }

    public static string TechFile(string tech) => TestContexts.TechFile(tech);

    public StageContext Context(string hlsDir, string tech, string adapter, Dictionary<string, object?>? with = null, string stage = "synth",
        IToolLocator? locator = null, RetrySpec? retry = null, string? directory = null)
    {
        var dir = directory ?? Path.Combine(Root, $"{stage}-{tech}-{adapter}");
        Directory.CreateDirectory(dir);
        locator ??= new ToolLocator();
        // Two attempts, short back-off: a real crash is retried once, a syntax error fails at once.
        return TestContexts.Stage(Root, stage, SynthStage.KindName, adapter, dir, with,
            [new StageOutput("hls", "hls.emit", "emit", hlsDir, [], [new Artifact("schedule", "schedule.json")])], tech, Log,
            new ToolRunner(dir, Log, retry ?? new RetrySpec(2, 0.1, 120), locator), locator, needs: ["hls"]);
    }
}

/// <summary>Finds every tool on the PATH except one, which it replaces by a given program (a fake that crashes or hangs).</summary>
internal sealed class SubstituteLocator(string tool, string program) : IToolLocator
{
    private readonly ToolLocator _real = new();
    public string? Find(string name) => name == tool ? program : _real.Find(name);
    public Task<string?> VersionAsync(string name, IReadOnlyList<string> arguments, CancellationToken cancellationToken) => Task.FromResult<string?>("fake");
}

