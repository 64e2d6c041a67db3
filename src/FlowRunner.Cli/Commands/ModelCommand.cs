using System.CommandLine;
using System.Diagnostics;
using FlowRunner.Cli.Terminal;
using FlowRunner.Import;
using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Cli.Commands;

/// <summary>`flowrunner model import` (Keras/QKeras, ONNX/QONNX to a FlowRunner network description and weights) and `flowrunner model
/// infer` (float or bit-accurate outputs of input vectors, to compare with the framework a model was trained in).</summary>
internal static class ModelCommand
{
    public static Command Create()
    {
        var cmd = new Command("model", "Bring your own model: import Keras/QKeras and ONNX/QONNX files, run inference on input vectors.");
        cmd.Add(ImportCommand());
        cmd.Add(InferCommand());
        return cmd;
    }

    private static Command ImportCommand()
    {
        var file = new Argument<string>("file") { Description = "model.json (Keras 2, with its _weights.h5), a whole-model .h5, or an .onnx" };
        var weights = new Option<string?>("--weights") { Description = "the Keras weights .h5 (default: <stem>_weights.h5 beside model.json)" };
        var output = new Option<string?>("--output", "-o") { Description = "the network description to write (default: <stem>.yaml in the current folder); the weights go beside it as <stem>.weights.json" };
        var sub = new Command("import", "Translate a model into a FlowRunner network description and weights (model.load reads them), and print its layers.") { file, weights, output };
        sub.SetAction(r =>
        {
            var f = r.GetValue(file)!;
            try
            {
                var sw = Stopwatch.StartNew();
                var m = ModelImporter.Import(f, r.GetValue(weights));
                var yaml = r.GetValue(output) ?? Path.GetFileNameWithoutExtension(f) + ".yaml";
                var (d, w) = ModelImporter.Write(m, yaml);
                Console.Write(LayerTable.Text(m.Spec));
                Console.WriteLine($"wrote {d} and {w} ({sw.ElapsedMilliseconds} ms)");
                return 0;
            }
            catch (ModelFormatException e) { return ErrorReport.Usage(e.Message); }
            catch (IOException e) { return ErrorReport.Usage($"{f}: {e.Message}"); }
        });
        return sub;
    }

    private static Command InferCommand()
    {
        var network = new Argument<string>("network") { Description = "a network description (.yaml with <stem>.weights.json beside it), a weights .json, or a model file to import" };
        var input = new Option<string>("--input") { Description = "CSV: one input vector a line, in the source model's layout (channels last; channels first when the description says input_layout: chw)", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "CSV: one output vector a line", Required = true };
        var mode = new Option<string>("--mode") { Description = "float (default) or bit-accurate", DefaultValueFactory = _ => "float" };
        var weights = new Option<string?>("--weights") { Description = "the weights (default: beside the description)" };
        var format = new Option<string?>("--format") { Description = "bit-accurate: default format of inputs, weights and outputs (layers with their own formats keep them)" };
        var accum = new Option<string?>("--accum-format") { Description = "bit-accurate: accumulator format (default full precision)" };
        var sub = new Command("infer", "Outputs of input vectors, float or bit-accurate.") { network, input, output, mode, weights, format, accum };
        sub.SetAction(r =>
        {
            try
            {
                var m = r.GetValue(mode) switch
                {
                    "float" => InferenceMode.Float,
                    "bit-accurate" => InferenceMode.BitAccurate,
                    var other => throw new ImportException($"--mode must be float or bit-accurate, got '{other}'"),
                };
                var net = NetworkFiles.Open(r.GetValue(network)!, r.GetValue(weights));
                FormatDefaults? defaults = null;
                try
                {
                    defaults = FormatDefaults.For(net.Spec, r.GetValue(format) is { } fm ? FixedFormat.Parse(fm) : null, r.GetValue(accum) is { } ac ? FixedFormat.Parse(ac) : null);
                }
                catch (FixedFormatException e) { throw new ImportException(e.Message); }
                var rows = VectorFiles.Read(r.GetValue(input)!, net.Spec);
                VectorFiles.Write(r.GetValue(output)!, VectorFiles.Infer(net, rows, m, defaults));
                Console.WriteLine($"{rows.Count} vector(s), {m switch { InferenceMode.Float => "float", _ => $"bit-accurate ({defaults})" }}: wrote {r.GetValue(output)}");
                return 0;
            }
            catch (ModelFormatException e) { return ErrorReport.Usage(e.Message); }
            catch (IOException e) { return ErrorReport.Usage(e.Message); }
        });
        return sub;
    }
}
