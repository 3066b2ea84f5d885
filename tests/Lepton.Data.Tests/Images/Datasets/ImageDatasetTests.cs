using Lepton.Data.Images.Augmentation;
using Lepton.Data.Images.Datasets;
using Lepton.Engine;

namespace Lepton.Data.Tests.Images.Datasets;

public class ImageDatasetTests
{
    private static readonly string[] Classes = ["cat", "dog", "fox"];

    private static Preprocessing Normalizing => new(1f / 255, [0.5f, 0.4f, 0.3f], [0.25f, 0.2f, 0.3f]);

    [Fact]
    public void GetBatch_NoAugmentation_EqualsPreprocessingOfTheRawChwBytes()
    {
        var pixels = new MemoryPixelSource(6, 5, 4, 3);
        var data = new ImageDataset(pixels.Manifest(Classes).Items, pixels, Classes, Normalizing);
        var batch = data.GetBatch([4, 1]);

        // The same bytes moved to (N,C,H,W) by hand and normalized by Preprocessing.Apply.
        var raw = new float[2 * 3 * 5 * 4];
        int[] slots = [4, 1];
        for (int n = 0; n < 2; n++)
            for (int y = 0; y < 5; y++)
                for (int x = 0; x < 4; x++)
                    for (int c = 0; c < 3; c++)
                        raw[((n * 3 + c) * 5 + y) * 4 + x] = pixels.Image(slots[n])[(y * 4 + x) * 3 + c];
        var expected = Normalizing.Apply(Tensor.FromArray(raw, 2, 3, 5, 4));
        Assert.Equal(new Shape(2, 3, 5, 4), batch.Inputs.Shape);
        Assert.Equal(expected.ToArray(), batch.Inputs.ToArray());
        Assert.Equal(new[] { 1, 1 }, batch.Targets.ToIntArray()); // slot 4 -> dog, slot 1 -> dog
        Assert.Equal(new Shape(3, 5, 4), data.InputShape);
    }

    [Fact]
    public void ForSplit_KeepsOnlyReadableItemsOfTheSplit()
    {
        var pixels = new MemoryPixelSource(9, 4, 4, 1);
        var manifest = pixels.Manifest(Classes, ImageSplits.Train, ImageSplits.Train, ImageSplits.Test);
        var broken = manifest.Items.Select((item, i) => i == 3
            ? item with { Problem = new ImageProblem(ImageProblemKind.Unreadable, "truncated"), Shard = -1, Slot = -1 }
            : item).ToList();
        manifest = manifest with { Items = broken };
        var train = ImageDataset.ForSplit(manifest, pixels, ImageSplits.Train, Preprocessing.Identity);
        var test = ImageDataset.ForSplit(manifest, pixels, ImageSplits.Test, Preprocessing.Identity);
        Assert.Equal([0, 1, 4, 6, 7], train.Items.Select(i => i.Slot));
        Assert.Equal([2, 5, 8], test.Items.Select(i => i.Slot));
        Assert.Equal(Classes, train.ClassNames);
        Assert.Equal(new[] { 0, 1, 1, 0, 1 }, train.GetBatch([0, 1, 2, 3, 4]).Targets.ToIntArray());
    }

    [Fact]
    public void ForSplit_MissingSplit_SaysWhichSplitsExistAndHowToSplit()
    {
        var pixels = new MemoryPixelSource(4, 4, 4, 1);
        var error = Assert.Throws<ArgumentException>(() =>
            ImageDataset.ForSplit(pixels.Manifest(Classes, ImageSplits.Train), pixels, ImageSplits.Validation, Preprocessing.Identity));
        Assert.Contains("'validation'", error.Message);
        Assert.Contains("splits present: train", error.Message);
        Assert.Contains("lepton data split", error.Message);
    }

    [Fact]
    public void Constructor_LabelOutsideClasses_NamesTheFile()
    {
        var pixels = new MemoryPixelSource(3, 4, 4, 1);
        var manifest = pixels.Manifest(Classes);
        var items = manifest.Items.Select((item, i) => i == 2 ? item with { Label = "owl" } : item).ToList();
        var error = Assert.Throws<ArgumentException>(() => new ImageDataset(items, pixels, Classes, Preprocessing.Identity));
        Assert.Contains("fox/0002.png", error.Message);
        Assert.Contains("'owl'", error.Message);
    }

    [Fact]
    public void GetBatch_Reuse_RefillsTheSameTensors()
    {
        var pixels = new MemoryPixelSource(8, 6, 6, 3);
        var data = new ImageDataset(pixels.Manifest(Classes).Items, pixels, Classes, Normalizing);
        var first = data.GetBatch([0, 1, 2]);
        var firstValues = first.Inputs.ToArray();
        var second = data.GetBatch([5, 6, 7], first);
        Assert.Same(first, second);
        Assert.Equal(data.GetBatch([5, 6, 7]).Inputs.ToArray(), second.Inputs.ToArray());
        Assert.NotEqual(firstValues, second.Inputs.ToArray());
        // A batch of another size is not reused.
        Assert.NotSame(first, data.GetBatch([1, 2], first));
    }

    [Fact]
    public void GetBatch_WithAugmenter_ChangesWithEpochAndRepeatsWithinIt()
    {
        var pixels = new MemoryPixelSource(4, 16, 16, 3);
        var augmenter = new ImageAugmenter(AugmentationSpec.Parse("flip,rotate=20,zoom=0.2,brightness=0.2"), seed: 5);
        var data = new ImageDataset(pixels.Manifest(Classes).Items, pixels, Classes, Normalizing, augmenter);
        var plain = new ImageDataset(pixels.Manifest(Classes).Items, pixels, Classes, Normalizing);
        data.SetEpoch(0);
        var epoch0 = data.GetBatch([0, 1, 2, 3]).Inputs.ToArray();
        Assert.Equal(epoch0, data.GetBatch([0, 1, 2, 3]).Inputs.ToArray());
        Assert.NotEqual(plain.GetBatch([0, 1, 2, 3]).Inputs.ToArray(), epoch0);
        data.SetEpoch(1);
        Assert.NotEqual(epoch0, data.GetBatch([0, 1, 2, 3]).Inputs.ToArray());
        // An example's augmentation does not depend on its neighbours in the batch.
        data.SetEpoch(0);
        Assert.Equal(epoch0.AsSpan(2 * 768, 768).ToArray(), data.GetBatch([2]).Inputs.ToArray());
    }

    [Fact]
    public void ChannelMeanStd_MatchesDirectComputation_AndSamplesEvenly()
    {
        var pixels = new MemoryPixelSource(10, 4, 5, 3);
        var items = pixels.Manifest(Classes).Items;
        var (mean, std) = ImageStatistics.ChannelMeanStd(items, pixels);
        for (int c = 0; c < 3; c++)
        {
            var values = Enumerable.Range(0, 10).SelectMany(i => pixels.Image(i).Where((_, j) => j % 3 == c)).Select(v => v / 255.0).ToArray();
            double m = values.Average(), s = Math.Sqrt(values.Average(v => (v - m) * (v - m)));
            Assert.Equal(m, mean[c], 5);
            Assert.Equal(s, std[c], 5);
        }
        int before = pixels.Reads;
        ImageStatistics.ChannelMeanStd(items, pixels, maxImages: 4);
        Assert.Equal(4, pixels.Reads - before);
        var preprocessing = ImageStatistics.Preprocessing(items, pixels);
        Assert.Equal(1f / 255, preprocessing.Scale);
        Assert.Equal(mean, preprocessing.Mean);
    }

    [Fact]
    public void Loader_WorkersOneAndTwo_GiveIdenticalAugmentedBatchesAcrossRuns()
    {
        var pixels = new MemoryPixelSource(37, 12, 12, 3);
        var spec = AugmentationSpec.Parse("flip,rotate=15,shear=0.2,zoom=0.2,crop=0.9,brightness=0.2,contrast=0.2,cutout=4");
        List<(float[] X, int[] Y)> Run(int workers)
        {
            var data = new ImageDataset(pixels.Manifest(Classes).Items, pixels, Classes, Normalizing, new ImageAugmenter(spec, 9));
            using var loader = new DataLoader(data, new DataLoaderOptions(BatchSize: 5, Seed: 2, Prefetch: 2, RecycleBatches: true, Workers: workers));
            var seen = new List<(float[], int[])>();
            for (int epoch = 0; epoch < 2; epoch++)
                foreach (var b in loader) seen.Add((b.Inputs.ToArray(), b.Targets.ToIntArray()));
            return seen;
        }
        var one = Run(1);
        var two = Run(2);
        var again = Run(2);
        Assert.Equal(16, one.Count);
        for (int i = 0; i < one.Count; i++)
        {
            Assert.Equal(one[i].X, two[i].X);
            Assert.Equal(one[i].Y, two[i].Y);
            Assert.Equal(two[i].X, again[i].X);
        }
        // The loader told the dataset the epoch: epoch 1's first batch is not epoch 0's batch re-augmented the same way.
        Assert.NotEqual(one[0].X, one[8].X);
    }
}
