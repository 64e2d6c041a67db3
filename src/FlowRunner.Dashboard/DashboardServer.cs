using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowRunner.Dashboard;

/// <summary>The dashboard web server: ASP.NET Core (Kestrel) bound to the loopback address unless told otherwise, serving pages built from
/// the workspace's results store (opened afresh for each request, so runs and the nightly service writing it show at the next load).</summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardServer(WebApplication app) => _app = app;

    /// <summary>The address the server listens on (with the port chosen when 0 was asked for).</summary>
    public string Url { get; private set; } = "";

    /// <summary>Starts the server on <paramref name="bind"/>:<paramref name="port"/> (port 0: any free port).</summary>
    public static async Task<DashboardServer> StartAsync(string workspace, int port, string bind, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = workspace, EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{(bind.Contains(':') ? $"[{bind}]" : bind)}:{port}");
        var app = builder.Build();
        var site = new DashboardSite(workspace);
        app.MapGet("/", () => Page(site.Index()));
        // Browsers ask for it on every file served as it is (report.html, logs); the dashboard has none.
        app.MapGet("/favicon.ico", () => Results.NoContent());
        app.MapGet("/runs/{runId}", (string runId) => Page(site.Run(runId)));
        app.MapGet("/runs/{runId}/report", (string runId) => Results.Redirect($"/runs/{Uri.EscapeDataString(runId)}/files/report.html"));
        app.MapGet("/runs/{runId}/files/{**path}", (string runId, string? path) => site.File(runId, path ?? ""));
        app.MapGet("/trend", (HttpRequest r) => Page(site.Trend(r.Query["recipe"].ToString(), r.Query["metric"].Where(m => !string.IsNullOrEmpty(m)).Select(m => m!).ToList())));
        app.MapGet("/compare", (HttpRequest r) => Page(site.Compare(r.Query["a"].ToString(), r.Query["b"].ToString())));
        var server = new DashboardServer(app);
        await app.StartAsync(ct);
        server.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "";
        return server;
    }

    private static IResult Page((int Status, string Html) page) => Results.Content(page.Html, "text/html; charset=utf-8", null, page.Status);

    /// <summary>Runs until cancelled (Ctrl+C).</summary>
    public Task WaitAsync(CancellationToken ct) => _app.WaitForShutdownAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
