using System.CommandLine;
using FlowRunner.Dashboard;
using FlowRunner.Engine.Results;

namespace FlowRunner.Cli.Commands;

/// <summary>`flowrunner serve`: the dashboard over the workspace's results store, on the loopback address by default.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "TCP port (0: any free port; the address is printed)", DefaultValueFactory = _ => 5170 };
        port.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 0 or > 65535) r.AddError("--port must be 0 to 65535"); });
        var bind = new Option<string>("--bind") { Description = "Address to listen on; 0.0.0.0 opens the dashboard to the network (it has no login)", DefaultValueFactory = _ => "127.0.0.1" };
        var cmd = new Command("serve", "Dashboard over the results store: runs by recipe, trends across runs, comparison of two runs or points, each run's report.") { port, bind };
        cmd.SetAction(async (r, ct) =>
        {
            var ws = GlobalOptions.WorkspaceOf(r);
            await using var server = await StartAsync(ws, r.GetValue(port), r.GetValue(bind)!, ct);
            if (server is null) return 2;
            Console.WriteLine($"dashboard of {ResultsStore.DefaultPath(ws)} at {server.Url}/ (Ctrl+C stops it)");
            try { await server.WaitAsync(ct); }
            catch (OperationCanceledException) { }
            return 0;
        });
        return cmd;
    }

    private static async Task<DashboardServer?> StartAsync(string workspace, int port, string bind, CancellationToken ct)
    {
        try { return await DashboardServer.StartAsync(workspace, port, bind, ct); }
        catch (IOException e)
        {
            // Kestrel reports a port in use or an address it cannot bind as an IOException.
            Terminal.ErrorReport.Usage($"serve: cannot listen on {bind}:{port}: {e.Message}");
            return null;
        }
    }
}
