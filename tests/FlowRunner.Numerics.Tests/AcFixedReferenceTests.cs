using FlowRunner.Numerics.Tools;

namespace FlowRunner.Numerics.Tests;

/// <summary>600 random operations computed by real C++ code with the ac_fixed headers (Data/acfixed-vectors.txt): FlowRunner must give the same bits.</summary>
public class AcFixedReferenceTests
{
    [Fact]
    public void Every_reference_line_gives_the_same_result_as_ac_fixed()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "Data", "acfixed-vectors.txt");
        var lines = File.ReadAllLines(file).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.True(lines.Count >= 600);
        var mismatches = new List<string>();
        foreach (var line in lines)
        {
            var cut = line.LastIndexOf(' ');
            var got = FixedEval.Evaluate(line[..cut]);
            if (got != line[(cut + 1)..]) mismatches.Add($"{line} -> FlowRunner says {got}");
        }
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} mismatch(es):\n" + string.Join("\n", mismatches.Take(20)));
    }
}
