using FlowRunner.Abstractions;
using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Registry;
using FlowRunner.Engine.Tests.Support;
using FlowRunner.Engine.Tools;

namespace FlowRunner.Engine.Tests;

/// <summary>Stage contracts: the views a stage needs must have a producer upstream before anything runs, and a stage that breaks what it
/// declared (a view not written, a metric missing, in another unit or undeclared, a tool it did not declare) fails.</summary>
public class ContractTests
{
    private static readonly View Layout = new("layout", "a test view");

    private static StageRegistry Registry(params (IStage Stage, IToolAdapter Adapter)[] extra)
    {
        var (stages, adapters) = TestStages.All();
        return new StageRegistry(stages.Concat(extra.Select(e => e.Stage)), adapters.Concat(extra.Select(e => e.Adapter)), new ToolLocator());
    }

    [Fact]
    public void A_stage_that_needs_a_view_nobody_upstream_writes_is_refused_at_validate_time_with_its_place()
    {
        using var ws = new Workspace();
        var registry = Registry(Kind("t.reader", reads: [Layout]), Kind("t.writer", writes: [Layout]));
        var file = ws.Write("v.yaml", """
            name: v
            stages:
              - { id: w, kind: t.writer }
              - id: r
                kind: t.reader
            """);
        var e = Assert.Throws<RecipeException>(() => RunPlanner.PlanFile(file, [], registry));
        var error = e.Errors.Single();
        Assert.Equal((file, 4), (error.Mark.File, error.Mark.Line));
        Assert.Contains("stage 'r' (t.reader) needs view 'layout', which no stage upstream writes; add a t.writer stage to its `needs:`", error.Message);

        var fixedFile = ws.Write("ok.yaml", "name: ok\nstages:\n  - { id: w, kind: t.writer }\n  - { id: r, kind: t.reader, needs: [w] }\n");
        Assert.NotNull(RunPlanner.PlanFile(fixedFile, [], registry));
    }

    [Fact]
    public void A_view_written_only_in_some_cases_does_not_satisfy_a_stage_that_needs_it()
    {
        using var ws = new Workspace();
        var registry = Registry(Kind("t.reader", reads: [Layout]), Kind("t.sometimes", writes: [Layout.Optional("with a router installed")]),
            Kind("t.optional_reader", reads: [Layout.Optional("checks it when there")]));
        var e = Assert.Throws<RecipeException>(() => RunPlanner.PlanFile(ws.Write("s.yaml",
            "name: s\nstages:\n  - { id: w, kind: t.sometimes }\n  - { id: r, kind: t.reader, needs: [w] }\n"), [], registry));
        Assert.Contains("needs view 'layout', which its upstream t.sometimes writes only with a router installed", e.Errors.Single().Message);
        Assert.NotNull(RunPlanner.PlanFile(ws.Write("o.yaml", "name: o\nstages:\n  - { id: r, kind: t.optional_reader }\n"), [], registry));
    }

    [Fact]
    public async Task A_stage_that_does_not_write_a_declared_view_or_misreports_its_metrics_fails()
    {
        using var ws = new Workspace();
        var registry = Registry(
            Kind("t.noview", writes: [Layout], run: _ => new StageResult([], [])),
            Kind("t.nometric", reports: [new MetricSpec("area_um2", "um2")], run: _ => new StageResult([], [])),
            Kind("t.unit", reports: [new MetricSpec("area_um2", "um2")], run: _ => new StageResult([new Metric("area_um2", 1, "mm2")], [])),
            Kind("t.extra", reports: [new MetricSpec("area_um2", "um2")], run: _ => new StageResult([new Metric("area_um2", 1, "um2"), new Metric("secret", 2)], [])),
            Kind("t.pattern", reports: [new MetricSpec("mem_*_pj", "pJ")], run: _ => new StageResult([new Metric("mem_a_pj", 1, "pJ")], [])));
        var file = ws.Write("m.yaml", """
            name: m
            stages:
              - { id: a, kind: t.noview }
              - { id: b, kind: t.nometric }
              - { id: c, kind: t.unit }
              - { id: d, kind: t.extra }
              - { id: e, kind: t.pattern }
            """);
        var summary = await new Executor(registry, new ExecutorOptions { Workspace = ws.Root }, NullRunObserver.Instance)
            .RunAsync(RunPlanner.PlanFile(file, [], registry), CancellationToken.None);
        var byId = summary.Stages.ToDictionary(s => s.StageId);
        Assert.Contains("did not write view 'layout'", byId["a"].Error);
        Assert.Contains("did not report metric 'area_um2'", byId["b"].Error);
        Assert.Contains("reported metric 'area_um2' in 'mm2', declared in 'um2'", byId["c"].Error);
        Assert.Contains("reported metric 'secret', which its kind does not declare", byId["d"].Error);
        Assert.True(byId["e"].Succeeded, byId["e"].Error);
        Assert.All(new[] { "a", "b", "c", "d" }, id => Assert.Equal(StageStatus.Failed, byId[id].Status));
    }

    [Fact]
    public async Task A_stage_can_run_only_the_tools_its_adapter_declared_and_reads_only_the_views_it_declared()
    {
        using var ws = new Workspace();
        var registry = Registry(
            Kind("t.undeclared_tool", run: c => { c.Tools.RunAsync(new ToolInvocation("sh", ["-c", "true"]), CancellationToken.None).GetAwaiter().GetResult(); return StageResult.Empty; }),
            Kind("t.writer", writes: [Layout], run: c => { File.WriteAllText(c.PathOf("layout.txt"), "x"); return new StageResult([], [new Artifact("layout", "layout.txt")]); }),
            Kind("t.sneaky_reader", run: c => { c.ViewPath(Layout); return StageResult.Empty; }));
        var file = ws.Write("t.yaml", "name: t\nstages:\n  - { id: a, kind: t.undeclared_tool }\n  - { id: w, kind: t.writer }\n  - { id: r, kind: t.sneaky_reader, needs: [w] }\n");
        var summary = await new Executor(registry, new ExecutorOptions { Workspace = ws.Root }, NullRunObserver.Instance)
            .RunAsync(RunPlanner.PlanFile(file, [], registry), CancellationToken.None);
        var byId = summary.Stages.ToDictionary(s => s.StageId);
        Assert.Contains("ran 'sh', which it does not declare in RequiredTools or OptionalTools", byId["a"].Error);
        Assert.True(byId["w"].Succeeded, byId["w"].Error);
        Assert.Contains("reads view 'layout' but does not declare it in its Reads", byId["r"].Error);
    }

    [Fact]
    public void Metric_patterns_match_one_or_more_characters_where_the_star_is()
    {
        var spec = new MetricSpec("mem_*_read_pj", "pJ");
        Assert.True(spec.Matches("mem_w0_read_pj"));
        Assert.False(spec.Matches("mem__read_pj"));
        Assert.False(spec.Matches("memory_read_pj"));
        Assert.True(new MetricSpec("area_um2", "um2").Matches("area_um2"));
    }

    private static (IStage, IToolAdapter) Kind(string kind, IReadOnlyList<ViewUse>? reads = null, IReadOnlyList<ViewUse>? writes = null,
        IReadOnlyList<MetricSpec>? reports = null, Func<StageContext, StageResult>? run = null) =>
        (new DeclaredKind(kind, reads ?? [], writes ?? [], reports ?? []), new DeclaredAdapter(kind, run ?? (_ => StageResult.Empty)));

    private sealed class DeclaredKind(string kind, IReadOnlyList<ViewUse> reads, IReadOnlyList<ViewUse> writes, IReadOnlyList<MetricSpec> reports) : IStage
    {
        public string Kind => kind;
        public string Description => "contract test stage";
        public IReadOnlyList<StageOption> Options => [];
        public IReadOnlyList<ViewUse> Reads => reads;
        public IReadOnlyList<ViewUse> Writes => writes;
        public IReadOnlyList<MetricSpec> Reports => reports;
    }

    private sealed class DeclaredAdapter(string kind, Func<StageContext, StageResult> run) : IToolAdapter
    {
        public string StageKind => kind;
        public string Id => "test";
        public int Priority => 0;
        public IReadOnlyList<string> RequiredTools => [];
        public Task<IReadOnlyList<ToolInfo>> ProbeAsync(IToolLocator locator, CancellationToken ct) => Task.FromResult<IReadOnlyList<ToolInfo>>([]);
        public Task<StageResult> RunAsync(StageContext context, CancellationToken ct) => Task.FromResult(run(context));
    }
}
