using Lepton.Data.Images.Inspection;

namespace Lepton.Data.Tests.Images.Inspection;

public sealed class ImageDatasetCleanerTests
{
    [Fact]
    public void Clean_AllKinds_DropsExactlyThePlantedItems()
    {
        var (s, _) = PlantedDataset.Build();
        var report = ImageDatasetInspector.Inspect(s.Manifest, s.Source);
        var result = ImageDatasetCleaner.Clean(s.Manifest, report, InspectionKinds.Parse("all"));
        string[] expected =
        [
            "train/cat/broken.jpg", "train/dog/huge.png", "train/cat/notes.txt", "train/fox/empty.png",
            "train/cat/img0000.png", "train/dog/near-a.jpg", // "copy-a" sorts before "img0000": the first path is kept
            "test/fox/img0017.png",
            "train/cat/img0002.png", "train/dog/relabelled.png",
            "train/cat/tiny.png", "train/dog/strip.png", "train/fox/giant.png",
            "train/cat/blank.png", "train/fox/blank.png",
        ];
        Assert.Equal(expected.Order(), result.Dropped.Select(d => d.Path).Order());
        Assert.Equal(s.Items.Count - expected.Length, result.Manifest.Items.Count);
        Assert.Equal(InspectionKinds.SplitLeakage, result.Dropped.Single(d => d.Path == "test/fox/img0017.png").Kind);
        Assert.Contains(result.Manifest.Items, i => i.Path == "train/fox/leak.png");
        Assert.Contains(result.Manifest.Items, i => i.Path == "train/cat/copy-a.png");
        var again = ImageDatasetInspector.Inspect(result.Manifest, s.Source);
        Assert.Empty(again.Findings);
    }

    [Fact]
    public void Clean_OnlyDuplicates_KeepsTheOtherProblems()
    {
        var (s, _) = PlantedDataset.Build();
        var report = ImageDatasetInspector.Inspect(s.Manifest, s.Source);
        var result = ImageDatasetCleaner.Clean(s.Manifest, report, InspectionKinds.Parse("exact-duplicate, near-duplicate"));
        Assert.Equal(["train/cat/img0000.png", "train/dog/near-a.jpg"], result.Dropped.Select(d => d.Path).Order());
        Assert.Contains(result.Manifest.Items, i => i.Path == "train/cat/broken.jpg");
    }

    [Fact]
    public void Parse_UnknownKind_ErrorListsTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => InspectionKinds.Parse("duplicates"));
        Assert.Contains("exact-duplicate", e.Message);
    }
}
