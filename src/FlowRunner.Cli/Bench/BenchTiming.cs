using System.Diagnostics;

namespace FlowRunner.Cli.Bench;

/// <summary>How the benchmarks time a piece of work: the best of a few runs, in seconds, so that a stray pause of the machine does not count.</summary>
internal static class BenchTiming
{
    public static double Best(Action run, int rounds = 3)
    {
        var best = double.MaxValue;
        for (var k = 0; k < rounds; k++)
        {
            var sw = Stopwatch.StartNew();
            run();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return best;
    }
}
