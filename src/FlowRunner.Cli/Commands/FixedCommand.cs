using System.CommandLine;
using System.Globalization;
using FlowRunner.Numerics.Formats;
using FlowRunner.Numerics.Tools;
using FlowRunner.Numerics.Values;
using Spectre.Console;

namespace FlowRunner.Cli.Commands;

/// <summary>`flowrunner fixed show FORMAT [VALUE...]` and `flowrunner fixed eval`: the fixed-point model for designers and for checking against other implementations.</summary>
internal static class FixedCommand
{
    public static Command Create()
    {
        var cmd = new Command("fixed", "Fixed-point formats with ac_fixed semantics: show a format and values in it, or evaluate operations from standard input.");
        var format = new Argument<string>("format") { Description = "ac_fixed<W,I,S,Q,O>, W.I [modes], u8.3, int8 ..." };
        var values = new Argument<string[]>("value") { Description = "Values to quantize into the format", Arity = ArgumentArity.ZeroOrMore };
        var show = new Command("show", "Range, quantum and width of a format; for each value its quantized value, bits in binary and hex, and the error.") { format, values };
        show.SetAction(r =>
        {
            FixedFormat f;
            try { f = FixedFormat.Parse(r.GetValue(format)!); }
            catch (FixedFormatException e) { return Terminal.ErrorReport.Usage(e.Message); }
            Console.WriteLine($"{f}: {f.Width} bits, {f.IntBits} integer, {f.FracBits} fractional, range [{f.Lowest.ToString("R", CultureInfo.InvariantCulture)}, {f.Max.ToString("R", CultureInfo.InvariantCulture)}], quantum {(f.Quantum is > 0 and < double.PositiveInfinity ? f.Quantum.ToString("R", CultureInfo.InvariantCulture) : $"2^{-f.FracBits}")}");
            var given = r.GetValue(values) ?? [];
            if (given.Length == 0) return 0;
            var t = new Table().Border(TableBorder.Rounded).AddColumns("value", "quantized", "binary", "hex", "error");
            var failed = 0;
            foreach (var text in given)
            {
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || !double.IsFinite(x))
                {
                    Console.Error.WriteLine($"error: '{text}' is not a number");
                    failed++;
                    continue;
                }
                var v = FixedValue.FromDouble(x, f);
                t.AddRow(Markup.Escape(text), v.ToString(), v.Binary(), "0x" + v.Hex(), (v.ToDouble() - x).ToString("G6", CultureInfo.InvariantCulture));
            }
            AnsiConsole.Write(t);
            return failed > 0 ? 2 : 0;
        });
        var eval = new Command("eval", "Read lines `add|sub|mul FMT_A A FMT_B B FMT_OUT` or `assign FMT_A A FMT_OUT` from standard input; print each result as an exact decimal.");
        eval.SetAction(_ =>
        {
            var n = 0;
            var bad = 0;
            string? line;
            while ((line = Console.In.ReadLine()) is not null)
            {
                n++;
                if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#')) continue;
                try
                {
                    Console.WriteLine(FixedEval.Evaluate(line));
                }
                catch (FormatException e)
                {
                    bad++;
                    Console.WriteLine("error");
                    Console.Error.WriteLine($"error: line {n}: {e.Message}");
                }
            }
            return bad > 0 ? 1 : 0;
        });
        cmd.Add(show);
        cmd.Add(eval);
        return cmd;
    }
}
