using CliWrap;
using CliWrap.Buffered;
using FlowRunner.Abstractions;
using FlowRunner.Engine.Recipes;
using FlowRunner.Engine.Tools;
using FlowRunner.Engine.Tools.Scripting;

namespace FlowRunner.Engine.Tests;

/// <summary>The quoting functions against the real interpreters: sh and OpenSTA's Tcl read every quoted value back exactly and run nothing
/// in it; Yosys runs on a path with blanks and every value it cannot hold is refused with an error naming it.</summary>
public class ScriptQuotingTests
{
    private const string Marker = "FRQUOTED";

    public static readonly string[] Values =
    [
        "t} [exec touch " + Marker + "] {", "$(touch " + Marker + ")", "`touch " + Marker + "`", "a; touch " + Marker, "x\ntouch " + Marker + "\n",
        "q\"; exec touch " + Marker + "; \"", "it's", "back\\slash\\", "{unbalanced", "}", "#comment", "tab\there", "", "-dash", "ünïcode",
    ];

    private static string NewDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "fr-quote-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static void NoMarker(string dir) => Assert.Empty(Directory.EnumerateFiles(dir, Marker + "*", SearchOption.AllDirectories));

    [Fact]
    public async Task Shell_words_are_read_back_exactly_by_sh()
    {
        var dir = NewDir();
        foreach (var v in Values)
        {
            var r = await Cli.Wrap("sh").WithArguments(["-c", "printf '%s' " + Shell.Word(v)]).WithWorkingDirectory(dir)
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            Assert.Equal(v, r.StandardOutput);
        }
        Assert.Equal("# a\\nrm -rf x", Shell.Comment("a\nrm -rf x"));
        Assert.Throws<ScriptValueException>(() => Shell.VariableName("X=1; touch y"));
        NoMarker(dir);
    }

    [Fact]
    public async Task A_here_document_ends_only_where_its_text_ends()
    {
        var (dir, text) = (NewDir(), "line\nFLOWRUNNER_EOF\ntouch " + Marker + "\n");
        var runner = new ToolRunner(dir, new NullLog(), new RetrySpec(1, 0, 30), new ToolLocator());
        await runner.RunAsync(new ToolInvocation("cat", []) { StandardInput = text }, CancellationToken.None);
        var replay = await Cli.Wrap("sh").WithArguments([Path.Combine(dir, "replay.sh")]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.Equal(text, replay.StandardOutput);
        NoMarker(dir);
    }

    [Fact]
    public async Task Tcl_words_are_read_back_exactly_by_OpenSta()
    {
        var dir = NewDir();
        var script = string.Join('\n', Values.Select((v, i) =>
            $"set f [open out{i}.txt w]; fconfigure $f -encoding utf-8; puts -nonewline $f {Tcl.Word(v, "value")}; close $f")) + "\n" +
            $"set f [open list.txt w]; puts -nonewline $f [llength {Tcl.List(Values, "value")}]; close $f\nexit\n";
        File.WriteAllText(Path.Combine(dir, "t.tcl"), script);
        var r = await Cli.Wrap("sta").WithArguments(["-no_splash", "-exit", "t.tcl"]).WithWorkingDirectory(dir)
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);
        for (var i = 0; i < Values.Length; i++) Assert.Equal(Values[i], File.ReadAllText(Path.Combine(dir, $"out{i}.txt")));
        Assert.Equal(Values.Length.ToString(), File.ReadAllText(Path.Combine(dir, "list.txt")));
        NoMarker(dir);
    }

    [Fact]
    public async Task Yosys_reads_a_path_with_blanks_and_every_value_it_cannot_hold_is_refused_by_name()
    {
        var dir = NewDir();
        var rtl = Path.Combine(dir, "a folder, with blanks", "m.v");
        Directory.CreateDirectory(Path.GetDirectoryName(rtl)!);
        File.WriteAllText(rtl, "module m(input a, output b); assign b = ~a; endmodule\n");
        File.WriteAllText(Path.Combine(dir, "s.ys"), $"read_verilog {Yosys.Word(rtl, "the RTL file")}\nhierarchy -top m\nstat\n");
        var r = await Cli.Wrap("yosys").WithArguments(["-q", "-s", "s.ys"]).WithWorkingDirectory(dir).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(r.ExitCode == 0, r.StandardOutput + r.StandardError);

        foreach (var v in Values.Where(v => v is not ("it's" or "ünïcode")).Append("a;").Append("x*.v").Append("+/share.lib"))
        {
            var e = Assert.Throws<ScriptValueException>(() => Yosys.Word(v, "the Liberty file (option `liberty`)"));
            Assert.Contains("the Liberty file (option `liberty`)", e.Message);
            Assert.IsAssignableFrom<StageFailedException>(e);
        }
        Assert.Throws<ScriptValueException>(() => Yosys.Word("it's", "x"));
        Assert.Equal("ünïcode", Yosys.Word("ünïcode", "x"));
        Assert.Contains("a newline", Assert.Throws<ScriptValueException>(() => Yosys.Word("a\nb", "the netlist")).Message);
    }

    private sealed class NullLog : IStageLog
    {
        public void Info(string message) { }
        public void Warn(string message) { }
        public void Progress(double fraction, string status) { }
    }
}
