using Lepton.Compression.Quantization;
using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Layers.Quantized;
using Lepton.Tests.Shared;

using Lepton.Compression.Tests.Support;

namespace Lepton.Compression.Tests.Quantization;

/// <summary>
/// A Sequential's convolution followed by a batch norm (the cnn-bn preset's shape) takes the batch norm into its int8
/// weights and bias, and the batch norm leaves the model, wherever that convolution runs in int8; a float convolution keeps it.
/// </summary>
public sealed class SequentialBatchNormFoldTests
{
    // x: (N,3,8,8) -> conv 3->6 (no bias) -> BN -> ReLU -> pool -> flatten 96 -> linear 4
    private static Sequential Model()
    {
        var bn = TrainedBatchNorm.Of(new BatchNorm2d(6), seed: 2);
        return new Sequential(new Conv2d(3, 6, 3, new Conv2dOptions(Padding: 1, Bias: false), new Generator(1)), bn, new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(96, 4, rng: new Generator(3)));
    }

    private static Tensor[] Calibration() => [Tensor.Randn(new Shape(16, 3, 8, 8), new Generator(4))];

    private static QuantizeOptions Options(LayerPrecision layers) => new(CalibrationMethod.MinMax, Samples: 16, BatchSize: 8, Layers: layers);

    [Fact]
    public void All_FoldsTheBatchNormIntoTheInt8Convolution()
    {
        var source = Model();
        var result = ModelQuantizer.Quantize(source, Calibration(), Options(LayerPrecision.All));

        var layers = ((Sequential)result.Model).Layers;
        Assert.Equal(["QuantizedConv2d", "ReLU", "MaxPool2d", "Flatten", "QuantizedLinear"], layers.Select(l => l.TypeName));
        Assert.Equal([0, 5], result.Layers.Select(l => l.Index)); // positions in the float model
        Assert.True(((QuantizedConv2d)layers[0]).Options.Bias); // the batch norm's shift is the int8 convolution's bias

        TestModels.AssertQuantizedCloseToFloat(source, result.Model, Calibration()[0]);
    }

    [Fact]
    public void Faster_AFloatConvolutionKeepsItsBatchNorm()
    {
        // The int8 convolution loses its race, the Linear wins.
        var result = ModelQuantizer.Quantize(Model(), Calibration(), Options(LayerPrecision.Faster),
            race: (a, b, n) => ((Sequential)b).Layers.OfType<QuantizedConv2d>().Any() ? (1.0, 2.0) : (2.0, 1.0));
        Assert.Equal(["Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Flatten", "QuantizedLinear"], ((Sequential)result.Model).Layers.Select(l => l.TypeName));
        Assert.Equal([false, true], result.Layers.Select(l => l.IsInt8));
    }
}
