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
        var json = new Option<bool>("--json") { Description = "Print the figures as one JSON object on stdout (name, value, unit, threads, peer); the tables go to stderr", Recursive = true };
        cmd.Add(json);
        foreach (var (name, description, run) in CommandCatalog.Benchmarks())
        {
            var sub = new Command(name, description);
            sub.SetAction(async (r, ct) =>
            {
                var work = Path.Combine(Path.GetTempPath(), $"flowrunner-bench-{name}-{Environment.ProcessId}");
                Directory.CreateDirectory(work);
                try
                {
                    return await Bench.BenchFigures.RunAsync(name, r.GetValue(quick), r.GetValue(json),
                        figures => run(new BenchOptions(r.GetValue(quick), work) { Figures = figures }, ct));
                }
                finally
                {
                    try { Directory.Delete(work, true); } catch (IOException) { }
                }
            });
            cmd.Add(sub);
        }
        cmd.Add(SynthSubcommand(quick, json));
        cmd.Add(PhysicalSubcommand());
        return cmd;
    }

    /// <summary>`bench physical FOLDER...`: reads place.route stage results, so it takes folders like bench synth.</summary>
    private static Command PhysicalSubcommand()
    {
        var folders = new Argument<string[]>("folders") { Description = "run or stage folders holding place.route results (place_route.json)", Arity = ArgumentArity.OneOrMore };
        var sub = new Command("physical", "place and route: seconds for placement and routing, pre- against post-route critical path, fmax and power of place.route stages");
        sub.Add(folders);
        sub.SetAction(_ => Bench.PhysicalBench.Run(_.GetValue(folders) ?? []));
        return sub;
    }

    /// <summary>`bench synth [LABEL=]FOLDER...`: takes hls.emit stage folders, so it is built here rather than in the catalog.</summary>
    private static Command SynthSubcommand(Option<bool> quick, Option<bool> json)
    {
        var folders = new Argument<string[]>("folders") { Description = "hls.emit stage folders (schedule.json + rtl/), optionally LABEL=FOLDER", Arity = ArgumentArity.ZeroOrMore };
        var skip = new Option<bool>("--no-calibration") { Description = "Only compare the given folders (the calibration table takes minutes)" };
        var sub = new Command("synth", "synthesis: analytical model error per operator against Yosys + OpenSTA on both techs, and Yosys against analytical on given hls.emit folders");
        sub.Add(folders);
        sub.Add(skip);
        sub.SetAction(async (r, ct) =>
        {
            var work = Path.Combine(Path.GetTempPath(), $"flowrunner-bench-synth-{Environment.ProcessId}");
            Directory.CreateDirectory(work);
            try
            {
                return await Bench.BenchFigures.RunAsync("synth", r.GetValue(quick), r.GetValue(json),
                    figures => Bench.SynthBench.RunAsync(r.GetValue(quick), work, r.GetValue(folders) ?? [], ct, calibrate: !r.GetValue(skip), figures: figures));
            }
            finally
            {
                try { Directory.Delete(work, true); } catch (IOException) { }
            }
        });
        return sub;
    }
}
