namespace FlowRunner.Floorplan.Annealing;

/// <summary>Prefix-maximum tree over sequence positions: the O(log n) step of Tang and Wong's FAST-SP evaluation.</summary>
internal sealed class PrefixMaxTree(int size)
{
    private readonly double[] _tree = new double[size + 1];

    public void Clear() => Array.Clear(_tree);

    /// <summary>Largest value stored at positions 0..position-1 (0 when none).</summary>
    public double Before(int position)
    {
        var best = 0.0;
        for (var i = position; i > 0; i -= i & -i)
            if (_tree[i] > best) best = _tree[i];
        return best;
    }

    public void Raise(int position, double value)
    {
        for (var i = position + 1; i < _tree.Length; i += i & -i)
            if (_tree[i] < value) _tree[i] = value;
    }
}
