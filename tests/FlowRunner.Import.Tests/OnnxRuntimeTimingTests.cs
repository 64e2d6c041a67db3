using FlowRunner.Import.Tests.Support;
using Xunit.Abstractions;

namespace FlowRunner.Import.Tests;

/// <summary>The ONNX Runtime side of `bench import` (ONNX Runtime is not linked into the CLI): for every float ONNX model, ONNX Runtime's time
/// per inference on the inputs FlowRunner is timed on, and the ratios, written to the test output and to flowrunner-import-bench.txt in the
/// temporary folder. Nothing is asserted about the times (benchmarks are not tests); the outputs on those inputs must agree.</summary>
public sealed class OnnxRuntimeTimingTests(ITestOutputHelper output)
{
    [Fact]
    public void Onnx_runtime_times_beside_flowrunner_on_the_same_inputs()
    {
        var lines = new List<string> { $"{"model",-30} {"ORT us",8} {"float us",9} {"bit-acc us",11} {"float/ORT",10} {"bit/ORT",8}" };
        foreach (var file in ShippedModels.OnnxFiles.Where(ShippedModels.IsFloatGraph))
        {
            var net = ModelImporter.Import(file).Network;
            var inputs = ImportTiming.Inputs(net.Spec, 500, seed: 2);
            using var ort = new OnnxReference(file);
            var ours = VectorFiles.Infer(net, inputs.Select(x => net.Spec.InputLayout == "chw" ? VectorFiles.ChannelsLast(x, net.Spec.Input) : x).ToList(), InferenceMode.Float);
            for (var i = 0; i < 20; i++) OnnxRuntimeTests.Close(ort.Run(inputs[i]), ours[i], Path.GetFileName(file));
            var o = ort.Time(inputs) * 1e6;
            var t = ImportTiming.Measure(file, inputs, imports: 3);
            lines.Add($"{t.Model,-30} {o,8:F2} {t.FloatUs,9:F2} {t.BitAccurateUs,11:F2} {t.FloatUs / o,10:F2} {t.BitAccurateUs / o,8:F2}");
        }
        foreach (var l in lines) output.WriteLine(l);
        File.WriteAllLines(Path.Combine(Path.GetTempPath(), "flowrunner-import-bench.txt"), lines);
    }
}
