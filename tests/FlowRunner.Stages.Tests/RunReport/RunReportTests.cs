using CliWrap;
using CliWrap.Buffered;
using FlowRunner.Abstractions;
using FlowRunner.Engine.Execution;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Registry;
using FlowRunner.Engine.Tools;
using FlowRunner.Stages.RunReport;

namespace FlowRunner.Stages.Tests.RunReport;

/// <summary>The run report opened in headless Chromium (Debian's chromium): no console errors, plots present, a screenshot kept.</summary>
public class RunReportTests
{
    /// <summary>A stage that reports PPA-like metrics from its options and draws a small SVG, standing in for a real flow.</summary>
    private sealed class FakePpaStage : IStage
    {
        public string Kind => "floorplan";
        public string Description => "test";
        public IReadOnlyList<StageOption> Options { get; } = [new("word", OptionType.Int, 8, "bits")];
    }

    private sealed class FakePpaAdapter : IToolAdapter
    {
        public string StageKind => "floorplan";
        public string Id => "fake";
        public int Priority => 0;
        public IReadOnlyList<string> RequiredTools => [];
        public Task<IReadOnlyList<ToolInfo>> ProbeAsync(IToolLocator l, CancellationToken ct) => Task.FromResult<IReadOnlyList<ToolInfo>>([]);

        public async Task<StageResult> RunAsync(StageContext c, CancellationToken ct)
        {
            var w = c.Options.Int("word");
            await File.WriteAllTextAsync(c.PathOf("fp.svg"), $"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" class=\"floorplan\" width=\"100\" height=\"100\"><rect width=\"{w * 5}\" height=\"40\" fill=\"#88c\"/></svg>", ct);
            return new StageResult(
                [new Metric("accuracy", 0.9 + w / 200.0), new Metric("energy_per_inference_uj", w * w / 10.0, "uJ"), new Metric("area_um2", 1000.0 * w, "um2")],
                [new Artifact("svg", "fp.svg")]);
        }
    }

    [Fact]
    public async Task The_report_opens_in_chromium_without_console_errors_and_shows_its_plots()
    {
        var ws = Path.Combine(Path.GetTempPath(), "fr-report-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(ws);
        var recipe = Path.Combine(ws, "r.yaml");
        File.WriteAllText(recipe, "name: rep\nparams: { word: 8 }\nstages:\n  - { id: fp, kind: floorplan, with: { word: \"${params.word}\" } }\nsweep:\n  grid: { word: [4, 6, 8, 12, 16] }\n  objective: { minimize: energy_per_inference_uj, subject_to: \"accuracy >= 0.95\" }\n");
        var registry = new StageRegistry([new FakePpaStage()], [new FakePpaAdapter()], new ToolLocator());
        var plan = RunPlanner.PlanFile(recipe, [], registry);
        var summary = await new Executor(registry, new ExecutorOptions { Workspace = ws }, NullRunObserver.Instance).RunAsync(plan, CancellationToken.None);
        var report = RunReportWriter.Write(plan, summary);
        var html = File.ReadAllText(report);
        Assert.Contains("<b>p003</b>", html); // word=12 (accuracy 0.96) is the cheapest point with accuracy >= 0.95
        Assert.StartsWith("point,status,word,fp.accuracy,fp.energy_per_inference_uj,fp.area_um2", File.ReadAllText(Path.Combine(summary.RunDirectory, "results.csv")));

        var chromium = new ToolLocator().Find("chromium") ?? throw new InvalidOperationException("chromium is not installed: the test command installs Debian's chromium");
        string[] flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", $"--user-data-dir={Path.Combine(ws, "chrome")}", "--enable-logging=stderr", "--v=0"];
        var dom = await Cli.Wrap(chromium).WithArguments([.. flags, "--dump-dom", "file://" + report]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.Equal(0, dom.ExitCode);
        Assert.DoesNotContain("CONSOLE", dom.StandardError);
        var scatter = System.Text.RegularExpressions.Regex.Match(dom.StandardOutput, "<svg class=\"plot scatter\".*?</svg>", System.Text.RegularExpressions.RegexOptions.Singleline).Value;
        Assert.Equal(5, ChartMarkers.Count(scatter)); // a marker a point
        Assert.Contains("class=\"floorplan\"", dom.StandardOutput);

        var shots = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(shots);
        var png = Path.Combine(shots, "run-report.png");
        var shot = await Cli.Wrap(chromium).WithArguments([.. flags, "--window-size=1280,1400", $"--screenshot={png}", "file://" + report])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(File.Exists(png) && new FileInfo(png).Length > 10_000, shot.StandardError);
    }
}
