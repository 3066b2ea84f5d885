using System.Text;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Splits;
using Lepton.Data.Text;

namespace Lepton.Data.Tests.Text;

/// <summary>Text splits come from the same assignment as image splits, and normalization goes through ICU.</summary>
public sealed class TextSplitterTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Split_SameKeysAsAnImageSet_GivesTheSameSidesAndFolds(bool stratify)
    {
        var paths = Enumerable.Range(0, 60).Select(i => $"{(i % 3 == 0 ? "spam" : "ham")}/{i:D3}.txt").ToList();
        var text = new TextManifest([.. paths.Select(p => new TextItem(p, "h", 1, [p.Split('/')[0]]))], ["ham", "spam"], false, "r", "b");
        var image = new ImageManifest([.. paths.Select(p => new ImageItem(p, "h", 1, p.Split('/')[0]))], ["ham", "spam"], new ImagePixels(1, 1, 1, "stretch", []));
        var options = new SplitOptions(Test: 0.25, Validation: 0.15, Stratify: stratify, Folds: 3, Seed: 9);
        var t = TextSplitter.Split(text, options).Manifest.Items;
        var i = ImageSplitter.Split(image, options).Manifest.Items;
        Assert.Equal(i.Select(x => (x.Split, x.Fold)), t.Select(x => (x.Split, x.Fold)));
        Assert.Equal(3, t.Select(x => x.Split).Distinct().Count());
    }

    [Fact]
    public void Normalize_CombiningAndCompatibilityCharacters_ComposeAndFold()
    {
        Assert.True(UnicodeNormalizer.IsAvailable, "ICU (libicuuc) was not found on this machine");
        Assert.Equal("\u00E9", UnicodeNormalizer.Normalize("e\u0301", NormalizationForm.FormC));
        Assert.Equal("\uFB01", UnicodeNormalizer.Normalize("\uFB01", NormalizationForm.FormC));
        Assert.Equal("fi", UnicodeNormalizer.Normalize("\uFB01", NormalizationForm.FormKC));
        Assert.Equal("한국어", UnicodeNormalizer.Normalize("\u1112\u1161\u11AB\u1100\u116E\u11A8\u110B\u1165", NormalizationForm.FormC));
    }
}
