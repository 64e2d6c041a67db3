using FlowRunner.Import.Tests.Support;
using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Numerics.Formats;
using Onnx;
using PureHDF;

namespace FlowRunner.Import.Tests;

/// <summary>The QKeras and QONNX models, bit-accurately, against the quantizers' formulas written here from the QKeras documentation and the
/// QONNX operator definitions, applied layer by layer in double (every value is a short dyadic fraction, so double is exact).</summary>
public sealed class QuantizedModelTests
{
    /// <summary>TensorFlow's round: halves to even.</summary>
    private static double Round(double x) => Math.Round(x, MidpointRounding.ToEven);

    /// <summary>QKeras quantized_bits(bits, integer, symmetric, keep_negative=True, alpha=1): m = 2^(bits−1), mi = 2^integer,
    /// mi · clip(round(x · m / mi), −m (+1 if symmetric), m − 1) / m.</summary>
    private static double QuantizedBits(double x, int bits, int integer, bool symmetric = false)
    {
        var m = Math.Pow(2, bits - 1);
        var mi = Math.Pow(2, integer);
        return mi * Math.Clamp(Round(x * m / mi), -m + (symmetric ? 1 : 0), m - 1) / m;
    }

    /// <summary>QKeras quantized_relu(bits, integer): m = 2^bits, mi · clip(round(x · m / mi), 0, m − 1) / m.</summary>
    private static double QuantizedRelu(double x, int bits, int integer)
    {
        var m = Math.Pow(2, bits);
        var mi = Math.Pow(2, integer);
        return mi * Math.Clamp(Round(x * m / mi), 0, m - 1) / m;
    }

    /// <summary>QKeras quantized_po2(bits=4, max_value=1): no exponent sign bit (max_value ≤ 1), so exponents in [−8, 7] clipped by the
    /// max to ≤ 0; sign(x) (+1 at zero) · 2^round(log2(min(|x|, 1))), and 2^−8 for |x| below Keras' epsilon 1e-7.</summary>
    private static double Po2(double x)
    {
        var sign = x < 0 ? -1 : 1;
        var a = Math.Abs(x);
        if (a < 1e-7) return sign * Math.Pow(2, -8);
        a = Math.Min(a, 1);
        return sign * Math.Pow(2, Math.Clamp(Round(Math.Log2(a)), -8, 7));
    }

    private static float[] Read(string h5, string layer, string array)
    {
        using var f = H5File.OpenRead(h5);
        return f.Dataset($"{layer}/{layer}/{array}:0").Read<float[]>();
    }

    private static double[] Dense(double[] x, double[] kernel, double[] bias)
    {
        var units = bias.Length;
        var y = new double[units];
        for (var u = 0; u < units; u++)
        {
            var s = bias[u];
            for (var i = 0; i < x.Length; i++) s += x[i] * kernel[i * units + u];
            y[u] = s;
        }
        return y;
    }

    private static double[] BitAccurate(BitAccurateNetwork m, float[] x) => m.Infer(x).Select(m.ToDouble).ToArray();

    [Fact]
    public void Qkeras_jet_tagger_bit_accurate_equals_quantized_bits_and_quantized_relu_layer_by_layer()
    {
        var h5 = ShippedModels.Keras("qkeras_3layer_weights.h5");
        var net = ModelImporter.Import(ShippedModels.Keras("qkeras_3layer.json")).Network;
        // The input is not quantized in QKeras; inputs on a 2^-10 grid in [-4, 4) are exact in the 16.6 input format.
        var model = new BitAccurateNetwork(net, new FormatDefaults(new FixedFormat(16, 6, true, Quantization.Rnd, Overflow.Sat)));
        var rng = new Random(21);
        for (var n = 0; n < 200; n++)
        {
            var x = Enumerable.Range(0, 16).Select(_ => (float)(rng.Next(-4096, 4096) / 1024.0)).ToArray();
            var h = x.Select(v => (double)v).ToArray();
            string[] layers = ["fc1", "fc2", "fc3", "output"];
            for (var l = 0; l < 4; l++)
            {
                var k = Read(h5, layers[l], "kernel").Select(v => QuantizedBits(v, 6, 0)).ToArray();
                var b = Read(h5, layers[l], "bias").Select(v => QuantizedBits(v, 6, 0)).ToArray();
                h = Dense(h, k, b);
                if (l < 3) h = h.Select(v => QuantizedRelu(v, 6, 0)).ToArray();
            }
            Assert.Equal(h, BitAccurate(model, x));
        }
    }

    [Fact]
    public void Qkeras_mnist_mlp_bit_accurate_equals_po2_and_symmetric_quantizers_layer_by_layer()
    {
        var h5 = ShippedModels.Keras("qkeras_mnist_dense_weights.h5");
        var net = ModelImporter.Import(ShippedModels.Keras("qkeras_mnist_dense.json")).Network;
        var model = new BitAccurateNetwork(net, FormatDefaults.For(net.Spec));
        foreach (var x in ShippedModels.Random(100, 784, seed: 5, lo: -0.2, hi: 1.2))
        {
            var h = x.Select(v => QuantizedRelu(v, 2, 0)).ToArray();
            h = Dense(h, Read(h5, "q_dense_2", "kernel").Select(v => Po2(v)).ToArray(), Read(h5, "q_dense_2", "bias").Select(v => QuantizedBits(v, 2, 0, symmetric: true)).ToArray());
            h = h.Select(v => QuantizedRelu(v, 3, 1)).ToArray();
            h = Dense(h, Read(h5, "q_dense_3", "kernel").Select(v => QuantizedBits(v, 4, 0, symmetric: true)).ToArray(), Read(h5, "q_dense_3", "bias").Select(v => QuantizedBits(v, 4, 0, symmetric: true)).ToArray());
            Assert.Equal(h, BitAccurate(model, x));
        }
    }

    [Fact]
    public void Qonnx_binary_layer_equals_the_quant_and_bipolar_quant_formulas()
    {
        var file = ShippedModels.Onnx("bnn_model_fc_1layer.onnx");
        var g = ModelProto.Parser.ParseFrom(File.ReadAllBytes(file)).Graph;
        float[] Init(string name) { var t = g.Initializer.Single(i => i.Name == name); var raw = t.RawData.ToByteArray(); return Enumerable.Range(0, raw.Length / 4).Select(i => BitConverter.ToSingle(raw, i * 4)).ToArray(); }
        var weight = Init("/linear/weight_quant/export_handler/Constant_output_0"); // [4][3]
        var quant = g.Node.Single(n => n.OpType == "Quant");
        var (scale, zp, bits) = (Init(quant.Input[1])[0], Init(quant.Input[2])[0], Init(quant.Input[3])[0]);
        var signed = (quant.Attribute.FirstOrDefault(a => a.Name == "signed")?.I ?? 1) != 0;
        var narrow = (quant.Attribute.FirstOrDefault(a => a.Name == "narrow")?.I ?? 0) != 0;
        // QONNX Quant: scale · (clip(round(x / scale + zp), qmin, qmax) − zp); BipolarQuant: scale · (x ≥ 0 ? 1 : −1), scale 1 here.
        var qmin = signed ? -Math.Pow(2, bits - 1) + (narrow ? 1 : 0) : 0;
        var qmax = signed ? Math.Pow(2, bits - 1) - 1 : Math.Pow(2, bits) - 1 - (narrow ? 1 : 0);
        var bias = Init("linear.bias").Select(b => scale * (Math.Clamp(Round(b / scale + zp), qmin, qmax) - zp)).ToArray();
        double Bipolar(double v) => v >= 0 ? 1 : -1;
        var net = ModelImporter.Import(file).Network;
        var model = new BitAccurateNetwork(net, FormatDefaults.For(net.Spec));
        foreach (var x in ShippedModels.Random(200, 3, seed: 9))
        {
            var y = new double[4];
            for (var u = 0; u < 4; u++)
            {
                var s = bias[u];
                for (var i = 0; i < 3; i++) s += Bipolar(x[i]) * Bipolar(weight[u * 3 + i]); // Gemm transB=1: W is [out][in]
                y[u] = Bipolar(s);
            }
            Assert.Equal(y, net.Outputs(x).Select(v => (double)v).ToArray());
            Assert.Equal(y, BitAccurate(model, x));
        }
    }
}
