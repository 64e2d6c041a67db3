using CliWrap;
using CliWrap.Buffered;

namespace FlowRunner.Cli.Tests;

/// <summary>`fixed show` and `fixed eval` through the real program: a format too wide for a double keeps a finite range, and an AC_SAT_SYM
/// operand follows ac_types (issue 16).</summary>
public class FixedCliTests
{
    [Fact]
    public async Task Fixed_show_of_a_format_wider_than_a_double_prints_its_finite_range_and_the_quantum_as_a_power_of_two()
    {
        var r = await Flowrunner.RunAsync(Flowrunner.NewWorkspace(), "fixed", "show", "4096.1");
        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain("Infinity", r.StandardOutput);
        Assert.DoesNotContain("∞", r.StandardOutput);
        Assert.Contains("4096 bits, 1 integer, 4095 fractional, range [-1, 0.9999999999999999], quantum 2^-4095", r.StandardOutput);
    }

    [Fact]
    public async Task Fixed_eval_refuses_the_pattern_AC_SAT_SYM_excludes_and_keeps_its_lowest_value_as_ac_types_does()
    {
        var input = string.Join('\n',
            "assign ac_fixed<4,2,true,AC_TRN,AC_SAT_SYM> -2 ac_fixed<8,4,true,AC_TRN,AC_SAT_SYM>",
            "assign ac_fixed<4,2,true,AC_TRN,AC_SAT_SYM> -1.75 ac_fixed<8,4,true,AC_TRN,AC_SAT_SYM>",
            "assign ac_fixed<8,4> -8 ac_fixed<4,4,true,AC_TRN,AC_SAT_SYM>",
            "add ac_fixed<4,2,true,AC_TRN,AC_SAT_SYM> -2 ac_fixed<4,2> 0 ac_fixed<8,4>") + "\n";
        var r = await Flowrunner.Command(Flowrunner.NewWorkspace(), "fixed", "eval").WithStandardInputPipe(PipeSource.FromString(input)).ExecuteBufferedAsync();
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(["error", "-1.75", "-7", "error"], r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var errors = r.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, errors.Length);
        Assert.StartsWith("error: line 1: ", errors[0]);
        Assert.Contains("AC_SAT_SYM excludes the most negative pattern", errors[0]);
        Assert.StartsWith("error: line 4: ", errors[1]);
        Assert.Contains("[-1.75, 1.75]", errors[1]);
    }
}
