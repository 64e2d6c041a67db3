using FlowRunner.Models.Network;

namespace FlowRunner.Models.Training;

/// <summary>The update rules: SGD with momentum, and Adam (Kingma and Ba, 2015).</summary>
public enum OptimizerKind { Sgd, Adam }

/// <summary>Applies averaged mini-batch gradients to a network's weights, keeping the optimizer's state (velocities or moments) per weight.</summary>
public sealed class Optimizer
{
    private readonly OptimizerKind _kind;
    private double _rate;
    private readonly double _momentum;
    private readonly float[][] _m;
    private readonly float[][] _v;
    private int _step;

    public Optimizer(FloatNetwork net, OptimizerKind kind, double learningRate, double momentum = 0.9)
    {
        _kind = kind;
        _rate = learningRate;
        _momentum = momentum;
        var arrays = net.Weights.Concat(net.Biases).ToArray();
        _m = arrays.Select(a => new float[a.Length]).ToArray();
        _v = kind == OptimizerKind.Adam ? arrays.Select(a => new float[a.Length]).ToArray() : [];
    }

    /// <summary>The step size of the next steps (a schedule changes it between steps).</summary>
    public double Rate { get => _rate; set => _rate = value; }

    /// <summary>The usual starting rate: 0.01 for SGD with momentum, 0.001 for Adam.</summary>
    public static double DefaultRate(OptimizerKind kind) => kind == OptimizerKind.Adam ? 0.001 : 0.01;

    /// <summary>One step: <paramref name="gradient"/> holds gradients summed over <paramref name="samples"/> samples.</summary>
    public void Step(FloatNetwork net, FloatNetwork gradient, int samples)
    {
        _step++;
        var p = net.Weights.Concat(net.Biases).ToArray();
        var g = gradient.Weights.Concat(gradient.Biases).ToArray();
        var scale = 1.0f / samples;
        for (var a = 0; a < p.Length; a++)
        {
            var (pa, ga, m) = (p[a], g[a], _m[a]);
            if (_kind == OptimizerKind.Sgd)
            {
                var rate = (float)_rate;
                var mu = (float)_momentum;
                for (var k = 0; k < pa.Length; k++)
                {
                    m[k] = mu * m[k] - rate * ga[k] * scale;
                    pa[k] += m[k];
                }
            }
            else
            {
                const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
                var v = _v[a];
                var c1 = 1 - Math.Pow(b1, _step);
                var c2 = 1 - Math.Pow(b2, _step);
                for (var k = 0; k < pa.Length; k++)
                {
                    var gk = ga[k] * scale;
                    m[k] = (float)(b1 * m[k] + (1 - b1) * gk);
                    v[k] = (float)(b2 * v[k] + (1 - b2) * gk * gk);
                    pa[k] -= (float)(_rate * (m[k] / c1) / (Math.Sqrt(v[k] / c2) + eps));
                }
            }
        }
    }
}
