using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace FlowRunner.Cli.Bench;

/// <summary>One measured figure of a benchmark: what, how much, in what unit, on how many threads, and the peer it is compared with.</summary>
public sealed record BenchFigure(string Name, double Value, string Unit, int Threads)
{
    /// <summary>What the figure is compared with (a published result, the C++ build, the local executor), when there is one.</summary>
    public string? PeerName { get; init; }

    /// <summary>The peer's figure, in the same unit.</summary>
    public double? Peer { get; init; }

    /// <summary>Value / peer, when there is a peer.</summary>
    public double? Ratio => Peer is > 0 or < 0 ? Value / Peer : null;
}

/// <summary>The figures a benchmark records as it runs; with `--json` the console text goes to stderr and these are printed as one JSON object on stdout.</summary>
public sealed class BenchFigures
{
    private readonly List<BenchFigure> _figures = [];

    public IReadOnlyList<BenchFigure> All => _figures;

    public void Add(string name, double value, string unit, int threads, string? peerName = null, double? peer = null) =>
        _figures.Add(new BenchFigure(name, value, unit, threads) { PeerName = peer is null ? null : peerName, Peer = peer });

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The object printed by `bench NAME --json`: bench, quick, exit code, cores, figures.</summary>
    public string ToJson(string bench, bool quick, int exitCode) =>
        JsonSerializer.Serialize(new { Bench = bench, Quick = quick, ExitCode = exitCode, Cores = Environment.ProcessorCount, Figures = _figures }, Json);

    /// <summary>Runs a benchmark body; with <paramref name="json"/> its console text goes to stderr and the figures to stdout as JSON.</summary>
    public static async Task<int> RunAsync(string bench, bool quick, bool json, Func<BenchFigures, Task<int>> body)
    {
        var figures = new BenchFigures();
        if (!json) return await body(figures);
        var stdout = Console.Out;
        var ansi = AnsiConsole.Console;
        Console.SetOut(Console.Error);
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var code = 1;
        try
        {
            code = await body(figures);
        }
        finally
        {
            Console.SetOut(stdout);
            AnsiConsole.Console = ansi;
        }
        stdout.WriteLine(figures.ToJson(bench, quick, code));
        return code;
    }
}
