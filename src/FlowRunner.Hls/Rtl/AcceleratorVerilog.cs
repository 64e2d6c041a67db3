using System.Globalization;
using System.Text;
using FlowRunner.Hls.Architecture;
using FlowRunner.Numerics.Formats;
using FlowRunner.Tech.Memories;

namespace FlowRunner.Hls.Rtl;

/// <summary>Synthesizable Verilog-2005 of the accelerator's top module `accel`: bus interface, control FSM, window row buffers, the
/// L x R x R multiplier array with exact accumulators, the per-layer assignment (rounding and saturation) logic, the output packer and the
/// memory instances (behavioral modules the memory stage may replace with generated macros).</summary>
/// <remarks>
/// Ports: clk, rst (synchronous, active high); wr_en + wr_data (one beat = L pixels, lane i in bits [i*W +: W], accepted while idle or
/// done); start (one cycle); done (level, until the next start); rd_en + rd_data (logits, as many a beat as fit the bus, from beat 0 after
/// each start; rd_en advances to the next beat).
/// FSM: IDLE -> per layer { conv: per pixel WIN (kernel rows x words-per-run reads), per group MAC (C steps), TAIL, OUT; dense: per group,
/// per step WIN, MAC, then TAIL, OUT } FLUSH -> ... -> DONE. Padding: values outside the tensor read as zero (the word address beyond it,
/// or the tap's column outside the input), and taps beyond a layer's kernel are held at zero. The cycle counts in <see cref="EngineLayer.Cycles"/> follow it state by state.
/// </remarks>
public static class AcceleratorVerilog
{
    private const int StIdle = 0, StWin = 1, StMac = 2, StTail = 3, StOut = 4, StFlush = 5, StDone = 6;

    /// <summary>The top module.</summary>
    public static string Top(Accelerator a) => Emit(a).Verilog;

    /// <summary>The top module's Verilog with the module model it was printed from (its registers and their roles).</summary>
    public static AcceleratorModule Emit(Accelerator a)
    {
        var g = new Generator(a);
        var verilog = g.Emit();
        return new AcceleratorModule(verilog, g.Module);
    }

    /// <summary>The assignment modules the top instantiates, a file each: accumulator to output format, and output to stored format.</summary>
    public static IEnumerable<(string Module, string Verilog)> AssignModules(Accelerator a)
    {
        var accw = a.AccumulatorRegisterBits;
        foreach (var l in a.Layers)
        {
            yield return ($"accel_{l.Name}_out", AssignVerilog.Module($"accel_{l.Name}_out", accw, l.Formats.ProductFrac, l.Formats.Output));
            if (l.Activation is { } act)
                yield return ($"accel_{l.Name}_act", AssignVerilog.Module($"accel_{l.Name}_act", l.Formats.Output.Width + 1, l.Formats.Output.FracBits, act.Format));
            if (l.Function is { } fn)
                foreach (var m in FunctionVerilog.Modules($"accel_{l.Name}", fn)) yield return m;
            if (l.AssignStored)
                yield return ($"accel_{l.Name}_store", AssignVerilog.Module($"accel_{l.Name}_store", l.Activated.Width + 1, l.Activated.FracBits, l.Stored));
        }
    }

    /// <summary>Behavioral memory modules, one per memory (the interface convention of FlowRunner.Tech.Memories.MemoryVerilog).</summary>
    public static IEnumerable<(string Module, string Verilog)> Memories(Accelerator a) =>
        AcceleratorMemories.Of(a).Select(m => (m.Memory.Module, MemoryVerilog.Behavioral(m.Memory)));

    /// <summary>The ROM image of a layer: one word per line in hex, lane i tap t at bits [(i*T+t)*Ww +: Ww] (T taps a lane), two's complement.</summary>
    public static string RomImage(EngineLayer l)
    {
        var ww = l.Formats.Weight.Width;
        var Taps = l.Array.TapsPerLane;
        var sb = new StringBuilder();
        for (var w = 0; w < l.WeightWords; w++)
        {
            var word = System.Numerics.BigInteger.Zero;
            for (var i = 0; i < l.Lanes; i++)
                for (var t = 0; t < Taps; t++)
                {
                    var v = new System.Numerics.BigInteger(l.RomWeight(w, i, t)) & ((System.Numerics.BigInteger.One << ww) - 1);
                    word |= v << ((i * Taps + t) * ww);
                }
            sb.Append(AssignVerilog.Hex(word, l.Lanes * Taps * ww)).Append('\n');
        }
        return sb.ToString();
    }

    private static int BitsFor(long maxValue) => Accelerator.BitsFor(maxValue);

    private sealed class Generator(Accelerator a)
    {
        private readonly StringBuilder _sb = new();
        private readonly RtlModule _module = new("accel");

        /// <summary>The registers the module declares, in order.</summary>
        public RtlModule Module => _module;
        private readonly int L = a.Lanes;
        private readonly int WA = a.OperandBits;
        private readonly int WB = a.WeightBits;
        private readonly int ACCW = a.AccumulatorRegisterBits;
        private readonly int NB = a.WindowValues;
        private readonly IReadOnlyList<EngineLayer> Ls = a.Layers;
        private readonly int Taps = a.Array.TapsPerLane;
        private readonly int R = a.Array.Rows;

        /// <summary>Bits of the window-row counters.</summary>
        private int KB => BitsFor(R - 1);

        // What only some networks need, so the reference network's RTL stays as it was: a kernel shorter than the window, strides that
        // differ between rows of a window and output rows, a first window before the tensor's start, taps checked against the columns.
        private bool ShortWindows => Ls.Any(l => l.WindowRows != R);
        private bool LineStrides => Ls.Any(l => l.LineStride != l.RowStride);
        private bool Starts => Ls.Any(l => l.StartOffset != 0);
        private bool ColumnChecks => Ls.Any(l => l.ColumnPadded);
        private bool Pools => Ls.Any(l => l.Pool is not null);
        private IEnumerable<EngineLayer> Pooled => Ls.Where(l => l.Pool is not null);

        /// <summary>Width of the running maximum registers: the widest pooled value, sign-extended by one bit.</summary>
        private int PW => Pooled.Max(l => l.Activated.Width + 1);

        /// <summary>Filter groups a pooled layer keeps maxima for (a register per group and lane).</summary>
        private int PG => Pooled.Max(l => l.Groups);

        private int DXB => BitsFor(Math.Max(1, Ls.Max(l => (long)l.PoolColumns - 1)));
        private int DYB => BitsFor(Math.Max(1, Ls.Max(l => (long)l.PoolRows - 1)));

        private bool TapMasks => ColumnChecks || Ls.Any(l => Enumerable.Range(0, Taps).Any(t => !l.TapUsed(t)));

        /// <summary>Bits of the column counter pxs (output column x stride) plus a tap's column.</summary>
        private int QB => BitsFor(Ls.Max(l => (long)l.Columns * l.ColumnStride + Taps + l.PadLeft + l.Input.W));

        /// <summary>A layer's first window position as (word, lane offset), the word in two's complement over the address width.</summary>
        private (long Word, long Offset) Start(EngineLayer l)
        {
            var word = (long)Math.Floor((double)l.StartOffset / L);
            return (word & ((1L << AB) - 1), l.StartOffset - word * L);
        }

        private int N => Ls.Count;
        private int LB => BitsFor(Math.Max(1, N - 1));
        private int OB => BitsFor(Math.Max(1, L - 1));
        private int AB => BitsFor(Ls.Max(l => (long)l.InputWords + l.WordsPerRun + Math.Max(l.RowStride, l.LineStride) / L + 2 + l.AddressMargin));
        private int WS => Ls.Max(l => l.Stored.Width);

        // Counter widths: each holds the largest value any layer counts to.
        private int CB => BitsFor(Ls.Max(l => (long)Math.Max(l.Steps, 1)));
        private int GB => BitsFor(Ls.Max(l => (long)l.Groups));
        private int XB => BitsFor(Ls.Max(l => (long)l.Output.W));
        private int YB => BitsFor(Ls.Max(l => (long)l.Output.H));
        private int RB => BitsFor(Ls.Max(l => (long)l.WeightWords));
        private int JB => BitsFor(Ls.Max(l => (long)l.WordsPerRun));
        private int PB => BitsFor(2L * L);

        private void W(string line) => _sb.Append(line).Append('\n');

        /// <summary>Declares registers of one width and role into the module model and prints their declaration line.</summary>
        private void Reg(string role, int width, IEnumerable<string> names, bool signed = false, bool clocked = true) =>
            W(RtlPrinter.Declaration(_module.Declare(role, width, names, signed, clocked)));

        /// <summary>Declares one-bit registers without a range.</summary>
        private void Bits(string role, IEnumerable<string> names) => W(RtlPrinter.Declaration(_module.Declare(role, 1, names, scalar: true)));

        private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

        private string Const(int width, long v) => $"{width}'d{I(v)}";

        /// <summary>A signed constant: negative values as the negation of their magnitude.</summary>
        private static string Signed(int width, long v) => v < 0 ? $"-{width}'sd{I(-v)}" : $"{width}'sd{I(v)}";

        /// <summary>A per-layer constant as a wire selected by the layer register.</summary>
        private void LayerConst(string name, int width, Func<EngineLayer, long> value) => LayerCase(name, width, value);

        /// <summary>A constant of the layer after the current one (layer 0's after the last), as a wire selected by the layer register.</summary>
        private void NextLayerConst(string name, int width, Func<EngineLayer, long> value) => LayerCase(name, width, l => value(Ls[(l.Position + 1) % N]));

        private void LayerCase(string name, int width, Func<EngineLayer, long> value)
        {
            Reg(RegisterRoles.Constant, width, [name], clocked: false);
            W("  always @(*)");
            W("    case (layer)");
            foreach (var l in Ls) W($"      {Const(LB, l.Position)}: {name} = {Const(width, value(l))};");
            W($"      default: {name} = {Const(width, value(Ls[0]))};");
            W("    endcase");
        }

        public string Emit()
        {
            var last = a.Last;
            var wi = a.InputFormat.Width;
            var wout = last.Stored.Width;
            var bus = a.Directives.BusBits;
            var (cb, gb, xb, yb, rb, jb, pb) = (CB, GB, XB, YB, RB, JB, PB);
            var beatsW = BitsFor(a.LoadBeats);
            var beatsR = BitsFor(a.ReadBeats);
            var ib = BitsFor(NB + 2);

            W($"// accel: {a.Model.Spec.Name} on a MAC array of {L} lane(s) x {Taps} multipliers ({WA} x {WB} bits), {ACCW}-bit exact accumulators;");
            W($"// {a.Directives.BusBits}-bit bus: {a.LoadBeats} write beats of {L} pixel(s) ({a.InputFormat}), {a.ReadBeats} read beat(s) of {a.LogitsPerBeat} logit(s) ({last.Stored}).");
            W($"// Cycles per inference: {a.LoadBeats} load + {a.ComputeCycles} compute + {a.ReadBeats} read = {a.CyclesPerInference}. Generated by FlowRunner.");
            W("module accel (");
            W("  input clk,");
            W("  input rst,");
            W("  input wr_en,");
            W($"  input [{bus - 1}:0] wr_data,");
            W("  input start,");
            W("  output done,");
            W("  input rd_en,");
            W(RtlPrinter.Declaration(_module.Declare(RegisterRoles.Output, bus, ["rd_data"], clocked: false, port: true)));
            W(");");
            W($"  localparam [2:0] S_IDLE = 3'd{StIdle}, S_WIN = 3'd{StWin}, S_MAC = 3'd{StMac}, S_TAIL = 3'd{StTail}, S_OUT = 3'd{StOut}, S_FLUSH = 3'd{StFlush}, S_DONE = 3'd{StDone};");
            Reg(RegisterRoles.Control, 3, ["state"]);
            Reg(RegisterRoles.Control, LB, ["layer"]);
            Reg(RegisterRoles.Counter, xb, ["px"]);
            Reg(RegisterRoles.Counter, yb, ["py"]);
            Reg(RegisterRoles.Counter, cb, ["st"]);
            Reg(RegisterRoles.Counter, gb, ["grp"]);
            Reg(RegisterRoles.Counter, KB, ["wky"]);
            Reg(RegisterRoles.Counter, jb, ["wj"]);
            Reg(RegisterRoles.Address, AB, ["row_a", "ps_a", "ls_a", "raddr"]);
            Reg(RegisterRoles.Address, OB, ["row_o", "ps_o", "ls_o", .. Enumerable.Range(0, R).Select(k => $"off{k}")]);
            Bits(RegisterRoles.Control, ["rv"]);
            Reg(RegisterRoles.Counter, KB, ["rky"]);
            Reg(RegisterRoles.Address, rb, ["romaddr"]);
            Bits(RegisterRoles.Control, ["mv", "mfirst"]);
            Reg(RegisterRoles.Counter, cb, ["mc"]);
            Reg(RegisterRoles.Counter, beatsW, ["wptr"]);
            Reg(RegisterRoles.Counter, beatsR, ["rptr"]);
            Reg(RegisterRoles.Counter, pb, ["pcnt"]);
            Reg(RegisterRoles.Address, AB, ["waddr"]);
            Reg(RegisterRoles.Window, NB * WA, Enumerable.Range(0, R).Select(k => $"rb{k}"));
            if (ColumnChecks) Reg(RegisterRoles.Counter, QB, ["pxs"]);
            if (Pools)
            {
                Reg(RegisterRoles.Counter, DXB, ["dx"]);
                Reg(RegisterRoles.Counter, DYB, ["dy"]);
                Reg(RegisterRoles.Address, AB, ["pr_a", "pb_a"]);
                Reg(RegisterRoles.Address, OB, ["pr_o", "pb_o"]);
                if (ColumnChecks) Reg(RegisterRoles.Counter, QB, ["pxb"]);
            }
            Reg(RegisterRoles.Activation, 2 * L * WS, ["pk"]);
            for (var i = 0; i < L; i++) Reg(RegisterRoles.Accumulator, ACCW, [$"acc{i}"], signed: true);
            for (var k = 0; k < last.Filters; k++) Reg(RegisterRoles.Output, wout, [$"logit{k}"]);
            W("");
            W("  assign done = state == S_DONE;");
            W("  wire idle = state == S_IDLE || state == S_DONE;");
            W("  wire bus_wr = wr_en && idle;");
            W("  wire is_last = layer == " + Const(LB, N - 1) + ";");
            W("");
            W("  // Per-layer constants.");
            LayerConst("c_nw", jb, l => l.WordsPerRun - 1);
            LayerConst("c_steps", cb, l => l.Steps - 1);
            LayerConst("c_groups", gb, l => l.Groups - 1);
            LayerConst("c_ow", xb, l => l.Columns - 1);
            LayerConst("c_oh", yb, l => l.Rows - 1);
            LayerConst("c_xq", AB, l => l.StepStride / L);
            LayerConst("c_xr", OB, l => l.StepStride % L);
            LayerConst("c_rq", AB, l => l.RowStride / L);
            LayerConst("c_rr", OB, l => l.RowStride % L);
            LayerConst("c_base", ib, l => NB - l.WordsPerRun * L);
            LayerConst("c_chan", ib, l => l.Channels);
            LayerConst("c_wlast", AB, l => (l.Input.Size - 1) / L);
            LayerConst("c_nlast", OB + 1, l => l.Input.Size - (l.Input.Size - 1) / L * L);
            LayerConst("c_nv", OB + 1, l => l.Filters - (l.Groups - 1) * L);
            if (ShortWindows) LayerConst("c_wr", KB, l => l.WindowRows - 1);
            if (LineStrides)
            {
                LayerConst("c_lq", AB, l => l.LineStride / L);
                LayerConst("c_lr", OB, l => l.LineStride % L);
            }
            if (Starts)
            {
                // The next layer's first window, loaded when this one flushes.
                NextLayerConst("c_na", AB, l => Start(l).Word);
                NextLayerConst("c_no", OB, l => Start(l).Offset);
            }
            if (Pools)
            {
                LayerConst("c_dw", DXB, l => l.PoolColumns - 1);
                LayerConst("c_dh", DYB, l => l.PoolRows - 1);
                LayerConst("c_gq", AB, l => l.PoolColumnStride / L);
                LayerConst("c_gr", OB, l => l.PoolColumnStride % L);
                LayerConst("c_hq", AB, l => l.PoolLineStride / L);
                LayerConst("c_hr", OB, l => l.PoolLineStride % L);
                if (ColumnChecks) LayerConst("c_gw", QB, l => l.PoolColumnStep);
            }
            if (TapMasks)
            {
                LayerConst("c_tap", Taps, l => Enumerable.Range(0, Taps).Where(l.TapUsed).Sum(t => 1L << t));
                if (ColumnChecks)
                {
                    LayerConst("c_sw", QB, l => l.ColumnStride);
                    LayerConst("c_pl", QB, l => l.PadLeft);
                    LayerConst("c_pr", QB, l => l.ColumnPadded ? l.PadLeft + l.Input.W : (1L << QB) - 1);
                }
            }
            W("  wire conv = " + string.Join(" || ", Ls.Where(l => l.StepsShareWindow).Select(l => $"layer == {Const(LB, l.Position)}").DefaultIfEmpty("1'b0")) + ";");
            W("");

            W("  // Flat positions as (word, lane offset) pairs, advanced by constant strides without dividers.");
            Advance("nrow", "row_a", "row_o", "c_rq", "c_rr");
            Advance("npix", "ps_a", "ps_o", "c_xq", "c_xr");
            if (!Pools) Advance("nline", "ls_a", "ls_o", LineStrides ? "c_lq" : "c_rq", LineStrides ? "c_lr" : "c_rr");
            else
            {
                // Pooled layers walk each pool window's outputs in turn: the next output in the window's row, the window's next row, the next
                // window, the next row of windows.
                Advance("nline", "ls_a", "ls_o", "c_hq", "c_hr");
                Advance("nprow", "pr_a", "pr_o", LineStrides ? "c_lq" : "c_rq", LineStrides ? "c_lr" : "c_rr");
                Advance("npb", "pb_a", "pb_o", "c_gq", "c_gr");
                W("  wire pool_first = dx == " + Const(DXB, 0) + " && dy == " + Const(DYB, 0) + ";");
                W("  wire pool_last = dx == c_dw && dy == c_dh;");
            }
            W("");

            // Memories.
            W("  // Memories: a behavioral module each (replaced by generated macros in the memory stage).");
            W($"  wire [{AB - 1}:0] rd_addr = row_a + {{{{{AB - jb}{{1'b0}}}}, wj}};");
            W("  wire win_rd = state == S_WIN;");
            W($"  wire [{OB}:0] nvalid = grp == c_groups ? c_nv : {Const(OB + 1, L)};");
            W($"  wire [{pb}:0] pfill = {{1'b0, pcnt}} + {{{{{pb - OB}{{1'b0}}}}, nvalid}};");
            W($"  wire pk_write = !is_last && ((state == S_OUT{(Pools ? " && pool_last" : "")} && pfill >= {Const(pb + 1, L)}) || (state == S_FLUSH && pcnt != {Const(pb, 0)}));");
            Reg(RegisterRoles.Activation, L * WS, ["pk_word"], clocked: false);
            foreach (var l in Ls)
            {
                var mw = L * l.Formats.Input.Width;
                var aw = LogicalMemory.AddressWidth(l.InputWords);
                var sel = $"layer == {Const(LB, l.Position)}";
                W($"  wire [{mw - 1}:0] {l.InputMemory}_dout;");
                string ce, we, addr, din;
                if (l.Position == 0)
                {
                    ce = $"bus_wr || (win_rd && {sel})";
                    we = "bus_wr";
                    addr = $"bus_wr ? {Resize("wptr", beatsW, aw)} : rd_addr[{aw - 1}:0]";
                    din = $"wr_data[{mw - 1}:0]";
                }
                else
                {
                    var prev = $"layer == {Const(LB, l.Position - 1)}";
                    ce = $"(pk_write && {prev}) || (win_rd && {sel})";
                    we = $"pk_write && {prev}";
                    addr = $"(pk_write && {prev}) ? waddr[{aw - 1}:0] : rd_addr[{aw - 1}:0]";
                    var ws = l.Formats.Input.Width;
                    din = "{" + string.Join(", ", Enumerable.Range(0, L).Reverse().Select(i => $"pk_word[{i * WS + ws - 1}:{i * WS}]")) + "}";
                }
                W($"  {l.InputMemory} u_{l.InputMemory} (.clk(clk), .ce({ce}), .we({we}), .addr({addr}), .din({din}), .dout({l.InputMemory}_dout));");
                var rw = L * Taps * l.Formats.Weight.Width;
                var raw = LogicalMemory.AddressWidth(l.WeightWords);
                W($"  wire [{rw - 1}:0] {l.WeightMemory}_dout;");
                W($"  {l.WeightMemory} #(.INIT_FILE(\"{l.WeightMemory}.hex\")) u_{l.WeightMemory} (.clk(clk), .ce(state == S_MAC && {sel}), .addr({Resize("romaddr", rb, raw)}), .dout({l.WeightMemory}_dout));");
            }
            W("");

            // Incoming window word: lanes extended to WA and masked beyond the tensor.
            W("  // The word read last cycle, lanes sign- or zero-extended to the operand width, zero beyond the tensor.");
            Reg(RegisterRoles.ReadData, L * WA, ["rd_word"], clocked: false);
            W($"  wire [{OB}:0] rd_valid = raddr > c_wlast ? {Const(OB + 1, 0)} : raddr == c_wlast ? c_nlast : {Const(OB + 1, L)};");
            W("  always @(*) begin");
            W($"    rd_word = {Const(L * WA, 0)};");
            W("    case (layer)");
            foreach (var l in Ls)
            {
                var f = l.Formats.Input;
                W($"      {Const(LB, l.Position)}: begin");
                for (var i = 0; i < L; i++)
                {
                    var v = $"{l.InputMemory}_dout[{i * f.Width + f.Width - 1}:{i * f.Width}]";
                    var ext = WA == f.Width ? v : f.Signed ? $"{{{{{WA - f.Width}{{{l.InputMemory}_dout[{i * f.Width + f.Width - 1}]}}}}, {v}}}" : $"{{{Const(WA - f.Width, 0)}, {v}}}";
                    W($"        if (rd_valid > {Const(OB + 1, i)}) rd_word[{i * WA + WA - 1}:{i * WA}] = {ext};");
                }
                W("      end");
            }
            W("      default: ;");
            W("    endcase");
            W("  end");
            W("");

            // Taps: window value x_t for the product cycle.
            // A select at a stride that is not a power of two (W = 6, 10) synthesizes as a multiplier and a barrel shifter over the
            // whole row: Yosys built 6.3 as large as 8.4 and 10.5 near 16.8. The select reads a view of the row padded to a
            // power-of-two stride instead, a plain N:1 multiplexer per bit (the padding is constant and vanishes).
            var stride = 1;
            while (stride < WA) stride *= 2;
            var row = "rb";
            if (stride != WA)
            {
                row = "rbp";
                W($"  // Row buffers at a {stride}-bit stride for the window select.");
                for (var ky = 0; ky < R; ky++)
                    W($"  wire [{NB * stride - 1}:0] rbp{ky} = {{" + string.Join(", ", Enumerable.Range(0, NB).Reverse()
                        .Select(i => $"{stride - WA}'d0, rb{ky}[{i * WA + WA - 1}:{i * WA}]")) + "};");
            }
            W("  // Window taps for the product cycle: row ky, position base + offset + kx*C + channel.");
            if (TapMasks)
                W("  // A tap carries data when the layer's kernel has it and its input column is inside the tensor (else zero: padding).");
            for (var t = 0; t < Taps; t++)
            {
                var ky = t / a.Array.TapsPerRow;
                var kx = t % a.Array.TapsPerRow;
                W($"  wire [{ib - 1}:0] ix{t} = c_base + {Resize($"off{ky}", OB, ib)} + {Resize("mc", cb, ib)} + c_chan * {Const(ib, kx)};");
                if (!TapMasks)
                {
                    W($"  wire signed [{WA - 1}:0] x{t} = {row}{ky}[ix{t} * {stride} +: {WA}];");
                    continue;
                }
                var on = $"c_tap[{t}]";
                if (ColumnChecks)
                {
                    LayerConst($"c_col{t}", QB, l => l.TapColumn(t));
                    W($"  wire [{QB - 1}:0] col{t} = pxs + c_col{t};");
                    on += $" && col{t} >= c_pl && col{t} < c_pr";
                }
                W($"  wire signed [{WA - 1}:0] x{t} = ({on}) ? {row}{ky}[ix{t} * {stride} +: {WA}] : {Const(WA, 0)};");
            }
            W("");

            // Weights and products.
            W("  // Weights of lane i, tap t from the layer's ROM word, sign-extended to the weight operand width.");
            for (var i = 0; i < L; i++)
                for (var t = 0; t < Taps; t++)
                {
                    Reg(RegisterRoles.Weight, WB, [$"w{i}_{t}"], signed: true, clocked: false);
                }
            W("  always @(*) begin");
            for (var i = 0; i < L; i++) for (var t = 0; t < Taps; t++) W($"    w{i}_{t} = {Const(WB, 0)};");
            W("    case (layer)");
            foreach (var l in Ls)
            {
                var f = l.Formats.Weight;
                W($"      {Const(LB, l.Position)}: begin");
                for (var i = 0; i < L; i++)
                    for (var t = 0; t < Taps; t++)
                    {
                        var lo = (i * Taps + t) * f.Width;
                        var v = $"{l.WeightMemory}_dout[{lo + f.Width - 1}:{lo}]";
                        var ext = WB == f.Width ? v : f.Signed ? $"{{{{{WB - f.Width}{{{l.WeightMemory}_dout[{lo + f.Width - 1}]}}}}, {v}}}" : $"{{{Const(WB - f.Width, 0)}, {v}}}";
                        W($"        w{i}_{t} = {ext};");
                    }
                W("      end");
            }
            W("      default: ;");
            W("    endcase");
            W("  end");
            for (var i = 0; i < L; i++)
            {
                W($"  wire signed [{ACCW - 1}:0] sum{i} = " + string.Join(" + ", Enumerable.Range(0, Taps).Select(t => $"w{i}_{t} * x{t}")) + ";");
            }
            W("");

            // Biases: the accumulators of a group start from them.
            var biased = Ls.Any(l => l.HasBias);
            if (biased)
            {
                W("  // Biases at the product's LSB: the starting value of lane i's accumulator in the current layer and group.");
                for (var i = 0; i < L; i++) Reg(RegisterRoles.Bias, ACCW, [$"bias{i}"], signed: true, clocked: false);
                W("  always @(*) begin");
                for (var i = 0; i < L; i++) W($"    bias{i} = {Const(ACCW, 0)};");
                W("    case (layer)");
                foreach (var l in Ls.Where(l => l.HasBias))
                {
                    W($"      {Const(LB, l.Position)}:");
                    W("        case (grp)");
                    for (var g = 0; g < l.Groups; g++)
                    {
                        W($"          {Const(GB, g)}: begin");
                        for (var i = 0; i < L; i++) W($"            bias{i} = {Signed(ACCW, l.LaneBias(g, i))};");
                        W("          end");
                    }
                    W("          default: ;");
                    W("        endcase");
                }
                W("      default: ;");
                W("    endcase");
                W("  end");
                W("");
            }

            // Output assignment per layer and lane.
            if (Pools)
            {
                W("  // Running maxima of the pooled layers' outputs: a register per filter group and lane.");
                for (var g = 0; g < PG; g++)
                    for (var i = 0; i < L; i++) Reg(RegisterRoles.Pooling, PW, [$"pm{g}_{i}"], signed: true);
                for (var i = 0; i < L; i++)
                {
                    Reg(RegisterRoles.Pooling, PW, [$"psel{i}"], signed: true, clocked: false);
                    W("  always @(*)");
                    W("    case (grp)");
                    for (var g = 0; g < PG; g++) W($"      {Const(GB, g)}: psel{i} = pm{g}_{i};");
                    W($"      default: psel{i} = {Const(PW, 0)};");
                    W("    endcase");
                }
            }
            W("  // Outputs: accumulator -> output format -> relu -> the next layer's input format.");
            foreach (var l in Ls)
            {
                var o = l.Formats.Output;
                for (var i = 0; i < L; i++)
                {
                    W($"  wire [{o.Width - 1}:0] {l.Name}_o{i};");
                    W($"  accel_{l.Name}_out u_{l.Name}_out{i} (.a(acc{i}), .y({l.Name}_o{i}));");
                    var r = l.Relu && o.Signed ? $"{l.Name}_o{i}[{o.Width - 1}] ? {Const(o.Width, 0)} : {l.Name}_o{i}" : $"{l.Name}_o{i}";
                    W($"  wire [{o.Width - 1}:0] {l.Name}_r{i} = {r};");
                    var v = $"{l.Name}_r{i}";
                    var vf = o;
                    if (l.Activation is { } act)
                    {
                        // The activation's own format: relu'd output assigned into it, inputs above the bound give the bound.
                        var af = act.Format;
                        W($"  wire [{af.Width - 1}:0] {l.Name}_q{i};");
                        W($"  accel_{l.Name}_act u_{l.Name}_act{i} (.a({{{(o.Signed ? $"{l.Name}_r{i}[{o.Width - 1}]" : "1'b0")}, {l.Name}_r{i}}}), .y({l.Name}_q{i}));");
                        var t = act.Threshold(o.FracBits);
                        var over = t is { } th && th < (1L << (o.Width - (o.Signed ? 1 : 0))) - 1
                            ? $"{{1'b0, {l.Name}_r{i}}} > {Const(o.Width + 1, th)}" : null;
                        var bound = act.BoundRaw ?? 0;
                        var boundBits = bound & ((1L << af.Width) - 1);
                        W($"  wire [{af.Width - 1}:0] {l.Name}_a{i} = " + (over is null ? $"{l.Name}_q{i};" : $"({over}) ? {Const(af.Width, boundBits)} : {l.Name}_q{i};"));
                        v = $"{l.Name}_a{i}";
                        vf = af;
                    }
                    if (l.Function is { } fn)
                    {
                        // The element-wise activation: its ROM, or (a power-of-two LeakyReLU) the value assigned at two scales by its sign.
                        var a0 = $"{{{(vf.Signed ? $"{v}[{vf.Width - 1}]" : "1'b0")}, {v}}}";
                        var fv = $"{l.Name}_f{i}";
                        W($"  wire [{fn.Output.Width - 1}:0] {fv};");
                        if (fn.Kind == FunctionKind.Shift)
                        {
                            W($"  wire [{fn.Output.Width - 1}:0] {l.Name}_fp{i};");
                            W($"  accel_{l.Name}_fpos u_{l.Name}_fpos{i} (.a({a0}), .y({l.Name}_fp{i}));");
                            if (vf.Signed)
                            {
                                W($"  wire [{fn.Output.Width - 1}:0] {l.Name}_fq{i};");
                                W($"  accel_{l.Name}_fneg u_{l.Name}_fneg{i} (.a({a0}), .y({l.Name}_fq{i}));");
                            }
                            W($"  assign {fv} = " + (vf.Signed ? $"{v}[{vf.Width - 1}] ? {l.Name}_fq{i} : {l.Name}_fp{i};" : $"{l.Name}_fp{i};"));
                        }
                        else W($"  accel_{l.Name}_fn u_{l.Name}_fn{i} (.a({a0}), .y({fv}));");
                        v = fv;
                        vf = fn.Output;
                    }
                    var ext = $"{{{(vf.Signed ? $"{v}[{vf.Width - 1}]" : "1'b0")}, {v}}}";
                    if (l.Pool is not null)
                    {
                        // The window's maximum so far, in the value's format sign-extended by one bit (its first output starts it).
                        var e = $"{l.Name}_e{i}";
                        var m = $"{l.Name}_m{i}";
                        var prev = $"$signed(psel{i}[{vf.Width}:0])";
                        W($"  wire signed [{vf.Width}:0] {e} = {ext};");
                        W($"  wire signed [{vf.Width}:0] {m} = pool_first || {e} > {prev} ? {e} : {prev};");
                        ext = m;
                        v = $"{m}[{vf.Width - 1}:0]";
                    }
                    W($"  wire [{l.Stored.Width - 1}:0] {l.Name}_s{i};");
                    if (l.AssignStored)
                        W($"  accel_{l.Name}_store u_{l.Name}_store{i} (.a({ext}), .y({l.Name}_s{i}));");
                    else W($"  assign {l.Name}_s{i} = {v};");
                }
            }
            if (Pools)
            {
                W("  // The maxima go back to the current group's registers after every output of a pool window.");
                for (var i = 0; i < L; i++)
                {
                    Reg(RegisterRoles.Pooling, PW, [$"pnext{i}"], signed: true, clocked: false);
                    W("  always @(*)");
                    W("    case (layer)");
                    foreach (var l in Pooled)
                    {
                        var wv = l.Activated.Width;
                        var m = $"{l.Name}_m{i}";
                        W($"      {Const(LB, l.Position)}: pnext{i} = " + (PW == wv + 1 ? $"{m};" : $"{{{{{PW - wv - 1}{{{m}[{wv}]}}}}, {m}}};"));
                    }
                    W($"      default: pnext{i} = {Const(PW, 0)};");
                    W("    endcase");
                }
                W("  always @(posedge clk)");
                W("    if (state == S_OUT)");
                W("      case (grp)");
                for (var g = 0; g < PG; g++)
                {
                    W($"        {Const(GB, g)}: begin");
                    for (var i = 0; i < L; i++) W($"          pm{g}_{i} <= pnext{i};");
                    W("        end");
                }
                W("        default: ;");
                W("      endcase");
            }
            Reg(RegisterRoles.Assigned, L * WS, ["outv"], clocked: false);
            W("  always @(*) begin");
            W($"    outv = {Const(L * WS, 0)};");
            W("    case (layer)");
            foreach (var l in Ls)
            {
                W($"      {Const(LB, l.Position)}: begin");
                for (var i = 0; i < L; i++)
                    W($"        outv[{i * WS + l.Stored.Width - 1}:{i * WS}] = {l.Name}_s{i};");
                W("      end");
            }
            W("      default: ;");
            W("    endcase");
            W("  end");
            W("");

            // Packer.
            W("  // Output packer: up to L values a cycle into a 2L buffer; a full word goes to the next layer's memory.");
            Reg(RegisterRoles.Activation, 2 * L * WS, ["pk_next"], clocked: false);
            W("  always @(*) begin");
            W("    pk_next = pk;");
            for (var j = 0; j < 2 * L; j++)
                for (var i = 0; i < L; i++)
                {
                    if (i > j) continue;
                    W($"    if (pcnt == {Const(pb, j - i)} && nvalid > {Const(OB + 1, i)}) pk_next[{j * WS + WS - 1}:{j * WS}] = outv[{i * WS + WS - 1}:{i * WS}];");
                }
            W($"    pk_word = state == S_FLUSH ? pk[{L * WS - 1}:0] : pk_next[{L * WS - 1}:0];");
            W("  end");
            W("");

            // FSM.
            W("  always @(posedge clk) begin");
            W("    if (rst) begin");
            W("      state <= S_IDLE;");
            W($"      layer <= {Const(LB, 0)};");
            W($"      wptr <= {Const(beatsW, 0)};");
            W($"      rptr <= {Const(beatsR, 0)};");
            W("      rv <= 1'b0;");
            W("      mv <= 1'b0;");
            W("    end else begin");
            W("      rv <= state == S_WIN;");
            W("      rky <= wky;");
            W($"      raddr <= rd_addr;");
            W("      mv <= state == S_MAC;");
            W($"      mfirst <= st == {Const(cb, 0)};");
            W($"      mc <= conv ? st : {Const(cb, 0)};");
            W($"      if (bus_wr) wptr <= wptr + {Const(beatsW, 1)};");
            W($"      if (rd_en && state == S_DONE) rptr <= rptr + {Const(beatsR, 1)};");
            W("      case (state)");
            W("        S_IDLE, S_DONE:");
            W("          if (start) begin");
            W("            state <= S_WIN;");
            W($"            layer <= {Const(LB, 0)};");
            W($"            wptr <= {Const(beatsW, 0)};");
            W($"            rptr <= {Const(beatsR, 0)};");
            ResetLayer("            ", true);
            W("          end");
            W("        S_WIN: begin");
            W($"          if (wj == {Const(jb, 0)}) begin");
            for (var k = 0; k < R; k++) W($"            if (wky == {Const(KB, k)}) off{k} <= row_o;");
            W("          end");
            W("          if (wj == c_nw) begin");
            W($"            wj <= {Const(jb, 0)};");
            W($"            wky <= wky + {Const(KB, 1)};");
            W("            row_a <= nrow_a;");
            W("            row_o <= nrow_o;");
            W($"            if (wky == {(ShortWindows ? "c_wr" : Const(KB, R - 1))}) begin");
            W("              state <= S_MAC;");
            W($"              if (conv) st <= {Const(cb, 0)};");
            W("            end");
            W($"          end else wj <= wj + {Const(jb, 1)};");
            W("        end");
            W("        S_MAC: begin");
            W($"          romaddr <= romaddr + {Const(rb, 1)};");
            W("          if (st == c_steps) state <= S_TAIL;");
            W($"          else st <= st + {Const(cb, 1)};");
            W("          if (!conv && st != c_steps) begin");
            W("            state <= S_WIN;");
            W("            ps_a <= npix_a;");
            W("            ps_o <= npix_o;");
            W("            row_a <= npix_a;");
            W("            row_o <= npix_o;");
            W($"            wky <= {Const(KB, 0)};");
            W("          end");
            W("        end");
            W("        S_TAIL: state <= S_OUT;");
            W("        S_OUT: begin");
            W("          if (pk_write) begin");
            W($"            pk <= {{{Const(L * WS, 0)}, pk_next[{2 * L * WS - 1}:{L * WS}]}};");
            W($"            pcnt <= pfill[{pb - 1}:0] - {Const(pb, L)};");
            W($"            waddr <= waddr + {Const(AB, 1)};");
            W($"          end else if (!is_last{(Pools ? " && pool_last" : "")}) begin");
            W("            pk <= pk_next;");
            W($"            pcnt <= pfill[{pb - 1}:0];");
            W("          end");
            W($"          st <= {Const(cb, 0)};");
            W("          if (grp != c_groups) begin");
            W($"            grp <= grp + {Const(gb, 1)};");
            W("            if (conv) state <= S_MAC;");
            W("            else begin");
            W("              state <= S_WIN;");
            W($"              ps_a <= {Const(AB, 0)}; ps_o <= {Const(OB, 0)}; row_a <= {Const(AB, 0)}; row_o <= {Const(OB, 0)}; wky <= {Const(KB, 0)};");
            W("            end");
            W("          end else begin");
            W($"            grp <= {Const(gb, 0)};");
            W($"            if (!conv || (px == c_ow && py == c_oh{(Pools ? " && pool_last" : "")})) state <= S_FLUSH;");
            W("            else begin");
            W("              state <= S_WIN;");
            W($"              wky <= {Const(KB, 0)};");
            W($"              romaddr <= {Const(rb, 0)};");
            if (Pools) PoolAdvance(xb, yb);
            else
            {
            W("              if (px != c_ow) begin");
            W($"                px <= px + {Const(xb, 1)};");
            if (ColumnChecks) W("                pxs <= pxs + c_sw;");
            W("                ps_a <= npix_a; ps_o <= npix_o; row_a <= npix_a; row_o <= npix_o;");
            W("              end else begin");
            W($"                px <= {Const(xb, 0)};");
            if (ColumnChecks) W($"                pxs <= {Const(QB, 0)};");
            W($"                py <= py + {Const(yb, 1)};");
            W("                ls_a <= nline_a; ls_o <= nline_o; ps_a <= nline_a; ps_o <= nline_o; row_a <= nline_a; row_o <= nline_o;");
            W("              end");
            }
            W("            end");
            W("          end");
            W("        end");
            W("        S_FLUSH: begin");
            W("          if (is_last) state <= S_DONE;");
            W("          else begin");
            W("            state <= S_WIN;");
            W($"            layer <= layer + {Const(LB, 1)};");
            ResetLayer("            ", false);
            W("          end");
            W("        end");
            W("        default: state <= S_IDLE;");
            W("      endcase");
            W("    end");
            W("  end");
            W("");

            // Window row buffers.
            W("  // Row buffers: each arriving word shifts into the row it belongs to.");
            W("  always @(posedge clk)");
            W("    if (rv) begin");
            var shift = NB == L ? "rd_word" : $"{{rd_word, rbX[{NB * WA - 1}:{L * WA}]}}";
            for (var ky = 0; ky < R; ky++) W($"      if (rky == {Const(KB, ky)}) rb{ky} <= {shift.Replace("rbX", $"rb{ky}")};");
            W("    end");
            W("");

            // Accumulators.
            W("  // Exact accumulators: cleared by the first step of each group.");
            W("  always @(posedge clk)");
            W("    if (mv) begin");
            for (var i = 0; i < L; i++) W($"      acc{i} <= mfirst ? {(biased ? $"sum{i} + bias{i}" : $"sum{i}")} : acc{i} + sum{i};");
            W("    end");
            W("");

            // Logits.
            W("  // Logits: the last layer's outputs, lane i of group g is logit g*L+i.");
            W("  always @(posedge clk)");
            W("    if (state == S_OUT && is_last) begin");
            for (var k = 0; k < last.Filters; k++)
                W($"      if (grp == {Const(gb, k / L)}) logit{k} <= outv[{(k % L) * WS + wout - 1}:{(k % L) * WS}];");
            W("    end");
            W("");

            // Read beats.
            W("  always @(*) begin");
            W($"    rd_data = {Const(bus, 0)};");
            W("    case (rptr)");
            for (var b = 0; b < a.ReadBeats; b++)
            {
                W($"      {Const(beatsR, b)}: begin");
                for (var i = 0; i < a.LogitsPerBeat && b * a.LogitsPerBeat + i < last.Filters; i++)
                    W($"        rd_data[{i * wout + wout - 1}:{i * wout}] = logit{b * a.LogitsPerBeat + i};");
                W("      end");
            }
            W("      default: ;");
            W("    endcase");
            W("  end");
            var unused = new List<string> { "1'b0", "nrow_t", "npix_t", "nline_t", "mc" };
            if (Pools) unused.AddRange(["nprow_t", "npb_t"]);
            var used = L * wi;
            if (used < bus) unused.Add($"wr_data[{bus - 1}:{used}]");
            W("  // Bits left unused on purpose (spare bus bits, carries already folded into the word address).");
            W($"  wire _unused_ok = &{{{string.Join(", ", unused)}}};");
            W("endmodule");
            return _sb.ToString();
        }

        /// <summary>Counters and window positions to the start of a layer: layer 0 after start (<paramref name="first"/>), else the next one.</summary>
        private void ResetLayer(string pad, bool first)
        {
            W($"{pad}px <= {Const(XB, 0)};");
            W($"{pad}py <= {Const(YB, 0)};");
            W($"{pad}st <= {Const(CB, 0)};");
            W($"{pad}grp <= {Const(GB, 0)};");
            W($"{pad}wky <= {Const(KB, 0)};");
            W($"{pad}wj <= {Const(JB, 0)};");
            var (sa, so) = !Starts ? (Const(AB, 0), Const(OB, 0)) : first ? (Const(AB, Start(Ls[0]).Word), Const(OB, Start(Ls[0]).Offset)) : ("c_na", "c_no");
            W($"{pad}row_a <= {sa}; row_o <= {so}; ps_a <= {sa}; ps_o <= {so}; ls_a <= {sa}; ls_o <= {so};");
            if (ColumnChecks) W($"{pad}pxs <= {Const(QB, 0)};");
            if (Pools)
            {
                W($"{pad}dx <= {Const(DXB, 0)};");
                W($"{pad}dy <= {Const(DYB, 0)};");
                W($"{pad}pr_a <= {sa}; pr_o <= {so}; pb_a <= {sa}; pb_o <= {so};");
                if (ColumnChecks) W($"{pad}pxb <= {Const(QB, 0)};");
            }
            W($"{pad}romaddr <= {Const(RB, 0)};");
            W($"{pad}pcnt <= {Const(PB, 0)};");
            W($"{pad}pk <= {Const(2 * L * WS, 0)};");
            W($"{pad}waddr <= {Const(AB, 0)};");
        }

        /// <summary>The next output position of a layer that walks pool windows (a layer without a pool has 1 x 1 windows): along the window's
        /// row, to its next row, to the next window, to the next row of windows.</summary>
        private void PoolAdvance(int xb, int yb)
        {
            var cols = ColumnChecks;
            W($"              if (dx != c_dw) begin");
            W($"                dx <= dx + {Const(DXB, 1)};");
            W("                ps_a <= npix_a; ps_o <= npix_o; row_a <= npix_a; row_o <= npix_o;");
            if (cols) W("                pxs <= pxs + c_sw;");
            W("              end else if (dy != c_dh) begin");
            W($"                dx <= {Const(DXB, 0)};");
            W($"                dy <= dy + {Const(DYB, 1)};");
            W("                pr_a <= nprow_a; pr_o <= nprow_o; ps_a <= nprow_a; ps_o <= nprow_o; row_a <= nprow_a; row_o <= nprow_o;");
            if (cols) W("                pxs <= pxb;");
            W("              end else if (px != c_ow) begin");
            W($"                dx <= {Const(DXB, 0)};");
            W($"                dy <= {Const(DYB, 0)};");
            W($"                px <= px + {Const(xb, 1)};");
            W("                pb_a <= npb_a; pb_o <= npb_o; pr_a <= npb_a; pr_o <= npb_o; ps_a <= npb_a; ps_o <= npb_o; row_a <= npb_a; row_o <= npb_o;");
            if (cols) W("                pxs <= pxb + c_gw; pxb <= pxb + c_gw;");
            W("              end else begin");
            W($"                dx <= {Const(DXB, 0)};");
            W($"                dy <= {Const(DYB, 0)};");
            W($"                px <= {Const(xb, 0)};");
            W($"                py <= py + {Const(yb, 1)};");
            W("                ls_a <= nline_a; ls_o <= nline_o; pb_a <= nline_a; pb_o <= nline_o; pr_a <= nline_a; pr_o <= nline_o;");
            W("                ps_a <= nline_a; ps_o <= nline_o; row_a <= nline_a; row_o <= nline_o;");
            if (cols) W($"                pxs <= {Const(QB, 0)}; pxb <= {Const(QB, 0)};");
            W("              end");
        }

        /// <summary>(a, o) + (q, r) with o, r &lt; L: the lane offset carries into the word address.</summary>
        private void Advance(string name, string a, string o, string q, string r)
        {
            W($"  wire [{OB}:0] {name}_s = {{1'b0, {o}}} + {{1'b0, {r}}};");
            W($"  wire {name}_c = {name}_s >= {Const(OB + 1, L)};");
            W($"  wire [{AB - 1}:0] {name}_a = {a} + {q} + {{{{{AB - 1}{{1'b0}}}}, {name}_c}};");
            W($"  wire [{OB}:0] {name}_t = {name}_c ? {name}_s - {Const(OB + 1, L)} : {name}_s;");
            W($"  wire [{OB - 1}:0] {name}_o = {name}_t[{OB - 1}:0];");
        }

        private static string Resize(string v, int from, int to) =>
            from == to ? v : from > to ? $"{v}[{to - 1}:0]" : $"{{{{{to - from}{{1'b0}}}}, {v}}}";
    }
}

/// <summary>The generated top module: its Verilog and the model its declarations were printed from.</summary>
public sealed record AcceleratorModule(string Verilog, RtlModule Module);
