using FlowRunner.Hls.Schedule;

namespace FlowRunner.Stages.Synthesis;

/// <summary>Calibration factors of one operator kind: area = AreaScale x structural + AreaBase x base term; delay = (DelayBase + DelayPerBit x width) gate delays.</summary>
public sealed record KindCalibration(double AreaScale, double AreaBase, double DelayBase, double DelayPerBit);

/// <summary>The analytical model's calibration for one technology: a factor set per operator kind and the control share.</summary>
public sealed record AnalyticalCalibration(string Tech, IReadOnlyDictionary<string, KindCalibration> Kinds, double ControlShare)
{
    /// <summary>Extra full adders per operand bit of a multiplier whose product goes into an adder tree (Yosys builds the products and the tree as one $macc).</summary>
    public double MacEdge { get; init; }

    /// <summary>On the MAC path (multiplier, adder tree, accumulator): how many accumulator-adder delays follow the multiplier...</summary>
    public double MacAddShare { get; init; } = 1;

    /// <summary>... plus this many gate delays for the tree.</summary>
    public double MacTreeGates { get; init; }

    /// <summary>Whole-design area factor: what Yosys builds for a whole accelerator against the sum of its operators alone (it shares
    /// and narrows logic across them), fitted on hls.emit designs.</summary>
    public double DesignScale { get; init; } = 1;

    /// <summary>Whole-design path factor over the MAC path of the operators alone.</summary>
    public double PathScale { get; init; } = 1;

    /// <summary>Gate delays a select load adds to the path: the tap and layer selects drive every weight bit of every lane
    /// (lanes x taps x weight width loads) without buffers, so the path grows with the MAC array.</summary>
    public double SelectLoadGates { get; init; }

    public KindCalibration Of(string kind) =>
        Kinds.TryGetValue(kind, out var k) ? k : throw new ArgumentException($"no calibration for operator kind '{kind}'");

    /// <summary>The stored calibration of a tech; a tech not measured gets the mean of the measured ones.</summary>
    public static AnalyticalCalibration For(string? tech) =>
        tech is not null && Measured.TryGetValue(tech, out var c) ? c : Mean(tech ?? "unknown");

    /// <summary>Uncalibrated: every factor 1 (structural areas), delays one gate per bit.</summary>
    public static AnalyticalCalibration Identity(string tech) => new(tech,
        ScheduleRecord.OperatorKinds.ToDictionary(k => k, _ => new KindCalibration(1, 0, 0, 1)), 0);

    // Measured with `flowrunner bench synth` (SynthCalibration.Fit), Yosys 0.23 (synth -flatten; dfflibmap; abc -liberty) and
    // OpenSTA 2.0.17, one generated module per operator and width: a combinational signed a x b multiplier (4x4 .. 32x32, 8x16,
    // 4x20), a w-bit adder (4..64), a signed w-bit comparator (a < b) and a w-bit 2:1 mux (4..64), a bank of w flip-flops with a
    // synchronous reset and an enable (1..64; how the accelerator writes its registers), and one MAC lane as hls.emit writes it,
    // c + the sum of 9 signed w x w products (w = 4, 6, 8, 10, 16; c and the sum 2w + 4 bits) for MacEdge, MacTreeGates, MacAddShare. Area factors are least squares on the relative error against Yosys `stat -liberty`; delays against the worst
    // path OpenSTA reports, in units of CellCatalog.GateDelayNs (osu018 0.1107 ns, generic45 0.0298 ns).
    // Residual area error after the fit (max over the widths): osu018 mul 6.6%, add 4.3%, reg 0%, mux 0%, cmp 28%;
    // generic45 mul 5.4%, add 5.7%, reg 5.1%, mux 0%, cmp 27% (the comparator is cheap and rare: ReLU and argmax).
    // ControlShare: an assumption (FSM, counters, handshakes of the emitted top over its datapath), not fitted.
    // DesignScale, PathScale, SelectLoadGates: fitted (least squares on the relative error, `bench synth FOLDERS`) on whole hls.emit MNIST
    // accelerators, RND/SAT, formats 4.2, 6.3, 8.4, 10.5, 16.8, 32.16 at every lane count 1, 2, 3, 8 that fits a 32-bit bus (16 points):
    // generic45 worst area error 5.9% (6.4% predicting each point from the other 15), worst path error against OpenSTA 8.1% (8.6%);
    // osu018 worst area error 7.1% (7.6%), path within 17% up to 16-bit formats but 42% short at 32.16 (its 32-bit multiplier path
    // grows faster than the per-operator delays). Before them the whole-design area was 1.09-1.25x Yosys's and the path 2-3.4x too short.
    private static readonly Dictionary<string, AnalyticalCalibration> Measured = new(StringComparer.Ordinal)
    {
        ["osu018"] = new("osu018", new Dictionary<string, KindCalibration>
        {
            ["mul"] = new(1.5900, -1.6233, 5.8578, 1.1832),
            ["add"] = new(1.5461, -1.4735, -0.7398, 1.1981),
            ["reg"] = new(1.7500, 0, 0, 0),
            ["mux"] = new(1.3125, 0, 0.8734, 0),
            ["cmp"] = new(0.9285, 0, 2.4543, 0.1274),
        }, 0.05) { MacEdge = 1.5035, MacTreeGates = 29.74, MacAddShare = 0.0905, DesignScale = 0.8554, PathScale = 1.8868, SelectLoadGates = 0.6790 },
        ["generic45"] = new("generic45", new Dictionary<string, KindCalibration>
        {
            ["mul"] = new(1.4762, -1.4667, 3.3862, 1.3053),
            ["add"] = new(1.3661, -1.4012, -0.9238, 1.2862),
            ["reg"] = new(1.6742, 0, 0, 0),
            ["mux"] = new(1.0000, 0, 0.5373, 0),
            ["cmp"] = new(1.1749, 0, 2.9543, 0.1115),
        }, 0.05) { MacEdge = 1.3485, MacTreeGates = 29.92, MacAddShare = 0.0053, DesignScale = 0.8627, PathScale = 1.9683, SelectLoadGates = 0.4154 },
    };

    private static AnalyticalCalibration Mean(string tech) => new(tech,
        ScheduleRecord.OperatorKinds.ToDictionary(k => k, k => new KindCalibration(
            Measured.Values.Average(c => c.Of(k).AreaScale), Measured.Values.Average(c => c.Of(k).AreaBase),
            Measured.Values.Average(c => c.Of(k).DelayBase), Measured.Values.Average(c => c.Of(k).DelayPerBit))),
        Measured.Values.Average(c => c.ControlShare)) 
        {
            MacAddShare = Measured.Values.Average(c => c.MacAddShare),
            MacEdge = Measured.Values.Average(c => c.MacEdge),
            MacTreeGates = Measured.Values.Average(c => c.MacTreeGates),
            DesignScale = Measured.Values.Average(c => c.DesignScale),
            PathScale = Measured.Values.Average(c => c.PathScale),
            SelectLoadGates = Measured.Values.Average(c => c.SelectLoadGates),
        };
}
