using FlowRunner.Models.Inference;
using FlowRunner.Models.Network;
using FlowRunner.Models.Tests.Support;
using FlowRunner.Models.Training;
using FlowRunner.Numerics.Formats;

namespace FlowRunner.Models.Tests.Training;

[Collection(MnistCollection.Name)]
public sealed class TrainingTests(MnistFixture mnist)
{
    private static NetworkSpec Reference => NetworkSpec.Load(Repo.ReferenceNetwork);

    [Fact]
    public void The_same_seed_gives_the_same_weights_whatever_the_thread_count()
    {
        var data = mnist.Train.Take(600);
        var o = new TrainingOptions(Epochs: 1, Seed: 9, Threads: 2);
        var a = Trainer.Train(Reference, data, o);
        var b = Trainer.Train(Reference, data, o with { Threads = 1 });
        var c = Trainer.Train(Reference, data, o with { Seed = 10 });
        for (var l = 0; l < a.Weights.Length; l++) Assert.Equal(a.Weights[l], b.Weights[l]);
        Assert.NotEqual(a.Weights[5], c.Weights[5]);
        var adam = Trainer.Train(Reference, data, o with { Optimizer = OptimizerKind.Adam });
        Assert.Equal(adam.Weights[0], Trainer.Train(Reference, data, o with { Optimizer = OptimizerKind.Adam, Threads = 1 }).Weights[0]);
    }

    [Fact]
    public void Two_epochs_on_2000_digits_learn_the_task()
    {
        var accuracy = FloatInference.Accuracy(mnist.Net, mnist.Test);
        Assert.True(accuracy > 0.87, $"float accuracy {accuracy:P2} after 2 epochs on 2,000 digits");
        var adam = Trainer.Train(Reference, mnist.Train.Take(1000), new TrainingOptions(Epochs: 1, Optimizer: OptimizerKind.Adam, LearningRate: 0.003, Seed: 2));
        Assert.True(FloatInference.Accuracy(adam, mnist.Test.Take(500)) > 0.75);
    }

    [Fact]
    public void Quantization_aware_fine_tuning_recovers_accuracy_lost_at_a_narrow_format_and_its_forward_pass_is_the_bit_accurate_one()
    {
        // ac_fixed<4,3> everywhere, logits included: QKeras' quantized_bits(4, 2), the reference story's design point.
        var formats = FormatDefaults.For(Reference, FixedFormat.Parse("ac_fixed<4,3,true,AC_RND,AC_SAT>"));
        var test = mnist.Test.Take(1000);
        var ptq = new BitAccurateNetwork(mnist.Net, formats).Accuracy(test);
        var (tuned, qat) = QuantizationAwareTraining.FineTuneAndTest(mnist.Net, mnist.Train.Take(3000), test, formats, QuantizationAwareTraining.DefaultOptions(3));
        Assert.True(qat > ptq + 0.2, $"QAT {qat:P2} vs PTQ {ptq:P2} at <4,3>");
        var fake = FloatInference.Classify(tuned, test, new QuantizationPlan(tuned.Spec, formats));
        var exact = new BitAccurateNetwork(tuned, formats).Classify(test);
        Assert.True(fake.Where((p, i) => p == exact[i]).Count() >= 990, "the fake-quantized forward pass should predict what the bit-accurate model predicts");
        Assert.NotEqual(mnist.Net.Weights[5], tuned.Weights[5]); // a copy was tuned, the start is untouched
    }

    [Fact]
    public void The_clipped_estimator_stops_the_gradient_of_saturated_outputs_and_the_plain_one_passes_it()
    {
        // One 2x2 conv (weights 1) then a dense unit (weight 1); the conv output 0.5+0.5+0.5+0.5 = 2 saturates ac_fixed<4,2> (max 1.75).
        var spec = NetworkSpec.Parse("input: [2, 2, 1]\nlayers:\n  - { type: conv2d, kernel: 2, filters: 1 }\n  - { type: flatten }\n  - { type: dense, units: 2 }\n", "t.yaml");
        var net = new FloatNetwork(spec);
        Array.Fill(net.Weights[0], 1f);
        net.Weights[2][0] = 1f;
        var formats = FormatDefaults.For(spec, FixedFormat.Parse("ac_fixed<4,2,true,AC_RND,AC_SAT>"), logits: LogitsFormat.Accumulator);
        float[] image = [0.5f, 0.5f, 0.5f, 0.5f];
        float[] ConvGradient(bool clip)
        {
            var plan = new QuantizationPlan(spec, formats, clip);
            var q = plan.Quantize(net);
            var acts = q.NewActivations();
            var clipped = acts.Select(a => new bool[a.Length]).ToArray();
            q.Forward(image, acts, plan, clipped);
            Assert.Equal(1.75f, acts[1][0]); // saturated
            var grad = new FloatNetwork(spec);
            Backprop.Accumulate(q, acts, 1, grad, q.NewActivations(), clipped);
            return grad.Weights[0];
        }
        Assert.All(ConvGradient(clip: true), g => Assert.Equal(0f, g));
        Assert.All(ConvGradient(clip: false), g => Assert.NotEqual(0f, g));
    }

    [Fact]
    public void Images_of_the_wrong_shape_or_labels_outside_the_classes_are_refused()
    {
        var small = NetworkSpec.Parse("input: [28, 28, 1]\nlayers:\n  - { type: flatten }\n  - { type: dense, units: 5 }\n", "five.yaml");
        var e = Assert.Throws<ModelFormatException>(() => Trainer.Train(small, mnist.Train.Take(100), new TrainingOptions(Epochs: 1)));
        Assert.Contains("has label", e.Message);
        Assert.Contains("5 classes", e.Message);
    }
}
