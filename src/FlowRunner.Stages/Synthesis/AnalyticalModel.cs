using FlowRunner.Hls.Schedule;

namespace FlowRunner.Stages.Synthesis;

/// <summary>Cost of one operator line of the inventory, all instances together.</summary>
public sealed record OperatorCost(ScheduledOperator Operator, double AreaUm2, long FlipFlops, double DelayNs);

/// <summary>The analytical backend's result: logic area, flip-flops, critical path and the cost of each operator line.</summary>
public sealed record AnalyticalEstimate(double LogicAreaUm2, long FlipFlops, double CriticalPathNs, double ControlAreaUm2, IReadOnlyList<OperatorCost> Operators)
{
    public double FmaxMhz => CriticalPathNs > 0 ? 1000.0 / CriticalPathNs : 0;
}

/// <summary>Estimates logic area, flip-flops and critical path from an operator inventory, with cell areas from the tech's Liberty and per-kind calibration factors.</summary>
/// <remarks>
/// Structural formulas, in the library's own cells (<see cref="CellCatalog"/>), before calibration:
///   mul a x b : a*b AND2 (partial products) + a*b full adders (array reduction)   -> area = k1 * that + k0 * (a+b) full adders
///   add w     : w full adders (ripple)                                           -> area = k1 * that + k0 * one full adder
///   reg w     : w flip-flops                                                     -> area = k1 * that
///   mux w     : w MUX2                                                           -> area = k1 * that
///   cmp w     : w XOR2 + w AND2                                                  -> area = k1 * that
/// The factors k (see <see cref="AnalyticalCalibration"/>) fold in what Yosys and abc really build (no multi-output cells,
/// carry look-ahead, enable and reset logic on registers); multipliers next to adders get MacEdge (a+b) full adders more, what
/// Yosys's fused sum of products costs beyond separate multipliers and adders. Control (FSM, address counters, handshakes) is a fixed share of the datapath.
/// Delays are counted in the library's FO4-like NAND2 delay: mul d = c0 + c1 (a+b), add d = c0 + c1 w (abc's adders are
/// close to linear at these widths), mux and cmp as adders of their width. The critical path is the MAC of the contract:
/// register overhead (clock-to-output + setup) + PathScale x (the slowest multiplier + MacTreeGates gate delays + MacAddShare x the slowest adder,
/// or the slowest operator when there is no multiplier) + SelectLoadGates gate delays per select load (lanes x taps x weight bits).
/// A MAC array's (multipliers feeding adders: every hls.emit design) area is DesignScale x its operators' (plus the control share). DesignScale, PathScale and SelectLoadGates are fitted
/// on whole hls.emit accelerators (`flowrunner bench synth FOLDERS` prints the refit), the other factors on operators alone.
/// Measured (bench synth on 16 hls.emit MNIST accelerators, Yosys 0.23 + OpenSTA 2.0.17): the operators alone sum to 1.09-1.25x
/// Yosys's whole-accelerator area (Yosys shares and narrows logic across the inventory's entries), and their MAC path is 2-3x short of
/// OpenSTA's, whose path runs through the unbuffered tap and layer selects that drive every weight bit of every lane; the whole-design
/// factors bring the area within 7% on both techs and the path within 9% (generic45) and 17% (osu018 to 16 bits; 42% short at 32.16).
/// </remarks>
public static class AnalyticalModel
{
    public static AnalyticalEstimate Estimate(IReadOnlyList<ScheduledOperator> operators, CellCatalog cells, AnalyticalCalibration calibration)
    {
        // Multipliers that feed adders (the MAC array) are built by Yosys as one $macc with the adder tree.
        var fused = operators.Any(o => o.Kind == "add");
        // The whole-design factors are fitted on MAC arrays (what hls.emit writes); a lone operator keeps its own calibration.
        var mac = fused && operators.Any(o => o.Kind == "mul");
        var design = mac ? calibration.DesignScale : 1;
        var costs = operators.Select(o => new OperatorCost(o, design * o.Count * (InstanceArea(o, cells, calibration) + (mac && o.Kind == "mul" ? MacExtraArea(o, cells, calibration) : 0)),
            o.Kind == "reg" ? o.Count * o.Width : 0, InstanceDelay(o, cells, calibration))).ToList();
        var datapath = costs.Sum(c => c.AreaUm2);
        var control = datapath * calibration.ControlShare;

        var widestMul = costs.Where(c => c.Operator.Kind == "mul").MaxBy(c => c.DelayNs);
        var widestAdd = costs.Where(c => c.Operator.Kind == "add").MaxBy(c => c.DelayNs);
        double logic = widestMul is not null
            ? widestMul.DelayNs + (widestAdd is null ? 0 : calibration.MacTreeGates * cells.GateDelayNs + calibration.MacAddShare * widestAdd.DelayNs)
            : costs.Where(c => c.Operator.Kind != "reg").Select(c => c.DelayNs).DefaultIfEmpty(0).Max();
        var critical = cells.RegisterOverheadNs + (mac ? calibration.PathScale * logic + calibration.SelectLoadGates * SelectLoads(operators) * cells.GateDelayNs : logic);
        return new AnalyticalEstimate(datapath + control, costs.Sum(c => c.FlipFlops), critical, control, costs);
    }

    /// <summary>The loads the tap and layer selects drive: every weight bit of every multiplier (lanes x taps x weight width).</summary>
    public static double SelectLoads(IEnumerable<ScheduledOperator> operators) => operators.Where(o => o.Kind == "mul").Sum(o => (double)o.Count * o.AWidth);

    /// <summary>Area of one instance (um2), calibrated.</summary>
    public static double InstanceArea(ScheduledOperator o, CellCatalog cells, AnalyticalCalibration calibration)
    {
        var k = calibration.Of(o.Kind);
        return k.AreaScale * StructuralArea(o, cells) + k.AreaBase * BaseArea(o, cells);
    }

    /// <summary>The uncalibrated structural area of one instance (the formulas of the remarks).</summary>
    public static double StructuralArea(ScheduledOperator o, CellCatalog c) => o.Kind switch
    {
        "mul" => (double)o.AWidth * o.BWidth * (c.And2Um2 + c.FullAdderUm2),
        "add" => o.Width * c.FullAdderUm2,
        "reg" => o.Width * c.FlipFlopUm2,
        "mux" => o.Width * c.Mux2Um2,
        "cmp" => o.Width * (c.Xor2Um2 + c.And2Um2),
        _ => throw new ArgumentException($"unknown operator kind '{o.Kind}'"),
    };

    /// <summary>The second, smaller term: the operand-width edge of a multiplier, a constant for an adder, nothing for the others.</summary>
    public static double BaseArea(ScheduledOperator o, CellCatalog c) => o.Kind switch
    {
        "mul" => (o.AWidth + o.BWidth) * c.FullAdderUm2,
        "add" => c.FullAdderUm2,
        _ => 0,
    };

    /// <summary>Delay of a multiplier feeding an adder tree and accumulator (a MAC lane), calibrated.</summary>
    public static double LaneDelay(ScheduledOperator mul, ScheduledOperator add, CellCatalog cells, AnalyticalCalibration calibration) =>
        InstanceDelay(mul, cells, calibration) + calibration.MacTreeGates * cells.GateDelayNs + calibration.MacAddShare * InstanceDelay(add, cells, calibration);

    /// <summary>What a multiplier inside a fused sum of products costs beyond a lone one: MacEdge full adders per operand bit.</summary>
    public static double MacExtraArea(ScheduledOperator mul, CellCatalog cells, AnalyticalCalibration calibration) =>
        calibration.MacEdge * (mul.AWidth + mul.BWidth) * cells.FullAdderUm2;

    /// <summary>Combinational delay of one instance (ns), calibrated; 0 for registers.</summary>
    public static double InstanceDelay(ScheduledOperator o, CellCatalog cells, AnalyticalCalibration calibration)
    {
        if (o.Kind == "reg") return 0;
        var k = calibration.Of(o.Kind);
        var x = o.Kind == "mul" ? o.AWidth + o.BWidth : o.Width;
        return cells.GateDelayNs * (k.DelayBase + k.DelayPerBit * x);
    }
}
