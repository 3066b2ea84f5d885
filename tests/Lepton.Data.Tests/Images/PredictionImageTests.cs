using Lepton.Data.Formats;
using Lepton.Data.Images;
using Lepton.Data.Inputs;
using Lepton.Engine;

namespace Lepton.Data.Tests.Images;

/// <summary>`lepton predict` reads images of any size through the model's resize policy, and refuses them under Exact.</summary>
public sealed class PredictionImageTests : IDisposable
{
    private readonly string _dir = TestData.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ALargeColourImageBecomesTheModelsGrayInput()
    {
        var pixels = new byte[64 * 48 * 3];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 31 % 251);
        string path = Path.Combine(_dir, "photo.png");
        File.WriteAllBytes(path, PngEncoder.Encode(new PngImage(64, 48, 3, pixels)));

        var batch = PredictionInputs.Load(path, new Shape(1, 28, 28), ResizePolicy.Stretch);
        Assert.Equal([1, 1, 28, 28], batch.Raw.Shape.ToArray());
        Assert.Equal(["photo.png"], batch.Names);
        var expected = ImageToTensor.Convert(new PngImage(64, 48, 3, pixels), 1, 28, 28, ResizePolicy.Stretch, "photo.png");
        Assert.Equal(expected.ToArray(), batch.Raw.ToArray());

        var e = Assert.Throws<InvalidDataException>(() => PredictionInputs.Load(path, new Shape(1, 28, 28)));
        Assert.Contains("photo.png is 64x48 but the model expects 28x28 images", e.Message);
    }
}
