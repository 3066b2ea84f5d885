using Lepton.Data.Images.Datasets;
using Lepton.Engine;

namespace Lepton.Data.Tests.Images;

/// <summary>Images held as a [0,1] tensor (Fashion-MNIST as loaded) come back as their exact 8-bit pixels for ImageDataset.</summary>
public sealed class TensorImagePixelSourceTests
{
    [Fact]
    public void ImageDataset_OverATensorOfImages_GivesThePreprocessedPixelsExactly()
    {
        var rng = new Random(3);
        var bytes = new byte[5 * 2 * 4 * 3];
        rng.NextBytes(bytes);
        var raw = Tensor.FromArray(bytes.Select(b => (float)b).ToArray(), 5, 2, 4, 3);
        var pixels = new TensorImagePixelSource(Tensor.FromArray(bytes.Select(b => b / 255f).ToArray(), 5, 2, 4, 3));
        var pre = new Preprocessing(1f / 255, [0.3f, 0.6f], [0.2f, 0.25f]);
        var data = new ImageDataset(pixels.Items(Tensor.FromArray(new[] { 0, 1, 1, 0, 1 }, 5), ["a", "b"]), pixels, ["a", "b"], pre);
        var batch = data.GetBatch([0, 1, 2, 3, 4]);
        Assert.Equal(pre.Apply(raw).ToArray(), batch.Inputs.ToArray());
        Assert.Equal([0, 1, 1, 0, 1], batch.Targets.ToIntArray());
    }
}
