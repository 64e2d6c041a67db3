using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FlowRunner.Floorplan.Model;

namespace FlowRunner.Floorplan.Annealing;

/// <summary>One annealing chain over a sequence pair (Murata et al., 1995) of the movable blocks, with rotation and soft-block shaping.</summary>
/// <remarks>
/// Packing is FAST-SP (see <see cref="Pack"/>): O(n log n) a move.
/// Fixed blocks stay where they are; overlap with them is a cost term the search drives to zero.
/// </remarks>
internal sealed class SequencePairChain
{
    private readonly FloorplanProblem _p;
    private readonly AnnealOptions _o;
    private readonly Random _rng;
    private readonly int[] _movable;          // problem index of each movable slot
    private readonly int _n;
    private readonly double[] _w0, _h0, _area; // per slot, halo included for hard blocks
    private readonly bool[] _soft, _rotatable;
    private readonly double[] _lnMinAspect, _lnMaxAspect;
    private readonly int[] _changeable;       // slots that can turn or reshape

    // State.
    private readonly int[] _pos, _neg, _negIndex;
    private readonly bool[] _rot;
    private readonly double[] _aspect;

    // Scratch of the last evaluation.
    private readonly double[] _x, _y, _w, _h;
    private readonly double[] _treeData;      // prefix-maximum tree of Pack, 1-based

    // Fixed blocks (problem index, rectangle) and nets in flat form.
    private readonly (double X, double Y, double W, double H)[] _fixed;
    private readonly int[] _netStart, _netPins;   // pins: slot index, or -1 - fixed block index
    private readonly double[] _netWeight, _termMinX, _termMaxX, _termMinY, _termMaxY;
    private readonly int[] _slotOf;               // problem index -> slot (-1 when fixed)
    private readonly int[] _fixedOf;              // problem index -> fixed index

    private double _a0 = 1, _wl0 = 1;
    private readonly (double W, double H)? _outline;
    private readonly double _lnTargetAspect;
    private readonly bool _hasAspect;
    private readonly double _lambda;

    public double Width, Height, Wirelength, Overlap, Cost;

    /// <summary>Weight of the outline overshoot; the annealer raises it as the temperature falls.</summary>
    public double OutlineWeight { get; set; } = 4;

    public SequencePairChain(FloorplanProblem problem, AnnealOptions options, int seed)
    {
        _p = problem;
        _o = options;
        _rng = new Random(seed);
        _outline = problem.Outline;
        _movable = Enumerable.Range(0, problem.Blocks.Count).Where(i => problem.Blocks[i].FixedAt is null).ToArray();
        _n = _movable.Length;
        _slotOf = Enumerable.Repeat(-1, problem.Blocks.Count).ToArray();
        _fixedOf = Enumerable.Repeat(-1, problem.Blocks.Count).ToArray();
        _w0 = new double[_n]; _h0 = new double[_n]; _area = new double[_n];
        _soft = new bool[_n]; _rotatable = new bool[_n]; _lnMinAspect = new double[_n]; _lnMaxAspect = new double[_n];
        for (var s = 0; s < _n; s++)
        {
            var b = problem.Blocks[_movable[s]];
            _slotOf[_movable[s]] = s;
            _soft[s] = b.Soft;
            _w0[s] = b.Soft ? b.Width : b.Width + 2 * b.Halo;
            _h0[s] = b.Soft ? b.Height : b.Height + 2 * b.Halo;
            _area[s] = b.Area;
            _rotatable[s] = !b.Soft && b.Rotatable && b.Width != b.Height;
            _lnMinAspect[s] = Math.Log(b.MinAspect);
            _lnMaxAspect[s] = Math.Log(b.MaxAspect);
        }
        _changeable = Enumerable.Range(0, _n).Where(s => _rotatable[s] || (_soft[s] && _lnMaxAspect[s] > _lnMinAspect[s])).ToArray();
        var fixedList = Enumerable.Range(0, problem.Blocks.Count).Where(i => problem.Blocks[i].FixedAt is not null).ToList();
        _fixed = fixedList.Select(i => { var b = problem.Blocks[i]; return (b.FixedAt!.Value.X, b.FixedAt!.Value.Y, b.Width, b.Height); }).ToArray();
        for (var f = 0; f < fixedList.Count; f++) _fixedOf[fixedList[f]] = f;

        _pos = new int[_n]; _neg = new int[_n]; _negIndex = new int[_n];
        _rot = new bool[_n]; _aspect = new double[_n];
        _x = new double[_n]; _y = new double[_n]; _w = new double[_n]; _h = new double[_n];
        _treeData = new double[_n + 1];

        var starts = new List<int>();
        var pins = new List<int>();
        var weights = new List<double>();
        var tb = new List<(double, double, double, double)>();
        foreach (var net in problem.Nets)
        {
            if (net.Degree < 2 || net.Weight <= 0) continue;
            starts.Add(pins.Count);
            foreach (var bi in net.Blocks.Distinct()) pins.Add(_slotOf[bi] >= 0 ? _slotOf[bi] : -1 - _fixedOf[bi]);
            weights.Add(net.Weight);
            double x0 = double.MaxValue, x1 = double.MinValue, y0 = double.MaxValue, y1 = double.MinValue;
            foreach (var ti in net.Terminals)
            {
                var t = problem.Terminals[ti];
                x0 = Math.Min(x0, t.X); x1 = Math.Max(x1, t.X); y0 = Math.Min(y0, t.Y); y1 = Math.Max(y1, t.Y);
            }
            tb.Add((x0, x1, y0, y1));
        }
        starts.Add(pins.Count);
        _netStart = starts.ToArray();
        _netPins = pins.ToArray();
        _netWeight = weights.ToArray();
        _termMinX = tb.Select(t => t.Item1).ToArray();
        _termMaxX = tb.Select(t => t.Item2).ToArray();
        _termMinY = tb.Select(t => t.Item3).ToArray();
        _termMaxY = tb.Select(t => t.Item4).ToArray();

        _lambda = _netWeight.Length == 0 ? 0 : Math.Clamp(options.WirelengthWeight, 0, 1);
        if (_outline is var (ow, oh)) { _lnTargetAspect = Math.Log(oh / ow); _hasAspect = true; }
        else if (options.Aspect is double a) { _lnTargetAspect = Math.Log(a); _hasAspect = true; }

        // Start from a random permutation, random rotations and soft blocks at their square-most legal aspect.
        for (var i = 0; i < _n; i++) { _pos[i] = i; _neg[i] = i; }
        Shuffle(_pos);
        Shuffle(_neg);
        for (var i = 0; i < _n; i++)
        {
            _negIndex[_neg[i]] = i;
            _rot[i] = _rotatable[i] && _rng.Next(2) == 1;
            _aspect[i] = _soft[i] ? Math.Exp(Math.Clamp(0, _lnMinAspect[i], _lnMaxAspect[i])) : 1;
            Size(i);
        }
    }

    public int BlockCount => _n;

    private void Shuffle(int[] a)
    {
        for (var i = a.Length - 1; i > 0; i--)
        {
            var j = _rng.Next(i + 1);
            (a[i], a[j]) = (a[j], a[i]);
        }
    }

    /// <summary>Block sizes from rotations and soft aspects; kept current by the moves, so packing need not recompute them.</summary>
    private void Size(int s)
    {
        if (_soft[s])
        {
            _w[s] = Math.Sqrt(_area[s] / _aspect[s]);
            _h[s] = _area[s] / _w[s];
        }
        else if (_rot[s]) { _w[s] = _h0[s]; _h[s] = _w0[s]; }
        else { _w[s] = _w0[s]; _h[s] = _h0[s]; }
    }

    /// <summary>Also measure HPWL when the cost does not weigh it (area-only runs skip it during the search: it costs more than the packing).</summary>
    public bool MeasureWirelength { get; set; }

    /// <summary>Packs the current sequence pair and fills Width, Height, Wirelength, Overlap and Cost.</summary>
    public double Evaluate()
    {
        var (width, height) = Pack();

        var overlap = 0.0;
        foreach (var f in _fixed)
        {
            width = Math.Max(width, f.X + f.W);
            height = Math.Max(height, f.Y + f.H);
            for (var s = 0; s < _n; s++)
            {
                var ox = Math.Min(_x[s] + _w[s], f.X + f.W) - Math.Max(_x[s], f.X);
                if (ox <= 0) continue;
                var oy = Math.Min(_y[s] + _h[s], f.Y + f.H) - Math.Max(_y[s], f.Y);
                if (oy > 0) overlap += ox * oy;
            }
        }

        var wl = _lambda > 0 || MeasureWirelength ? MeasuredWirelength() : 0;

        Width = width;
        Height = height;
        Wirelength = wl;
        Overlap = overlap;
        Cost = CostOf(width, height, wl, overlap);
        return Cost;
    }

    /// <summary>FAST-SP packing (Tang and Wong, ASP-DAC 2001): x of a block is the largest right edge among the blocks before it in both
    /// sequences, y the largest top among those after it in the positive and before it in the negative one, each found in a prefix-maximum
    /// (Fenwick) tree over negative-sequence positions: O(n log n). Written without bounds checks: it is the annealer's inner loop.</summary>
    private (double Width, double Height) Pack()
    {
        var n = _n;
        var tree = _treeData;
        ref var t0 = ref MemoryMarshal.GetArrayDataReference(tree);
        ref var pos = ref MemoryMarshal.GetArrayDataReference(_pos);
        ref var negIndex = ref MemoryMarshal.GetArrayDataReference(_negIndex);
        ref var xs = ref MemoryMarshal.GetArrayDataReference(_x);
        ref var ys = ref MemoryMarshal.GetArrayDataReference(_y);
        ref var ws = ref MemoryMarshal.GetArrayDataReference(_w);
        ref var hs = ref MemoryMarshal.GetArrayDataReference(_h);
        double width = 0, height = 0;
        Array.Clear(tree);
        for (var k = 0; k < n; k++)
        {
            var b = Unsafe.Add(ref pos, k);
            var p = Unsafe.Add(ref negIndex, b);
            var x = 0.0;
            for (var i = p; i > 0; i -= i & -i)
            {
                var v = Unsafe.Add(ref t0, i);
                if (v > x) x = v;
            }
            Unsafe.Add(ref xs, b) = x;
            var right = x + Unsafe.Add(ref ws, b);
            for (var i = p + 1; i <= n; i += i & -i)
                if (Unsafe.Add(ref t0, i) < right) Unsafe.Add(ref t0, i) = right;
            if (right > width) width = right;
        }
        Array.Clear(tree);
        for (var k = n - 1; k >= 0; k--)
        {
            var b = Unsafe.Add(ref pos, k);
            var p = Unsafe.Add(ref negIndex, b);
            var y = 0.0;
            for (var i = p; i > 0; i -= i & -i)
            {
                var v = Unsafe.Add(ref t0, i);
                if (v > y) y = v;
            }
            Unsafe.Add(ref ys, b) = y;
            var top = y + Unsafe.Add(ref hs, b);
            for (var i = p + 1; i <= n; i += i & -i)
                if (Unsafe.Add(ref t0, i) < top) Unsafe.Add(ref t0, i) = top;
            if (top > height) height = top;
        }
        return (width, height);
    }

    private double MeasuredWirelength()
    {
        var wl = 0.0;
        for (var net = 0; net < _netWeight.Length; net++)
        {
            double x0 = _termMinX[net], x1 = _termMaxX[net], y0 = _termMinY[net], y1 = _termMaxY[net];
            for (var k = _netStart[net]; k < _netStart[net + 1]; k++)
            {
                var s = _netPins[k];
                double cx, cy;
                if (s >= 0) { cx = _x[s] + _w[s] / 2; cy = _y[s] + _h[s] / 2; }
                else { var f = _fixed[-1 - s]; cx = f.X + f.W / 2; cy = f.Y + f.H / 2; }
                if (cx < x0) x0 = cx;
                if (cx > x1) x1 = cx;
                if (cy < y0) y0 = cy;
                if (cy > y1) y1 = cy;
            }
            wl += _netWeight[net] * (x1 - x0 + y1 - y0);
        }
        return wl;
    }

    private double CostOf(double w, double h, double wl, double overlap)
    {
        var lambda = _lambda;
        var c = lambda * wl / _wl0 + 10 * overlap / _a0;
        if (_outline is var (ow, oh))
        {
            // Fixed outline: the area term is the outline scaled until the packing fits (max(W/Wo, H/Ho) squared), so the
            // search shrinks the dimension that overshoots instead of trading it for the other; overshoot is penalized on top.
            var scale = Math.Max(w / ow, h / oh);
            return c + (1 - lambda) * scale * scale * ow * oh / _a0 + OutlineWeight * Math.Max(0, scale - 1);
        }
        c += (1 - lambda) * w * h / _a0;
        if (_hasAspect)
        {
            var d = Math.Log(h / w) - _lnTargetAspect;
            c += 0.5 * d * d;
        }
        return c;
    }

    /// <summary>Inside the outline (when there is one) and clear of fixed blocks.</summary>
    public bool Feasible => Overlap <= 1e-9 && (_outline is not var (ow, oh) || (Width <= ow + 1e-9 && Height <= oh + 1e-9));

    /// <summary>Sets the normalizing area and wirelength to their averages over random states, so the two terms weigh alike.</summary>
    public void Normalize(int samples)
    {
        double a = 0, wl = 0;
        var measure = MeasureWirelength;
        MeasureWirelength = true;
        for (var i = 0; i < samples; i++)
        {
            Perturb();
            Evaluate();
            a += Width * Height;
            wl += Wirelength;
        }
        MeasureWirelength = measure;
        _a0 = Math.Max(a / samples, 1e-12);
        _wl0 = Math.Max(wl / samples, 1e-12);
    }

    /// <summary>Takes another chain's normalizing area and wirelength, so the two chains' costs compare.</summary>
    public void CopyNormalization(SequencePairChain other) => (_a0, _wl0) = (other._a0, other._wl0);

    // Undo record of the last move.
    private int _kind, _i, _j;
    private double _oldAspect;

    /// <summary>Share of the moves that are swaps or shifts; the rest turn or reshape a block.</summary>
    private const double RotShare = 0.85;

    /// <summary>Makes one random move (swap or shift in one or both sequences, turn a block, reshape a soft block); <see cref="Undo"/> reverts it.</summary>
    public void Perturb()
    {
        if (_n < 2 && _changeable.Length == 0) { _kind = -1; return; }
        var r = _rng.NextDouble();
        if ((r >= RotShare || _n < 2) && _changeable.Length > 0)
        {
            var s = _changeable[_rng.Next(_changeable.Length)];
            _i = s;
            if (_soft[s])
            {
                _kind = 3;
                _oldAspect = _aspect[s];
                var ln = _rng.Next(2) == 0
                    ? _lnMinAspect[s] + _rng.NextDouble() * (_lnMaxAspect[s] - _lnMinAspect[s])
                    : Math.Clamp(Math.Log(_aspect[s]) + (_rng.NextDouble() - 0.5) * 0.6, _lnMinAspect[s], _lnMaxAspect[s]);
                _aspect[s] = Math.Exp(ln);
            }
            else
            {
                _kind = 4;
                _rot[s] = !_rot[s];
            }
            Size(s);
            return;
        }
        _i = _rng.Next(_n);
        _j = _rng.Next(_n - 1);
        if (_j >= _i) _j++;
        // Swaps exchange two blocks' relations; shifts (one block taken out and put back elsewhere in one sequence) change
        // one block's relations to those it passes, the finer move the last stages of a packing need.
        r /= RotShare;
        if (r < 0.235) { _kind = 0; SwapPos(_i, _j); }
        else if (r < 0.47) { _kind = 1; SwapNeg(_i, _j); }
        else if (r < 0.65) { _kind = 2; SwapPos(_i, _j); SwapNeg(_negIndex[_pos[_i]], _negIndex[_pos[_j]]); }
        else if (r < 0.825) { _kind = 5; ShiftPos(_i, _j); }
        else { _kind = 6; ShiftNeg(_i, _j); }
    }

    public void Undo()
    {
        switch (_kind)
        {
            case 0: SwapPos(_i, _j); break;
            case 1: SwapNeg(_i, _j); break;
            case 2: SwapNeg(_negIndex[_pos[_i]], _negIndex[_pos[_j]]); SwapPos(_i, _j); break;
            case 3: _aspect[_i] = _oldAspect; Size(_i); break;
            case 4: _rot[_i] = !_rot[_i]; Size(_i); break;
            case 5: ShiftPos(_j, _i); break;
            case 6: ShiftNeg(_j, _i); break;
        }
    }

    /// <summary>Moves the block at position i of the positive sequence to position j, the ones between closing up.</summary>
    private void ShiftPos(int i, int j)
    {
        var b = _pos[i];
        if (i < j) Array.Copy(_pos, i + 1, _pos, i, j - i);
        else Array.Copy(_pos, j, _pos, j + 1, i - j);
        _pos[j] = b;
    }

    private void ShiftNeg(int i, int j)
    {
        var b = _neg[i];
        if (i < j) Array.Copy(_neg, i + 1, _neg, i, j - i);
        else Array.Copy(_neg, j, _neg, j + 1, i - j);
        _neg[j] = b;
        for (var k = Math.Min(i, j); k <= Math.Max(i, j); k++) _negIndex[_neg[k]] = k;
    }

    private void SwapPos(int i, int j) => (_pos[i], _pos[j]) = (_pos[j], _pos[i]);

    private void SwapNeg(int i, int j)
    {
        (_neg[i], _neg[j]) = (_neg[j], _neg[i]);
        _negIndex[_neg[i]] = i;
        _negIndex[_neg[j]] = j;
    }

    public double NextDouble() => _rng.NextDouble();

    /// <summary>A copy of the state (sequences, rotations, aspects), to keep the best one seen.</summary>
    public State Save() => new((int[])_pos.Clone(), (int[])_neg.Clone(), (bool[])_rot.Clone(), (double[])_aspect.Clone());

    public void Load(State s)
    {
        s.Pos.CopyTo(_pos, 0);
        s.Neg.CopyTo(_neg, 0);
        for (var i = 0; i < _n; i++) _negIndex[_neg[i]] = i;
        s.Rot.CopyTo(_rot, 0);
        s.Aspect.CopyTo(_aspect, 0);
        for (var i = 0; i < _n; i++) Size(i);
    }

    /// <summary>Placements of the last evaluation: problem index, lower-left (halo included), size (halo included), rotated.</summary>
    public IEnumerable<(int Index, double X, double Y, double W, double H, bool Rotated)> Placements()
    {
        for (var s = 0; s < _n; s++) yield return (_movable[s], _x[s], _y[s], _w[s], _h[s], _rot[s]);
    }

    /// <summary>The saved state of a chain.</summary>
    public sealed record State(int[] Pos, int[] Neg, bool[] Rot, double[] Aspect);
}
