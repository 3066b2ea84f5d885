using Lepton.Engine;
using Lepton.NN.Presets;

namespace Lepton.Runtime.Tests;

/// <summary>
/// A served model (prepared for inference) answers one example with the bits that example gets inside a batch, though a
/// batch-1 forward cuts its convolution by tile rows and its large Linear layers by columns across threads.
/// </summary>
public sealed class BatchOneInferenceTests
{
    [Theory]
    [InlineData("cnn")] // conv2 cut by tile rows, fc1 (1.6 MB) by columns
    [InlineData("mlp")] // a 784 -> 256 Linear layer (0.8 MB) by columns
    public void EachExampleAloneEqualsItsRowInABatchBitForBit(string preset)
    {
        var model = ModelPresets.Build(preset, rng: new Generator(3));
        model.PrepareForInference();
        var x = Tensor.Randn(new Shape(5, 1, 28, 28), new Generator(4));
        var batched = Inference.Forward(model, x, batchSize: 5).ToArray();
        int classes = batched.Length / 5;
        for (int i = 0; i < 5; i++)
        {
            // Twice: the first call may find the kernel threads asleep, the second finds them woken.
            for (int call = 0; call < 2; call++)
            {
                var alone = Inference.Forward(model, x.Slice(0, i, i + 1).Contiguous(), batchSize: 1).ToArray();
                for (int j = 0; j < classes; j++)
                    Assert.True(BitConverter.SingleToInt32Bits(alone[j]) == BitConverter.SingleToInt32Bits(batched[i * classes + j]),
                        $"{preset}, example {i}, class {j}: alone {alone[j]} vs in the batch {batched[i * classes + j]}");
            }
        }
    }
}
