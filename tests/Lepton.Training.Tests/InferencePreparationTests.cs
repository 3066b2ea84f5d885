using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Presets;
using Lepton.Runtime;
using Lepton.Training.Optimizers;
using Lepton.Training.Workflows;

namespace Lepton.Training.Tests;

/// <summary>Module.PrepareForInference: same outputs, read-only weights, and training refused with a clear error.</summary>
public class InferencePreparationTests
{
    [Fact]
    public void PreparedModelGivesTheSameBitsAndCannotBeTrained()
    {
        var model = ModelPresets.Build("cnn", rng: new Generator(0));
        var x = Tensor.Randn(new Shape(3, 1, 28, 28), new Generator(1));
        var before = Inference.Forward(model, x).ToArray();
        model.PrepareForInference();

        Assert.False(model.IsTraining);
        Assert.All(model.Parameters(), p =>
        {
            Assert.False(p.Trainable);
            Assert.True(p.Value.Storage.IsReadOnly);
        });
        Assert.Equal(before, Inference.Forward(model, x).ToArray());
        // One example at a time, as a server answers, equals the batch.
        for (int i = 0; i < 3; i++)
            Assert.Equal(before.AsSpan(i * 10, 10).ToArray(), Inference.Forward(model, x.Slice(0, i, i + 1)).ToArray());

        var ex = Assert.Throws<ArgumentException>(() => new Adam(model.Parameters()));
        Assert.Contains("read-only", ex.Message);
        Assert.Contains("fresh copy", ex.Message);
        var first = model.Parameters().First();
        Assert.Throws<InvalidOperationException>(() => first.Assign(Tensor.Zeros(first.Shape)));
    }
}
