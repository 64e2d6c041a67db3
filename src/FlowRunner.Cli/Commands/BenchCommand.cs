using System.CommandLine;

namespace FlowRunner.Cli.Commands;

/// <summary>`flowrunner bench NAME`: runs one of the benchmarks, which print their figures (nothing is asserted).</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var cmd = new Command("bench", "Run a benchmark and print its figures.");
        var quick = new Option<bool>("--quick") { Description = "Smaller sizes, for a smoke test", Recursive = true };
        cmd.Add(quick);
        foreach (var (name, description, run) in CommandCatalog.Benchmarks())
        {
            var sub = new Command(name, description);
            sub.SetAction(async (r, ct) =>
            {
                var work = Path.Combine(Path.GetTempPath(), $"flowrunner-bench-{name}-{Environment.ProcessId}");
                Directory.CreateDirectory(work);
                try
                {
                    return await run(new BenchOptions(r.GetValue(quick), work), ct);
                }
                finally
                {
                    try { Directory.Delete(work, true); } catch (IOException) { }
                }
            });
            cmd.Add(sub);
        }
        return cmd;
    }
}
