using FlowRunner.Models.Datasets;
using FlowRunner.Models.Network;
using FlowRunner.Tech;
using FlowRunner.Tech.Lef;
using FlowRunner.Tech.Liberty;

namespace FlowRunner.Models.Tests.Disclosure;

/// <summary>A file that is not a recipe (a network description, weights, a dataset description, IDX data, a tech file, a Liberty, a LEF) given
/// by mistake, /etc/shadow say, gets an error naming the file and line that quotes at most the one offending token of it (issue 16).</summary>
public sealed class ErrorQuotingTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fr-quote-" + Guid.NewGuid().ToString("N")[..8]);

    public ErrorQuotingTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>Secret-looking files: each word is a secret, and an error may quote one of them, never two.</summary>
    public static readonly TheoryData<string, string> Files = new()
    {
        { "shadow", "zqroot:$y$j9T$zqhash:19000:0:99999:7:::\nzqdaemon:*:19000:0:99999:7:::\n" },
        { "prose", "zqalpha zqbravo zqcharlie\nzqdelta zqecho zqfoxtrot\n" },
        { "quoted", "\"zqalpha zqbravo\nzqcharlie zqdelta\"\nzqecho\n" },
        { "braces", "{\n  zqalpha zqbravo zqcharlie\n}\n" },
        { "keyed", "name: zqalpha\nzqbravo zqcharlie zqdelta\nzqecho: zqfoxtrot\n" },
        { "list", "[zqalpha zqbravo, zqcharlie\nzqdelta\n" },
        { "pairs", "zqalpha (zqbravo) zqcharlie ;\nzqdelta : zqecho zqfoxtrot ;\n" },
    };

    private static readonly Dictionary<string, Action<string>> Read = new()
    {
        ["liberty"] = f => LibertyReader.ReadFile(f),
        ["lef"] = f => LefReader.ReadFile(f),
        ["tech"] = f => TechLoader.LoadFile(f),
        ["network"] = f => NetworkSpecParser.Load(f),
        ["weights"] = f => WeightsFile.Load(f),
        ["dataset"] = f => DatasetSpec.Load(f),
        ["idx"] = f => IdxReader.Load(f, f, "secret"),
    };

    [Fact]
    public void Every_reader_of_a_file_that_is_not_a_recipe_quotes_at_most_one_token_of_it()
    {
        var leaks = new List<string>();
        foreach (var reader in Read.Keys)
            foreach (var row in Files)
            {
                var (name, text) = ((string)row[0], (string)row[1]);
                var file = Path.Combine(_dir, $"{reader}-{name}.txt");
                File.WriteAllText(file, text);
                string message;
                try
                {
                    // A LEF reader skips the statements it does not know, so such a file reads as an empty library: nothing is quoted.
                    Read[reader](file);
                    continue;
                }
                catch (Exception e)
                {
                    message = e.Message;
                    if (e is not (FormatException or IOException)) leaks.Add($"{reader} on {name}: {e.GetType().Name} (not a format error): {message}");
                }
                if (!message.Contains(file, StringComparison.Ordinal)) leaks.Add($"{reader} on {name}: does not name the file: {message}");
                var quoted = message.Replace(file, "");
                var secrets = text.Split([' ', '\n', ':', '"', '{', '}', '[', ']', ',', '(', ')', ';', '*', '$'], StringSplitOptions.RemoveEmptyEntries)
                    .Where(w => w.StartsWith("zq", StringComparison.Ordinal)).Distinct().Where(quoted.Contains).ToList();
                if (secrets.Count > 1 || quoted.Contains('\n')) leaks.Add($"{reader} on {name}: {message}");
            }
        Assert.True(leaks.Count == 0, "errors quoting more than the offending token:\n" + string.Join('\n', leaks));
    }
}
