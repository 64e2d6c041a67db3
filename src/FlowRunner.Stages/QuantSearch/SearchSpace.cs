using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Stages.QuantSearch;

/// <summary>What one gene of the search sets: the image's format (the first layer's input), a weighted layer's weights (and bias), or a
/// weighted layer's output (which the next weighted layer reads; an activation's own output format, as QKeras' quantized_relu gives, stays).</summary>
public enum TensorRole { Input, Weights, Output }

/// <summary>One tensor whose format the search chooses: its layer, its role, the integer bits (sign included) the range profile says it
/// needs, and the fewest integer bits the search may give it.</summary>
public sealed record SearchTensor(string Name, int Layer, TensorRole Role, int ProfileIntBits, int MinIntBits);

/// <summary>One point of the search space: per tensor of <see cref="SearchSpace.Tensors"/>, its integer bits (sign included) and its width.
/// Formats are signed, AC_RND, AC_SAT (the uniform sweep's); the accumulators stay full precision (the RTL accumulates exactly).</summary>
public sealed record Genome(int[] Int, int[] Width)
{
    /// <summary>"I/W" per tensor, the candidate's identity in the search's cache.</summary>
    public string Key => string.Join(" ", Int.Zip(Width, (i, w) => $"{i}/{w}"));

    public int TotalBits => Width.Sum();

    public Genome With(int tensor, int intBits, int width)
    {
        var i = (int[])Int.Clone();
        var w = (int[])Width.Clone();
        i[tensor] = intBits;
        w[tensor] = width;
        return new Genome(i, w);
    }
}

/// <summary>The tensors of a network whose formats the search chooses, and the network a genome stands for (the same weights, every weighted
/// layer with its own input, weight and output formats).</summary>
public sealed class SearchSpace
{
    public const int MinWidth = 2;

    public SearchSpace(FloatNetwork net, IReadOnlyDictionary<string, int> profileIntBits, int maxWidth, int intSlack)
    {
        Net = net;
        MaxWidth = maxWidth;
        var spec = net.Spec;
        var weighted = Enumerable.Range(0, spec.Layers.Count).Where(i => spec.Layers[i].HasWeights).ToList();
        int Profiled(string tensor) => profileIntBits.TryGetValue(tensor, out var b) ? Math.Max(1, b)
            : throw new SearchException($"the range profile has no tensor '{tensor}'; profile the same network (model.profile after the same model stage)");
        var tensors = new List<SearchTensor>();
        void Add(string name, int layer, TensorRole role, int bits) => tensors.Add(new SearchTensor(name, layer, role, bits, Math.Max(1, bits - intSlack)));
        Add("input", 0, TensorRole.Input, Profiled("input"));
        foreach (var i in weighted)
        {
            var name = spec.Layers[i].Name;
            var w = Profiled($"{name}.weights");
            if (profileIntBits.TryGetValue($"{name}.bias", out var b)) w = Math.Max(w, Math.Max(1, b));
            Add($"{name}.weights", i, TensorRole.Weights, w);
            Add($"{name}.output", i, TensorRole.Output, Profiled(name));
        }
        Tensors = tensors;
    }

    public FloatNetwork Net { get; }

    public int MaxWidth { get; }

    public IReadOnlyList<SearchTensor> Tensors { get; }

    /// <summary>Every tensor at its profiled integer bits plus <paramref name="fracBits"/> fractional bits (at most the widest format).</summary>
    public Genome Start(int fracBits) => new(Tensors.Select(t => t.ProfileIntBits).ToArray(),
        Tensors.Select(t => Math.Clamp(t.ProfileIntBits + fracBits, MinWidth, Math.Max(MinWidth, MaxWidth))).ToArray());

    /// <summary>Every tensor in ac_fixed&lt;intBits + fracBits, intBits&gt;: a point of the uniform-format sweep.</summary>
    public Genome Uniform(int intBits, int fracBits) =>
        new(Tensors.Select(_ => intBits).ToArray(), Tensors.Select(_ => Math.Max(MinWidth, intBits + fracBits)).ToArray());

    /// <summary>Whether every gene is inside the space: widths in [2, max], integer bits in [min, width].</summary>
    public bool Holds(Genome g) => Enumerable.Range(0, Tensors.Count).All(t =>
        g.Width[t] >= MinWidth && g.Width[t] <= MaxWidth && g.Int[t] >= Tensors[t].MinIntBits && g.Int[t] <= g.Width[t]);

    public static FixedFormat Format(int intBits, int width) => new(width, intBits, true, Quantization.Rnd, Overflow.Sat);

    /// <summary>The formats a genome gives each weighted layer (by layer index): input, weight and output format keys of the description.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<KeyValuePair<string, FixedFormat>>> LayerFormats(Genome g)
    {
        var result = new Dictionary<int, List<KeyValuePair<string, FixedFormat>>>();
        for (var t = 0; t < Tensors.Count; t++)
        {
            var s = Tensors[t];
            var key = s.Role switch { TensorRole.Input => "input_format", TensorRole.Weights => "weight_format", _ => "output_format" };
            if (!result.TryGetValue(s.Layer, out var list)) result[s.Layer] = list = [];
            list.Add(new(key, Format(g.Int[t], g.Width[t])));
        }
        return result.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<KeyValuePair<string, FixedFormat>>)kv.Value);
    }

    /// <summary>The network with the genome's formats on its weighted layers (built in code: no description text).</summary>
    public FloatNetwork Network(Genome g)
    {
        var spec = Net.Spec;
        var formats = LayerFormats(g);
        var layers = spec.Layers.Select((l, i) =>
        {
            if (!formats.TryGetValue(i, out var f)) return l;
            FixedFormat? Of(string key) => f.FirstOrDefault(kv => kv.Key == key) is { Key: not null } kv ? kv.Value : null;
            var output = Of("output_format");
            return l with
            {
                InputFormat = Of("input_format") ?? l.InputFormat, WeightFormat = Of("weight_format") ?? l.WeightFormat, OutputFormat = output ?? l.OutputFormat,
                KeepAccumulator = output is null && l.KeepAccumulator, AccumFormat = l.HasWeights ? null : l.AccumFormat,
            };
        }).ToList();
        var copy = new FloatNetwork(new NetworkSpec(spec.Name, spec.Input, spec.Classes, layers, spec.DefaultFormat, null, null, spec.DefaultLogits)
            { InputLayout = spec.InputLayout });
        for (var i = 0; i < layers.Count; i++)
        {
            Net.Weights[i].CopyTo(copy.Weights[i], 0);
            Net.Biases[i].CopyTo(copy.Biases[i], 0);
        }
        return copy;
    }

    /// <summary>Bits the genome's tensors hold: every weight and bias at its width, every layer output and the image at theirs (the objective
    /// when the hardware generator cannot build the network).</summary>
    public long Bits(Genome g)
    {
        var spec = Net.Spec;
        long bits = 0;
        for (var t = 0; t < Tensors.Count; t++)
        {
            var s = Tensors[t];
            long values = s.Role switch
            {
                TensorRole.Input => spec.Input.Size,
                TensorRole.Weights => spec.WeightCount(s.Layer) + spec.BiasCount(s.Layer),
                _ => spec.Shapes[s.Layer].Size,
            };
            bits += values * g.Width[t];
        }
        return bits;
    }

    /// <summary>"input 2/6, conv2d1.weights 1/5, ..." : integer bits / width per tensor.</summary>
    public string Describe(Genome g) => string.Join(", ", Tensors.Select((t, k) => $"{t.Name} {g.Int[k]}/{g.Width[k]}"));
}

/// <summary>A search that cannot start or finish (no profile for a tensor, no point meets the constraint).</summary>
public sealed class SearchException(string message) : Exception(message);
