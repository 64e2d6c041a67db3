using System.CommandLine;

namespace FlowRunner.Cli;

/// <summary>The list of top-level `flowrunner` commands and `flowrunner bench` benchmarks; each lives in its own file under Commands/ or Bench/.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> TopLevel()
    {
        yield return Commands.RunCommand.Create();
        yield return Commands.ValidateCommand.Create();
        yield return Commands.StagesCommand.Create();
        yield return Commands.ResultsCommand.Create();
        yield return Commands.BestCommand.Create();
        yield return Commands.ScheduleCommand.Create();
        yield return Commands.FixedCommand.Create();
        yield return Commands.ModelCommand.Create();
        yield return Commands.FloorplanCommand.Create();
        yield return Commands.BenchCommand.Create();
    }

    /// <summary>Benchmarks under `flowrunner bench NAME`: name, description, body (writes its figures to the console, returns an exit code).</summary>
    public static IEnumerable<(string Name, string Description, Func<BenchOptions, CancellationToken, Task<int>> Run)> Benchmarks()
    {
        yield return ("numerics", "fixed-point quantize-and-saturate and MAC throughput, scalar and vectorized, 1 and 2 threads", Bench.NumericsBench.RunAsync);
        yield return ("model", "10,000 bit-accurate inferences of the reference network at ac_fixed<8,4,true,AC_RND,AC_SAT> on all cores, float beside it; accuracy of PTQ at 16..1 integer bits and QAT at 3-4 bits", Bench.ModelBench.RunAsync);
        yield return ("slurm", "a 20-point sweep through the local executor and through Slurm (a private one-node cluster unless SLURM_CONF is set)", Bench.SlurmBench.RunAsync);
        yield return ("engine", "per-stage overhead of the engine on 200 no-op stages, cold and cached", Bench.EngineBench.RunAsync);
        yield return ("floorplan", "annealing floor planner on ami33 and ami49 (free and fixed outline) beside published results, and a generated 150-macro design with a cell region", Bench.FloorplanBench.RunAsync);
        yield return ("sweep", "a 98-point sweep of the MNIST accelerator (formats x lanes) through the whole flow on the analytical backends: cold with 1 and 2 jobs, and fully cached", Bench.SweepBench.RunAsync);
        yield return ("scale", "flows/mnist-sweep-1000.yaml: 1,000 points (formats x lanes x memory split) on the analytical backends, cold and fully cached, with CPU time, peak memory and stage-seconds by kind (--quick: 40 points)", Bench.ScaleBench.RunAsync);
        yield return ("power", "activity capture on 10,000 digits (1 and all cores), software baseline, and the analytical-to-OpenSTA ratio on design points in FLOWRUNNER_BENCH_POWER_POINTS", Bench.PowerBench.RunAsync);
        yield return ("import", "per shipped model (tests/fixtures/models): import time, float and bit-accurate time per inference on one thread (ONNX Runtime's time: tests/FlowRunner.Import.Tests)", Bench.ImportBench.RunAsync);
        yield return ("hls", "per network the hardware builds (reference, LeNet-like, shipped MLPs and convs): emit time, Icarus simulation time per image, cycles per inference against the schedule, Yosys against analytical area (not with --quick)", Bench.HlsBench.RunAsync);
        yield return ("memory", "memory compiler: 150 random memories generated, and split policies on the MNIST memories", Bench.MemoryBench.RunAsync);
        yield return ("search", "quant.search on the reference network: candidates evaluated per second, time to the confirmed front, the chosen point against the best uniform format at the same accuracy (energy, area)", Bench.SearchBench.RunAsync);
    }
}

/// <summary>Options every benchmark accepts, and where it records its figures (printed as JSON with `--json`).</summary>
internal sealed record BenchOptions(bool Quick, string WorkDirectory)
{
    public Bench.BenchFigures Figures { get; init; } = new();
}
