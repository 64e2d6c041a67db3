using System.Collections.Concurrent;
using FlowRunner.Abstractions;

namespace FlowRunner.Engine.Tests.Support;

/// <summary>Test-only stage kinds for the engine: they do small, checkable work and count how often they really ran.</summary>
public static class TestStages
{
    public static readonly ConcurrentDictionary<string, int> Runs = new();

    public static int RunCount(string workspace, string stageId) => Runs.GetValueOrDefault($"{workspace}|{stageId}");

    public static (IStage[] Stages, IToolAdapter[] Adapters) All() =>
        ([new TestKind("test.emit", [new("value", OptionType.String, "x", "text to write"), new("count", OptionType.Int, 1, "a number"), new("seed", OptionType.Int, null, "seed"),
              new("candidates", OptionType.Int, 0, "alternatives left in candidates.json, the i-th with length i")]),
          new TestKind("test.sum", []),
          new TestKind("test.fail", [new("message", OptionType.String, "boom", "error text")]),
          new TestKind("test.meet", [new("group", OptionType.String, "g", "stages of a group wait for each other"), new("tag", OptionType.String, "", "makes stages differ")]),
          new TestKind("test.shell", [new("script", OptionType.String, "true", "sh script"), new("transient", OptionType.Bool, false, "retry any failure")]),
          new TestKind("test.write", [new("path", OptionType.String, "out.txt", "where the stage writes, relative to its folder"), new("artifact", OptionType.String, "", "artifact path it reports (default: path)"),
              new("link_to", OptionType.String, "", "when set, `path` is made a symbolic link to this path instead of a file (written with | for / and ^ for .., as a plug-in's own constant would be, not a path the recipe reads)")]),
          new TestKind("test.block", []),
          new TestKind("test.read", [new("file", OptionType.String, null, "a file to read (relative to the recipe)", Required: true),
              new("cell", OptionType.String, "INV", "a cell name that reaches a script as it is") { PlainName = true }])],
         [new Emit(), new Sum(), new Fail(), new Meet(), new Shell(), new Write(), new Block(), new Read()]);

    private sealed class TestKind(string kind, IReadOnlyList<StageOption> options) : IStage
    {
        public string Kind => kind;
        public string Description => "test stage";
        public IReadOnlyList<StageOption> Options => options;
    }

    private abstract class Adapter(string kind) : IToolAdapter
    {
        public string StageKind => kind;
        public string Id => "test";
        public int Priority => 0;
        public virtual IReadOnlyList<string> RequiredTools => [];
        public Task<IReadOnlyList<ToolInfo>> ProbeAsync(IToolLocator locator, CancellationToken ct) => Task.FromResult<IReadOnlyList<ToolInfo>>([]);

        public Task<StageResult> RunAsync(StageContext c, CancellationToken ct)
        {
            var workspace = Path.GetDirectoryName(Path.GetDirectoryName(c.DataDirectory))!;
            Runs.AddOrUpdate($"{workspace}|{c.StageId}", 1, (_, n) => n + 1);
            return Run(c, ct);
        }

        protected abstract Task<StageResult> Run(StageContext c, CancellationToken ct);
    }

    private sealed class Emit() : Adapter("test.emit")
    {
        protected override async Task<StageResult> Run(StageContext c, CancellationToken ct)
        {
            var text = c.Options.String("value") + new string('!', (int)c.Options.Int("count") - 1);
            await File.WriteAllTextAsync(c.PathOf("value.txt"), text, ct);
            var candidates = c.Options.Int("candidates");
            if (candidates > 0)
                Results.StageCandidates.Write(c.Directory, Enumerable.Range(1, candidates).Select(i => new Results.StageCandidate($"c{i}", $"alternative {i}",
                    new Dictionary<string, object?> { ["alt"] = (long)i }, new Dictionary<string, double> { ["length"] = i }, new Dictionary<string, string>())).ToList());
            return new StageResult([new Metric("length", text.Length)], [new Artifact("value", "value.txt")]);
        }
    }

    private sealed class Read() : Adapter("test.read")
    {
        protected override async Task<StageResult> Run(StageContext c, CancellationToken ct) =>
            new([new Metric("bytes", (await File.ReadAllBytesAsync(c.ResolvePath(c.Options.String("file")), ct)).Length)], []);
    }

    private sealed class Sum() : Adapter("test.sum")
    {
        protected override async Task<StageResult> Run(StageContext c, CancellationToken ct)
        {
            var parts = new List<string>();
            foreach (var i in c.Inputs.Where(i => c.Needs.Contains(i.StageId) && i.HasArtifact("value")))
                parts.Add(await File.ReadAllTextAsync(i.ArtifactPath("value"), ct));
            await File.WriteAllTextAsync(c.PathOf("value.txt"), string.Join("+", parts), ct);
            return new StageResult([new Metric("inputs", c.Inputs.Count)], [new Artifact("value", "value.txt")]);
        }
    }

    private sealed class Fail() : Adapter("test.fail")
    {
        protected override Task<StageResult> Run(StageContext c, CancellationToken ct)
        {
            File.WriteAllText(c.PathOf("partial.txt"), "half");
            c.Log.Info("about to fail");
            throw new StageFailedException(c.Options.String("message"));
        }
    }

    /// <summary>Completes only when every stage of its group has started: proof that they ran at the same time.</summary>
    private sealed class Meet() : Adapter("test.meet")
    {
        private static readonly ConcurrentDictionary<string, TaskCompletionSource> Groups = new();
        private static readonly ConcurrentDictionary<string, int> Arrived = new();

        protected override async Task<StageResult> Run(StageContext c, CancellationToken ct)
        {
            var group = c.Options.String("group");
            var tcs = Groups.GetOrAdd(group, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            if (Arrived.AddOrUpdate(group, 1, (_, n) => n + 1) >= 2) tcs.TrySetResult();
            var finished = await Task.WhenAny(tcs.Task, Task.Delay(TimeSpan.FromSeconds(20), ct));
            if (finished != tcs.Task) throw new StageFailedException($"the other stage of group '{group}' never started alongside this one");
            return StageResult.Empty;
        }
    }

    /// <summary>Writes where its options say, through <see cref="StageContext.PathOf"/>, and reports the artifact it is told to: a plug-in that
    /// tries to leave its folder.</summary>
    private sealed class Write() : Adapter("test.write")
    {
        protected override async Task<StageResult> Run(StageContext c, CancellationToken ct)
        {
            var path = c.Options.String("path");
            if (c.Options.String("link_to") is { Length: > 0 } target) File.CreateSymbolicLink(c.PathOf(path), target.Replace('|', '/').Replace("^", ".."));
            else await File.WriteAllTextAsync(c.PathOf(path), "x", ct);
            var artifact = c.Options.String("artifact");
            return new StageResult([], [new Artifact("out", artifact.Length > 0 ? artifact : path)]);
        }
    }

    /// <summary>Leaves a folder where the engine writes metrics.json: storing its outputs fails as on a full disk.</summary>
    private sealed class Block() : Adapter("test.block")
    {
        protected override Task<StageResult> Run(StageContext c, CancellationToken ct)
        {
            Directory.CreateDirectory(c.PathOf("metrics.json"));
            File.WriteAllText(c.PathOf("metrics.json/x"), "x");
            return Task.FromResult(StageResult.Empty);
        }
    }

    private sealed class Shell() : Adapter("test.shell")
    {
        public override IReadOnlyList<string> RequiredTools => ["sh"];

        protected override async Task<StageResult> Run(StageContext c, CancellationToken ct)
        {
            var transient = c.Options.Bool("transient");
            var r = await c.Tools.RunAsync(new ToolInvocation("sh", ["-c", c.Options.String("script")])
            {
                IsTransient = transient ? _ => true : null,
            }, ct);
            await File.WriteAllTextAsync(c.PathOf("out.txt"), r.StandardOutput, ct);
            return new StageResult([new Metric("attempts", r.Attempts)], [new Artifact("out", "out.txt")]);
        }
    }
}
