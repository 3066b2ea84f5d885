using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Splits;

namespace Lepton.Data.Tests.Images.Splits;

public sealed class ImageSplitterTests
{
    private static readonly ImagePixels Layout = new(8, 8, 3, "stretch", []);

    private static ImageManifest Items(int count, int start = 0, string[]? classes = null, Func<int, string?>? group = null)
    {
        classes ??= ["a", "b", "c"];
        // Unequal classes (a gets half) so stratification has something to hold.
        var items = Enumerable.Range(start, count).Select(i =>
        {
            var label = i % 4 < 2 ? classes[0] : classes[1 + i % 4 % (classes.Length - 1)];
            return new ImageItem($"{label}/{i:D5}.png", $"sha{i}", 100, label, Group: group?.Invoke(i), Shard: 0, Slot: i);
        }).ToList();
        return new ImageManifest(items, classes, Layout);
    }

    private static ImageManifest Concat(ImageManifest a, ImageManifest b) => a with { Items = [.. a.Items, .. b.Items] };

    [Fact]
    public void Split_AddFiftyItems_EveryOldItemKeepsItsSide()
    {
        var before = ImageSplitter.Split(Items(500), new SplitOptions(0.2, 0.1, Seed: 3)).Manifest;
        var after = ImageSplitter.Split(Concat(Items(500), Items(50, start: 500)), new SplitOptions(0.2, 0.1, Seed: 3)).Manifest;
        var old = before.Items.ToDictionary(i => i.Path, i => i.Split);
        Assert.All(after.Items.Where(i => old.ContainsKey(i.Path)), i => Assert.Equal(old[i.Path], i.Split));
        Assert.Equal(500, after.Items.Count(i => old.ContainsKey(i.Path)));
        var test = before.Items.Count(i => i.Split == ImageSplits.Test);
        Assert.InRange(test, 70, 130);
        Assert.InRange(before.Items.Count(i => i.Split == ImageSplits.Validation), 30, 70);
    }

    [Fact]
    public void Split_DifferentSeed_DifferentAssignment()
    {
        var a = ImageSplitter.Split(Items(200), new SplitOptions(Seed: 1)).Manifest.Items.Select(i => i.Split).ToList();
        var b = ImageSplitter.Split(Items(200), new SplitOptions(Seed: 2)).Manifest.Items.Select(i => i.Split).ToList();
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Split_Stratified_EveryClassHoldsTheExactProportion()
    {
        var result = ImageSplitter.Split(Items(403), new SplitOptions(0.2, 0.1, Stratify: true, Seed: 5));
        foreach (var cls in result.Manifest.Items.GroupBy(i => i.Label))
        {
            int n = cls.Count();
            Assert.Equal((int)Math.Round(n * 0.2, MidpointRounding.AwayFromZero), cls.Count(i => i.Split == ImageSplits.Test));
            Assert.Equal((int)Math.Round(n * 0.1, MidpointRounding.AwayFromZero), cls.Count(i => i.Split == ImageSplits.Validation));
        }
        Assert.Equal(403, result.Counts.Sum(c => c.Count));
    }

    [Fact]
    public void Split_StratifiedAddItems_OnlyBoundaryItemsMoveWithinTheBound()
    {
        var options = new SplitOptions(0.2, 0.1, Stratify: true, Seed: 5);
        var before = ImageSplitter.Split(Items(400), options).Manifest.Items.ToDictionary(i => i.Path);
        var added = Items(50, start: 400);
        var after = ImageSplitter.Split(Concat(Items(400), added), options).Manifest.Items;
        foreach (var cls in after.GroupBy(i => i.Label))
        {
            int m = added.Items.Count(i => i.Label == cls.Key);
            int moved = cls.Count(i => before.TryGetValue(i.Path, out var b) && b.Split != i.Split);
            Assert.True(moved <= 2 * (m + (int)Math.Ceiling(m * 0.3) + 1), $"class {cls.Key}: {moved} old items moved after adding {m}");
            Assert.True(moved < cls.Count() / 4, $"class {cls.Key}: {moved} moved");
        }
    }

    [Fact]
    public void Split_Grouped_AllItemsOfAGroupOnOneSide()
    {
        var manifest = Items(600, group: i => $"patient{i / 6}");
        var result = ImageSplitter.Split(manifest, new SplitOptions(0.25, Grouped: true, Seed: 9)).Manifest;
        var sides = result.Items.GroupBy(i => i.Group).Select(g => g.Select(i => i.Split).Distinct().Count());
        Assert.All(sides, n => Assert.Equal(1, n));
        Assert.Contains(result.Items, i => i.Split == ImageSplits.Test);
        // Without grouping the same data splits groups apart: the test above can fail.
        var ungrouped = ImageSplitter.Split(manifest, new SplitOptions(0.25, Seed: 9)).Manifest;
        Assert.Contains(ungrouped.Items.GroupBy(i => i.Group), g => g.Select(i => i.Split).Distinct().Count() > 1);
    }

    [Fact]
    public void Split_Folds_StableBucketsOfNonTestItems()
    {
        var options = new SplitOptions(0.2, Folds: 5, Seed: 4);
        var before = ImageSplitter.Split(Items(500), options).Manifest.Items.ToDictionary(i => i.Path);
        var after = ImageSplitter.Split(Concat(Items(500), Items(40, start: 500)), options).Manifest.Items;
        Assert.All(after.Where(i => before.ContainsKey(i.Path)), i => Assert.Equal(before[i.Path].Fold, i.Fold));
        Assert.All(after, i => Assert.Equal(i.Split == ImageSplits.Test, i.Fold is null));
        var sizes = after.Where(i => i.Fold is not null).GroupBy(i => i.Fold).Select(g => g.Count()).ToList();
        Assert.Equal(5, sizes.Count);
        Assert.All(sizes, n => Assert.InRange(n, 60, 115));
    }

    [Fact]
    public void Split_FractionsLeaveNoTrain_ErrorSuggestsValues()
    {
        var e = Assert.Throws<ArgumentException>(() => ImageSplitter.Split(Items(10), new SplitOptions(0.6, 0.5)));
        Assert.Contains("--test 0.2", e.Message);
    }
}
