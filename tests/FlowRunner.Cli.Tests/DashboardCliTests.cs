using System.Text.RegularExpressions;
using CliWrap;
using FlowRunner.Engine.Tools;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace FlowRunner.Cli.Tests;

/// <summary>`flowrunner serve` in a real browser: Debian's chromium driven by chromium-driver through Selenium WebDriver. Runs are recorded
/// before and while the dashboard serves the store; every page loads without console errors, the trend has a point a run, and the
/// comparison of the last two runs shows the metric that changed.</summary>
public class DashboardCliTests
{
    private const string Recipe = """
        name: dash
        params: { who: "a" }
        stages:
          - { id: g, kind: sample.greet, with: { name: "${params.who}" } }
        """;

    [Fact]
    public async Task The_dashboard_shows_runs_trends_and_a_changed_metric_in_chromium_while_runs_write_the_store()
    {
        var plugins = await EngineCliTests.PluginFolder();
        var ws = Flowrunner.NewWorkspace();
        File.WriteAllText(Path.Combine(ws, "dash.yaml"), Recipe);
        async Task Run(string who)
        {
            var r = await Flowrunner.RunAsync(ws, "--plugins", plugins, "run", "dash.yaml", "--set", $"who={who}");
            Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);
        }
        await Run("<b>ab</b>"); // a user string with markup: shown as text, never as HTML
        await Run("ab");

        using var stop = new CancellationTokenSource();
        var output = new System.Text.StringBuilder();
        var url = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var serve = Flowrunner.Command(ws, "serve", "--port", "0")
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line =>
            {
                lock (output) output.AppendLine(line);
                if (Regex.Match(line, @"at (http://127\.0\.0\.1:\d+)/") is { Success: true } m) url.TrySetResult(m.Groups[1].Value);
            }))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line => { lock (output) output.AppendLine(line); }))
            .ExecuteAsync(CancellationToken.None, stop.Token);
        try
        {
            var started = await Task.WhenAny(url.Task, serve.Task, Task.Delay(TimeSpan.FromSeconds(60)));
            Assert.True(started == url.Task, "serve did not print its address: " + output);
            var root = await url.Task;
            await Run("abcdef"); // written while the dashboard serves the store

            var chromium = new ToolLocator().Find("chromium") ?? throw new InvalidOperationException("chromium is not installed: the test command installs Debian's chromium");
            var driverPath = new ToolLocator().Find("chromedriver") ?? throw new InvalidOperationException("chromedriver is not installed: the test command installs Debian's chromium-driver");
            var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driverPath)!, Path.GetFileName(driverPath));
            service.SuppressInitialDiagnosticInformation = true;
            var options = new ChromeOptions { BinaryLocation = chromium };
            options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", $"--user-data-dir={Path.Combine(ws, "chrome")}");
            options.SetLoggingPreference(LogType.Browser, LogLevel.All);
            using var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(90));
            var shots = Path.Combine(AppContext.BaseDirectory, "artifacts");
            Directory.CreateDirectory(shots);
            void Open(string path, string shot)
            {
                driver.Navigate().GoToUrl(root + path);
                ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(shots, $"dashboard-{shot}.png"));
                var errors = driver.Manage().Logs.GetLog(LogType.Browser).Where(l => l.Level >= LogLevel.Warning).Select(l => l.Message).ToList();
                Assert.True(errors.Count == 0, $"{path}: " + string.Join("\n", errors));
                Assert.DoesNotContain("Not found", driver.Title);
            }

            Open("/", "runs");
            var runs = driver.FindElements(By.CssSelector("section.recipe tr.run"));
            Assert.Equal(3, runs.Count); // the third run, recorded after the server started, is there
            Assert.All(runs, r => Assert.Contains("succeeded", r.Text));

            Open("/trend?recipe=dash&metric=letters", "trend");
            var trend = driver.FindElement(By.CssSelector("section.trend[data-metric='letters'] svg.trend"));
            Assert.Equal(3, trend.FindElements(By.TagName("ellipse")).Count); // one marker a run of the single point
            Assert.Contains("letters", trend.Text);

            Open("/", "runs");
            driver.FindElement(By.LinkText("latest against the one before")).Click();
            Open(new Uri(driver.Url).PathAndQuery, "compare");
            var changed = driver.FindElements(By.CssSelector("section.comparison tr.metric.changed")).Select(e => e.GetAttribute("data-metric")).ToList();
            Assert.Contains("letters", changed);
            Assert.Contains("abcdef", driver.FindElement(By.CssSelector("tr.param")).Text);

            Open("/", "runs");
            var ids = driver.FindElements(By.CssSelector("section.recipe tr.run td:first-child a")).Select(a => a.Text).ToList();
            Open($"/runs/{ids[^1]}", "run");
            Assert.Contains("<b>ab</b>", Assert.Single(driver.FindElements(By.CssSelector("tr.point"))).Text);
            Assert.Empty(driver.FindElements(By.CssSelector("tr.point b")));
            var latest = ids[0];
            Open($"/runs/{latest}/report", "report");
            Assert.EndsWith("/files/report.html", driver.Url);
            Assert.Contains("dash", driver.Title);
            Open($"/runs/{latest}/files/p000/g/stage.log", "log");
            driver.Navigate().GoToUrl(root + $"/runs/{latest}/files/..%2f..%2f.flowrunner%2fresults.db");
            Assert.DoesNotContain("SQLite", driver.PageSource);
        }
        finally
        {
            stop.Cancel();
            try { await serve; } catch (OperationCanceledException) { }
        }
    }
}
