using Lepton.Data.Formats;
using Lepton.Engine;

namespace Lepton.Data.Tests;

public class FashionMnistTests
{
    [Fact]
    public void MissingFilesSayHowToGetThem()
    {
        var dir = TestData.TempDir();
        var ex = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(dir, train: true));
        Assert.Equal(
            $"Fashion-MNIST not found in {dir} (looked for train-images-idx3-ubyte.gz). Install it with: sudo apt-get install dataset-fashion-mnist, " +
            "or pass --data-dir DIR containing the four IDX files.", ex.Message);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void LoadsIdxFilesFromAGivenFolder()
    {
        var dir = TestData.TempDir();
        var pixels = new byte[2 * 28 * 28];
        pixels[0] = 255;
        pixels[28 * 28 + 5] = 51;
        File.WriteAllBytes(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"), IdxTests.Gzip(IdxTests.Build(IdxDataType.UInt8, [2, 28, 28], pixels)));
        File.WriteAllBytes(Path.Combine(dir, "t10k-labels-idx1-ubyte"), IdxTests.Build(IdxDataType.UInt8, [2], [9, 3]));

        var data = FashionMnist.Load(dir, train: false);
        Assert.Equal(2, data.Count);
        Assert.Equal(new Shape(1, 28, 28), data.InputShape);
        Assert.Equal(1f, data.Inputs[0, 0, 0, 0]);
        Assert.Equal(0.2f, data.Inputs[1, 0, 0, 5], 6);
        Assert.Equal(new[] { 9, 3 }, data.Targets.ToIntArray());
        Assert.Equal("Ankle boot", data.ClassNames[9]);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void MismatchedLabelCountIsAnError()
    {
        var dir = TestData.TempDir();
        File.WriteAllBytes(Path.Combine(dir, "t10k-images-idx3-ubyte"), IdxTests.Build(IdxDataType.UInt8, [2, 28, 28], new byte[2 * 28 * 28]));
        File.WriteAllBytes(Path.Combine(dir, "t10k-labels-idx1-ubyte"), IdxTests.Build(IdxDataType.UInt8, [3], [1, 2, 3]));
        Assert.Contains("expected 2 UInt8 labels", Assert.Throws<InvalidDataException>(() => FashionMnist.Load(dir, train: false)).Message);
        Directory.Delete(dir, true);
    }

    [SystemFashionMnistFact]
    public void InstalledSplitsHaveExpectedCountsAndFirstLabels()
    {
        var test = FashionMnist.Load(FashionMnist.SystemDirectory, train: false);
        Assert.Equal(10000, test.Count);
        Assert.Equal(9, test.Targets.ToIntArray()[0]);
        var train = FashionMnist.Load(null, train: true);
        Assert.Equal(new Shape(60000, 1, 28, 28), train.Inputs.Shape);
        Assert.Equal(9, train.Targets.ToIntArray()[0]);
        var pixels = test.Inputs.ToArray();
        Assert.InRange(pixels.Average(), 0.25, 0.32);
        Assert.Equal(1f, pixels.Max());
    }

    /// <summary>Runs only where Debian's dataset-fashion-mnist is installed.</summary>
    private sealed class SystemFashionMnistFactAttribute : FactAttribute
    {
        public SystemFashionMnistFactAttribute()
        {
            if (!File.Exists(Path.Combine(FashionMnist.SystemDirectory, "t10k-images-idx3-ubyte.gz")))
                Skip = $"Fashion-MNIST is not installed in {FashionMnist.SystemDirectory} (sudo apt-get install dataset-fashion-mnist).";
        }
    }
}
