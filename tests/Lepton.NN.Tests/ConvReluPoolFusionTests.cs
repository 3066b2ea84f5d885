using Lepton.Engine;
using Lepton.Engine.Autograd;
using Lepton.NN.Layers;
using Lepton.NN.Presets;

namespace Lepton.NN.Tests;

/// <summary>
/// In inference, Sequential runs Conv2d → ReLU → MaxPool2d(2) as one op that pools each sample while in cache: the same
/// bits as the layers one by one, on the direct and the Winograd kernels, prepared or not; shapes it cannot fuse fall back.
/// </summary>
public class ConvReluPoolFusionTests
{
    public static TheoryData<int, int, int, int, int> Shapes => new()
    {
        // in channels, out channels, H, W, padding: the reference CNN's blocks (direct, then Winograd), odd sizes
        // that fall back after the conv (7x7 output), a 1x1 kernel and a 2-channel block.
        { 1, 32, 28, 28, 1 },
        { 32, 64, 14, 14, 1 },
        { 8, 8, 7, 7, 1 },
        { 3, 16, 10, 12, 0 },
        { 2, 4, 6, 8, 1 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void FusedBlockEqualsTheLayersOneByOne(int c, int o, int h, int w, int padding)
    {
        var rng = new Generator(3);
        var model = new Sequential(new Conv2d(c, o, 3, new Conv2dOptions(Padding: padding), rng), new ReLU(), new MaxPool2d(2));
        var x = Tensor.Randn(new Shape(3, c, h, w), rng);
        foreach (bool prepared in new[] { false, true })
        {
            if (prepared) model.PrepareForInference();
            using var _ = new NoGrad();
            var fused = model.Forward(x).ToArray();
            var layered = model[2].Forward(model[1].Forward(model[0].Forward(x))).ToArray();
            Assert.Equal(layered, fused);
        }
    }

    [Fact]
    public void TrainingStillRecordsTheLayers()
    {
        var model = ModelPresets.Build("cnn", rng: new Generator(1));
        var y = model.Forward(Tensor.Randn(new Shape(2, 1, 28, 28), new Generator(2)));
        Assert.True(y.RequiresGrad);
        var grads = y.Sum().Backward();
        Assert.NotNull(grads[model.Parameters().First().Value]);
    }

    [Fact]
    public void AnErrorStillNamesTheLayerThatRaisedIt()
    {
        var model = new Sequential(new Conv2d(3, 4, 3), new ReLU(), new MaxPool2d(2));
        using var _ = new NoGrad();
        var ex = Assert.Throws<ArgumentException>(() => model.Forward(Tensor.Zeros(1, 2, 8, 8)));
        Assert.StartsWith("Layer 0 (Conv2d):", ex.Message);
    }
}
