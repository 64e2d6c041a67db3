using System.Runtime.Intrinsics;
using FlowRunner.Models.Layers;
using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;
using FlowRunner.Numerics.Kernels;

namespace FlowRunner.Models.Inference;

/// <summary>The bit-accurate model in 16-bit operand pairs and 32-bit sums, for networks whose every Conv2D and Dense layer sums exactly
/// (<see cref="AccumulationMode.Exact"/>) with inputs and weights of at most 16 bits and every bias-plus-sum proved to fit 32 bits. Then
/// the order of the products does not matter, and each layer is a stream of vpmaddwd (<see cref="PairedKernels"/>) followed by the one
/// vectorized assignment into the output format (FixedKernels.Requantize). LayerOp layers run their own kernels in between.
/// Tensors are channel-planar int32 with a row stride: a convolution keeps its input's stride and computes whole rows, so the columns past
/// the output's width hold values no valid output reads (the next convolution's valid outputs read only valid inputs, pooling reads only
/// valid positions, and a dense layer gives those positions zero weights).</summary>
internal sealed class PairedNetwork
{
    private const int Slack = 32;
    private readonly Step[] _steps;
    private readonly Geometry[] _tensors;
    private readonly Geometry _output;
    private readonly int _outputTensor;
    private readonly int _scratch;

    private PairedNetwork(Step[] steps, Geometry[] tensors, int outputTensor, int scratch, FixedFormat input, TensorShape inputShape, TensorShape outputShape)
    {
        _steps = steps;
        _tensors = tensors;
        _outputTensor = outputTensor;
        _output = tensors[outputTensor];
        _scratch = scratch;
        InputFormat = input;
        InputShape = inputShape;
        OutputShape = outputShape;
    }

    public FixedFormat InputFormat { get; }
    public TensorShape InputShape { get; }
    public TensorShape OutputShape { get; }

    /// <summary>Where a tensor's values sit in its buffer: channel c, row y, column x at c · Plane + y · Stride + x.</summary>
    private readonly record struct Geometry(int C, int H, int W, int Stride, int Plane)
    {
        public int Length => C * Plane + Slack;

        /// <summary>The position of the value at index j of the channels-last (HWC) order.</summary>
        public int OfHwc(int j) => j % C * Plane + j / C / W * Stride + j / C % W;

        public bool Holds(TensorShape s) => s.C == C && s.H == H && s.W == W;

        public static Geometry Compact(TensorShape s) =>
            s.H * s.W == 1 ? new(s.C, 1, 1, 1, 1) : new(s.C, s.H, s.W, s.W, RoundUp(s.H * s.W) + PairedKernels.Lanes);
    }

    private static int RoundUp(int n) => (n + PairedKernels.Lanes - 1) / PairedKernels.Lanes * PairedKernels.Lanes;

    /// <summary>The paired form of a network, or null when a layer does not qualify (or the machine has no AVX2).</summary>
    public static PairedNetwork? TryBuild(NetworkSpec spec, FixedFormat inputFormat, IReadOnlyList<QuantizedLayer?> layers, IReadOnlyList<RawKernel?> ops,
        IReadOnlyList<LayerFormats?> formats, IReadOnlyList<FixedFormat> values)
    {
        if (!PairedKernels.IsSupported || !Fits16(inputFormat)) return null;
        var tensors = new List<Geometry> { Geometry.Compact(spec.Input) };
        var steps = new List<Step>();
        var cur = 0;
        var frac = inputFormat.FracBits;
        var scratch = 0;
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            var l = spec.Layers[i];
            var s = spec.InputShape(i);
            var o = spec.Shapes[i];
            var g = tensors[cur];
            switch (l.Kind)
            {
                case LayerKind.Conv2D or LayerKind.Dense:
                {
                    var q = layers[i]!;
                    if (!Qualifies(q) || (l.Kind == LayerKind.Conv2D && !g.Holds(s))) return null;
                    var og = l.Kind == LayerKind.Conv2D ? new Geometry(o.C, o.H, o.W, g.Stride, RoundUp(o.H * g.Stride) + PairedKernels.Lanes) : Geometry.Compact(o);
                    tensors.Add(og);
                    Step step = l.Kind == LayerKind.Conv2D ? new ConvStep(q, cur, tensors.Count - 1, g, og, frac) : new DenseStep(q, cur, tensors.Count - 1, g, frac);
                    steps.Add(step);
                    scratch = Math.Max(scratch, Math.Max(g.Length, step.Words));
                    frac = q.Formats.Output.FracBits;
                    cur = tensors.Count - 1;
                    break;
                }
                case LayerKind.ReLU:
                    steps.Add(new ReluStep(cur, g));
                    break;
                case LayerKind.MaxPool2D:
                {
                    if (!g.Holds(s)) return null;
                    tensors.Add(Geometry.Compact(o));
                    steps.Add(new PoolStep(cur, tensors.Count - 1, g, tensors[^1], l.Pool));
                    cur = tensors.Count - 1;
                    break;
                }
                case LayerKind.Extended:
                {
                    // Raw values must fit 32 bits here, and at most 16 where a weighted layer reads them without assigning them first.
                    if (values[i].Width > 31) return null;
                    tensors.Add(Geometry.Compact(o));
                    steps.Add(new OpStep(ops[i]!, formats[i], cur, tensors.Count - 1, g, tensors[^1], s, o, frac));
                    frac = values[i].FracBits;
                    cur = tensors.Count - 1;
                    break;
                }
                default: // flatten keeps the values where they are (a dense layer reads them in channels-last order); softmax is left out
                    if (g.C * g.H * g.W != o.Size) return null;
                    break;
            }
        }
        var output = tensors[cur];
        if (!output.Holds(spec.OutputShape) && spec.OutputShape.H * spec.OutputShape.W != 1) return null;
        return new PairedNetwork([.. steps], [.. tensors], cur, scratch, inputFormat, spec.Input, spec.OutputShape);
    }

    private static bool Fits16(FixedFormat f) => f.MinRaw >= short.MinValue && f.MaxRaw <= short.MaxValue;

    /// <summary>Exact sums of 16-bit inputs and weights whose accumulator (bias + shifted sum) and output assignment stay inside 32 bits.</summary>
    private static bool Qualifies(QuantizedLayer q)
    {
        if (q.Mode != AccumulationMode.Exact || !q.AccumulatorFitsInt32 || !Fits16(q.Formats.Input)) return false;
        foreach (var w in q.Weights) if (w is < short.MinValue or > short.MaxValue) return false;
        // A right shift (or none) only shrinks the accumulator; a format of at most 31 bits holds its results in 32 bits anyway.
        return q.Formats.Accumulator.FracBits >= q.Formats.Output.FracBits || q.Formats.Output.Width <= 31;
    }

    /// <summary>Buffers of one thread.</summary>
    public sealed class Work
    {
        internal Work(PairedNetwork n)
        {
            Tensors = n._tensors.Select(g => new int[g.Length]).ToArray();
            Scratch = new int[n._scratch + Slack];
            Words = new int[n._steps.Max(s => s.Words) + Slack];
            Pixels = new double[n.InputShape.Size];
            Raw = new long[n.InputShape.Size];
        }

        internal int[][] Tensors { get; }
        internal int[] Scratch { get; }
        internal int[] Words { get; }
        internal double[] Pixels { get; }
        internal long[] Raw { get; }
    }

    public Work NewWork() => new(this);

    /// <summary>The logits (raw, channel-planar as <see cref="BitAccurateNetwork"/> returns them) of one image.</summary>
    public void Infer(ReadOnlySpan<float> image, Work w, Span<long> logits)
    {
        var d = w.Pixels;
        for (var i = 0; i < image.Length; i++) d[i] = image[i];
        FixedKernels.Quantize(d, InputFormat, w.Raw);
        InferRaw(w.Raw, w, logits);
    }

    /// <summary>The logits from raw inputs in the input format (channels last).</summary>
    public void InferRaw(ReadOnlySpan<long> input, Work w, Span<long> logits)
    {
        var g = _tensors[0];
        var t = w.Tensors[0];
        if (g.C == 1 && g.Stride == g.W) for (var j = 0; j < input.Length; j++) t[j] = (int)input[j];
        else for (var j = 0; j < input.Length; j++) t[g.OfHwc(j)] = (int)input[j];
        foreach (var s in _steps) s.Run(w);
        var y = w.Tensors[_outputTensor];
        var o = OutputShape;
        if (_output.Holds(o))
        {
            for (var c = 0; c < o.C; c++)
                for (var yy = 0; yy < o.H; yy++)
                    for (var xx = 0; xx < o.W; xx++) logits[(c * o.H + yy) * o.W + xx] = y[c * _output.Plane + yy * _output.Stride + xx];
        }
        else for (var j = 0; j < o.Size; j++) logits[j] = y[_output.OfHwc(j)];
    }

    private abstract class Step
    {
        /// <summary>Size of the packed operand buffer this step needs (0: none).</summary>
        public virtual int Words => 0;

        public abstract void Run(Work w);
    }

    /// <summary>A weighted layer's input, assigned into its input format first when the incoming format differs.</summary>
    private static ReadOnlySpan<int> LayerInput(QuantizedLayer q, int[] x, int length, int frac, Work w)
    {
        if (!q.AssignInput) return x;
        FixedKernels.Requantize(x.AsSpan(0, length), frac, q.Formats.Input, w.Scratch);
        return w.Scratch;
    }

    private sealed class ConvStep : Step
    {
        private readonly QuantizedLayer _q;
        private readonly int _in, _out, _frac, _groups, _groupStride, _positions, _filters, _count;
        private readonly Geometry _g, _og;
        private readonly bool _channelPairs;
        private readonly int[] _offsets;
        private readonly Vector256<short>[][] _weights;
        private readonly int[][] _bias;

        public ConvStep(QuantizedLayer q, int input, int output, Geometry g, Geometry og, int frac)
        {
            _q = q;
            _in = input;
            _out = output;
            _g = g;
            _og = og;
            _frac = frac;
            var k = q.Kernel;
            var c = g.C;
            _filters = og.C;
            _positions = RoundUp(og.H * g.Stride);
            _count = RoundUp(g.H * g.Stride);
            _groupStride = RoundUp(_positions + (k - 1) * g.Stride + k);
            // Pair channels (c, c + 1) at the same tap, or neighbouring columns (kx, kx + 1) of one channel: whichever needs fewer pairs.
            _channelPairs = (c + 1) / 2 * k * k <= c * k * ((k + 1) / 2);
            _groups = _channelPairs ? (c + 1) / 2 : c;
            var taps = new List<(int Offset, int Lo, int Hi)>(); // weight indices within a filter; -1: none
            int W(int ky, int kx, int ch) => (ky * k + kx) * c + ch;
            for (var grp = 0; grp < _groups; grp++)
                for (var ky = 0; ky < k; ky++)
                    if (_channelPairs)
                        for (var kx = 0; kx < k; kx++) taps.Add((grp * _groupStride + ky * g.Stride + kx, W(ky, kx, 2 * grp), 2 * grp + 1 < c ? W(ky, kx, 2 * grp + 1) : -1));
                    else
                        for (var kx = 0; kx < k; kx += 2) taps.Add((grp * _groupStride + ky * g.Stride + kx, W(ky, kx, grp), kx + 1 < k ? W(ky, kx + 1, grp) : -1));
            _offsets = taps.Select(t => t.Offset).ToArray();
            var blocks = (_filters + PairedKernels.Block - 1) / PairedKernels.Block;
            _weights = new Vector256<short>[blocks][];
            _bias = new int[blocks][];
            var fan = q.FanIn;
            for (var b = 0; b < blocks; b++)
            {
                _weights[b] = new Vector256<short>[taps.Count * PairedKernels.Block];
                _bias[b] = new int[PairedKernels.Block];
                for (var j = 0; j < PairedKernels.Block; j++)
                {
                    var f = b * PairedKernels.Block + j;
                    if (f >= _filters) continue;
                    _bias[b][j] = (int)q.BiasAcc[f];
                    for (var t = 0; t < taps.Count; t++)
                    {
                        var lo = q.Weights[f * fan + taps[t].Lo];
                        var hi = taps[t].Hi < 0 ? 0 : q.Weights[f * fan + taps[t].Hi];
                        _weights[b][t * PairedKernels.Block + j] = Vector256.Create(PairedKernels.Word(lo, hi)).AsInt16();
                    }
                }
            }
        }

        public override int Words => _groups * _groupStride;

        public override void Run(Work w)
        {
            var x = LayerInput(_q, w.Tensors[_in], _g.C * _g.Plane, _frac, w);
            var words = w.Words.AsSpan(0, Words);
            for (var grp = 0; grp < _groups; grp++)
            {
                var dst = words.Slice(grp * _groupStride);
                if (_channelPairs)
                {
                    var lo = 2 * grp;
                    var hi = lo + 1 < _g.C ? lo + 1 : lo; // an odd last channel pairs with itself under zero weights
                    PairedKernels.Interleave(x[(lo * _g.Plane)..], x[(hi * _g.Plane)..], dst, _count);
                }
                else PairedKernels.Interleave(x[(grp * _g.Plane)..], x[(grp * _g.Plane + 1)..], dst, _count);
            }
            var y = w.Tensors[_out];
            for (var b = 0; b < _weights.Length; b++)
            {
                var f0 = b * PairedKernels.Block;
                PairedKernels.Conv(words, _offsets, _weights[b], _bias[b], Math.Min(PairedKernels.Block, _filters - f0), _q.Up,
                    y.AsSpan(f0 * _og.Plane), _og.Plane, _positions);
            }
            var acc = y.AsSpan(0, _filters * _og.Plane);
            FixedKernels.Requantize(acc, _q.Formats.Accumulator.FracBits, _q.Formats.Output, acc);
        }
    }

    private sealed class DenseStep : Step
    {
        private readonly QuantizedLayer _q;
        private readonly int _in, _out, _frac, _words, _units, _length;
        private readonly int[][] _weights;
        private readonly int[][] _bias;

        public DenseStep(QuantizedLayer q, int input, int output, Geometry g, int frac)
        {
            _q = q;
            _in = input;
            _out = output;
            _frac = frac;
            _length = g.C * g.Plane;
            _words = RoundUp((_length + 1) / 2);
            _units = q.Out.C;
            var fan = q.FanIn;
            var blocks = (_units + PairedKernels.Block - 1) / PairedKernels.Block;
            _weights = new int[blocks][];
            _bias = new int[blocks][];
            var at = Enumerable.Range(0, fan).Select(g.OfHwc).ToArray();
            var halves = new long[2 * _words];
            for (var b = 0; b < blocks; b++)
            {
                _weights[b] = new int[PairedKernels.Block * _words];
                _bias[b] = new int[PairedKernels.Block];
                for (var j = 0; j < PairedKernels.Block && b * PairedKernels.Block + j < _units; j++)
                {
                    var u = b * PairedKernels.Block + j;
                    _bias[b][j] = (int)q.BiasAcc[u];
                    Array.Clear(halves);
                    for (var i = 0; i < fan; i++) halves[at[i]] = q.Weights[u * fan + i];
                    for (var i = 0; i < _words; i++) _weights[b][j * _words + i] = PairedKernels.Word(halves[2 * i], halves[2 * i + 1]);
                }
            }
        }

        public override int Words => _words;

        public override void Run(Work w)
        {
            var x = LayerInput(_q, w.Tensors[_in], _length, _frac, w);
            var words = w.Words.AsSpan(0, _words);
            PairedKernels.Pairs(x, words, _words);
            var y = w.Tensors[_out];
            for (var b = 0; b < _weights.Length; b++)
            {
                var u0 = b * PairedKernels.Block;
                PairedKernels.Dense(words, _weights[b], _bias[b], Math.Min(PairedKernels.Block, _units - u0), _q.Up, y.AsSpan(u0));
            }
            var acc = y.AsSpan(0, _units);
            FixedKernels.Requantize(acc, _q.Formats.Accumulator.FracBits, _q.Formats.Output, acc);
        }
    }

    private sealed class ReluStep(int tensor, Geometry g) : Step
    {
        public override void Run(Work w) => PairedKernels.Relu(w.Tensors[tensor].AsSpan(0, g.C * g.Plane));
    }

    private sealed class PoolStep(int input, int output, Geometry g, Geometry og, int p) : Step
    {
        public override void Run(Work w)
        {
            var x = w.Tensors[input];
            var y = w.Tensors[output];
            for (var c = 0; c < og.C; c++)
                for (var yy = 0; yy < og.H; yy++)
                    for (var xx = 0; xx < og.W; xx++)
                    {
                        var m = int.MinValue;
                        for (var dy = 0; dy < p; dy++)
                            for (var dx = 0; dx < p; dx++) m = Math.Max(m, x[c * g.Plane + (yy * p + dy) * g.Stride + xx * p + dx]);
                        y[c * og.Plane + yy * og.Stride + xx] = m;
                    }
        }
    }

    /// <summary>A LayerOp layer: its own kernel on channels-last 64-bit values, as <see cref="BitAccurateNetwork"/> runs it.</summary>
    private sealed class OpStep(RawKernel kernel, LayerFormats? f, int input, int output, Geometry g, Geometry og, TensorShape s, TensorShape o, int frac) : Step
    {
        public override void Run(Work w)
        {
            var xi = w.Tensors[input];
            var x = new long[s.Size];
            for (var j = 0; j < x.Length; j++) x[j] = xi[g.OfHwc(j)];
            var inFrac = frac;
            if (f is not null)
            {
                FixedKernels.Requantize(x, frac, f.Input, x);
                inFrac = f.Input.FracBits;
            }
            var y = new long[o.Size];
            kernel.Run(x, inFrac, y);
            var yo = w.Tensors[output];
            for (var j = 0; j < y.Length; j++) yo[og.OfHwc(j)] = (int)y[j];
        }
    }
}
