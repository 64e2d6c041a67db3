using FlowRunner.Hls.Tests.Support;

namespace FlowRunner.Hls.Tests;

/// <summary>Convolutions of every geometry the model supports go to hardware: kernels 1 to 7 (square and not), strides, valid, same (the odd
/// extra row and column at the bottom and right) and explicit padding, biases, and conv1d folded into the window's rows. Icarus runs the RTL to
/// the bit-accurate model's outputs bit for bit and the schedule's cycles; g++ builds the C++ to the float model's outputs.</summary>
public class ConvGeometryEquivalenceTests
{
    /// <summary>5x5 same with a bias, then a strided 3x3 valid conv: a 5x5 window array.</summary>
    private const string Same5Strided3 = """
        name: same5
        input: [9, 9, 2]
        layers:
          - { type: conv2d, kernel: 5, filters: 3, padding: same, bias: true }
          - { type: relu }
          - { type: conv2d, kernel: 3, filters: 4, stride: 2, bias: true }
          - { type: relu }
          - { type: flatten }
          - { type: dense, units: 5, bias: true }
        """;

    /// <summary>7x7 same at stride 2 (a 7x7 window), then a 1x1 first-wave conv (48 of its 49 taps idle) and an even 4x4 same kernel.</summary>
    private const string Seven1Even4 = """
        name: seven
        input: [8, 8, 1]
        layers:
          - { type: conv2d, kernel: 7, filters: 2, stride: 2, padding: same, bias: true }
          - { type: relu }
          - { type: conv2d, kernel: 1, filters: 3, bias: true }
          - { type: relu }
          - { type: conv2d, kernel: 4, filters: 2, padding: same }
          - { type: flatten }
          - { type: dense, units: 4, bias: true }
        """;

    /// <summary>A non-square kernel with ONNX-style explicit pads [top, left, bottom, right] and a stride per axis.</summary>
    private const string Explicit = """
        name: explicit
        input: [7, 10, 2]
        layers:
          - { type: conv2d, kernel: [3, 5], stride: [2, 1], padding: [1, 2, 0, 1], filters: 3, bias: true }
          - { type: relu }
          - { type: flatten }
          - { type: dense, units: 3 }
        """;

    /// <summary>conv1d kernels of 5 (same, stride 2) and 7 (valid) folded into a 3x3 window, and one of 3.</summary>
    private const string Conv1D = """
        name: conv1d
        input: [1, 24, 2]
        layers:
          - { type: conv1d, kernel: 5, filters: 3, stride: 2, padding: same, bias: true }
          - { type: relu }
          - { type: conv1d, kernel: 7, filters: 4, bias: true }
          - { type: relu }
          - { type: conv1d, kernel: 3, filters: 2, padding: same }
          - { type: flatten }
          - { type: dense, units: 3, bias: true }
        """;

    private static FlowRunner.Models.Network.FloatNetwork Net(string description, int seed) =>
        HlsRig.WithBiases(HlsRig.Network(seed, description), seed + 100);

    [Theory]
    [InlineData("same5", "ac_fixed<8,4,true,AC_RND,AC_SAT>", 2)]
    [InlineData("same5", "ac_fixed<6,3,true,AC_TRN,AC_WRAP>", 3)]
    [InlineData("seven", "ac_fixed<8,4,true,AC_RND,AC_SAT>", 3)]
    [InlineData("explicit", "ac_fixed<8,4,true,AC_RND,AC_SAT>", 4)]
    [InlineData("conv1d", "ac_fixed<8,4,true,AC_RND,AC_SAT>", 2)]
    [InlineData("conv1d", "ac_fixed<7,3,true,AC_RND_CONV,AC_SAT_SYM>", 4)]
    public void Conv_geometry_runs_bit_for_bit_in_the_rtl(string network, string format, int lanes) =>
        LayerKindEquivalenceTests.RtlMatches(Net(Description(network), 21), format, lanes, 3);

    [Theory]
    [InlineData("same5")]
    [InlineData("seven")]
    [InlineData("explicit")]
    [InlineData("conv1d")]
    public void Conv_geometry_cpp_matches_the_float_model(string network) =>
        LayerKindEquivalenceTests.CppMatches(Net(Description(network), 22), "ac_fixed<8,4,true,AC_RND,AC_SAT>", 2, 4);

    [Theory]
    [InlineData("same5", 2)]
    [InlineData("seven", 3)]
    [InlineData("conv1d", 4)]
    public void Conv_geometry_rtl_is_clean_under_verilator_lint_all(string network, int lanes) =>
        Assert.Null(HlsRig.LintProblems(Net(Description(network), 21), "ac_fixed<8,4,true,AC_RND,AC_SAT>", lanes));

    [Fact]
    public void The_window_is_as_wide_as_the_largest_kernel_and_conv1d_folds_into_rows()
    {
        Assert.Equal(5, Plan(Same5Strided3).Array.Rows);
        Assert.Equal(7, Plan(Seven1Even4).Array.TapsPerRow);
        var conv1d = Plan(Conv1D);
        Assert.Equal(3, conv1d.Array.Rows);
        Assert.Equal([2, 3, 1], conv1d.Layers.Take(3).Select(l => l.WindowRows));
    }

    private static Architecture.Accelerator Plan(string description)
    {
        var model = new Models.Inference.BitAccurateNetwork(Net(description, 1), Numerics.Formats.FixedFormat.Parse("ac_fixed<8,4,true,AC_RND,AC_SAT>"));
        return Architecture.Accelerator.Plan(model, new Architecture.Directives(32, 2));
    }

    private static string Description(string name) => name switch
    {
        "same5" => Same5Strided3,
        "seven" => Seven1Even4,
        "explicit" => Explicit,
        "conv1d" => Conv1D,
        _ => throw new ArgumentException(name),
    };
}
