using Lepton.Data.Images.Datasets;
using Lepton.Data.Labeling;

namespace Lepton.Data.Tests.Labeling;

public sealed class LabelQueueOrderTests
{
    [Fact]
    public void Margin_TwoCloseClasses_IsNearOne()
    {
        Assert.Equal(0.9, LabelUncertainty.Margin([0.45f, 0.35f, 0.2f]), 6);
        Assert.Equal(0.02, LabelUncertainty.Margin([0.01f, 0.99f, 0f]), 6);
        Assert.Equal(0.25, LabelUncertainty.Margin([0.75f]), 6);
    }

    [Fact]
    public void Margin_NonFiniteProbabilities_CountAsZero()
    {
        Assert.Equal(0.4, LabelUncertainty.Margin([float.NaN, 0.6f, float.PositiveInfinity]), 6);
    }

    [Fact]
    public void Entropy_UniformIsOneAndCertainIsZero()
    {
        Assert.Equal(1, LabelUncertainty.Entropy([0.25f, 0.25f, 0.25f, 0.25f]), 6);
        Assert.Equal(0, LabelUncertainty.Entropy([0f, 1f, 0f]), 6);
        // Two classes at 0.9/0.1: H = -(0.9 ln 0.9 + 0.1 ln 0.1) / ln 2.
        Assert.Equal(-(0.9 * Math.Log(0.9) + 0.1 * Math.Log(0.1)) / Math.Log(2), LabelUncertainty.Entropy([0.9f, 0.1f]), 5);
    }

    [Fact]
    public void Sort_ScoredEntries_ComeFirstMostUncertainFirstThenUnscoredByPath()
    {
        LabelQueueKey[] keys =
        [
            new("b.png", null), new("pred-1", 0.2), new("a.png", null), new("c.png", 0.9), new("pred-2", 0.9), new("A.png", null),
        ];
        var sorted = LabelQueueOrder.Sort(keys, k => k);
        Assert.Equal(["c.png", "pred-2", "pred-1", "A.png", "a.png", "b.png"], sorted.Select(k => k.Key));
    }

    private static ImageManifest Manifest(params (string Path, string? Label)[] items) =>
        new(items.Select(i => new ImageItem(i.Path, new string('0', 64), 10, i.Label, Shard: 0, Slot: 0)).ToList(),
            items.Select(i => i.Label).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList(),
            new ImagePixels(2, 2, 1, "bilinear", ["x"]));

    [Fact]
    public void Apply_LabelsForKnownPaths_SetsThemAndAddsNewClassesInOrder()
    {
        var manifest = Manifest(("cat/1.png", "cat"), ("unlabeled/2.png", null), ("unlabeled/3.png", null));
        var result = ManifestLabels.Apply(manifest, new Dictionary<string, string>
        {
            ["unlabeled/2.png"] = "bird", ["cat/1.png"] = "dog", ["gone.png"] = "cat",
        });
        Assert.Equal(["dog", "bird", null], result.Manifest.Items.Select(i => i.Label));
        Assert.Equal(["unlabeled/2.png"], result.Labelled);
        Assert.Equal(["cat/1.png"], result.Relabelled);
        Assert.Equal(["bird", "cat", "dog"], result.Manifest.Classes);
        Assert.NotEqual(manifest.ContentHash(), result.Manifest.ContentHash());
    }

    [Fact]
    public void Apply_NoChange_KeepsTheContentHash()
    {
        var manifest = Manifest(("cat/1.png", "cat"), ("u/2.png", null));
        var result = ManifestLabels.Apply(manifest, new Dictionary<string, string> { ["cat/1.png"] = "cat" });
        Assert.Empty(result.Labelled);
        Assert.Empty(result.Relabelled);
        Assert.Equal(manifest.ContentHash(), result.Manifest.ContentHash());
    }
}
