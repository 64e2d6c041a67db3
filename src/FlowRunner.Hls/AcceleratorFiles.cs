using FlowRunner.Hls.Architecture;
using FlowRunner.Hls.Cpp;
using FlowRunner.Hls.Rtl;
using FlowRunner.Hls.Schedule;
using FlowRunner.Hls.Vectors;
using FlowRunner.Models.Network;

namespace FlowRunner.Hls;

/// <summary>Where the emitted files of an accelerator are, relative to the folder they were written to, and its schedule record (the stage
/// writes it as schedule.json with the stages' record serializer).</summary>
public sealed record EmittedFiles(IReadOnlyList<string> Rtl, string Testbench, string Cpp, string Vectors, ScheduleRecord Schedule, RtlModule Top);

/// <summary>Writes everything hls.emit produces for an accelerator into one folder: rtl/ (accel.v, a behavioral module per memory, ROM
/// images), tb/tb_accel.v, accel.cpp and vectors.txt, and builds the schedule record.</summary>
public static class AcceleratorFiles
{
    public const string RtlFolder = "rtl";

    public static EmittedFiles Write(Accelerator a, FloatNetwork net, IReadOnlyList<TestVector> vectors, string directory)
    {
        var rtl = Path.Combine(directory, RtlFolder);
        Directory.CreateDirectory(rtl);
        Directory.CreateDirectory(Path.Combine(directory, "tb"));
        var files = new List<string> { $"{RtlFolder}/accel.v" };
        var top = AcceleratorVerilog.Emit(a);
        File.WriteAllText(Path.Combine(rtl, "accel.v"), top.Verilog);
        foreach (var (module, verilog) in AcceleratorVerilog.AssignModules(a).Concat(AcceleratorVerilog.Memories(a)))
        {
            File.WriteAllText(Path.Combine(rtl, module + ".v"), verilog);
            files.Add($"{RtlFolder}/{module}.v");
        }
        foreach (var l in a.Layers) File.WriteAllText(Path.Combine(rtl, l.WeightMemory + ".hex"), AcceleratorVerilog.RomImage(l));
        File.WriteAllText(Path.Combine(directory, "tb", "tb_accel.v"), TestbenchVerilog.Emit(a));
        File.WriteAllText(Path.Combine(directory, "accel.cpp"), HlsCppEmitter.Emit(a, net));
        File.WriteAllText(Path.Combine(directory, "vectors.txt"), TestVectors.Write(a.Model, vectors));
        return new EmittedFiles(files, "tb/tb_accel.v", "accel.cpp", "vectors.txt", ScheduleReport.Of(a, files), top.Module);
    }
}
