using Lepton.Data.Images.Datasets;
using Lepton.Data.Images.Inspection;

namespace Lepton.Data.Tests.Images.Inspection;

public sealed class ImageDatasetInspectorTests
{
    [Fact]
    public void Inspect_CleanImages_ReportsNothing()
    {
        var s = new SyntheticImages(1).AddClean(100);
        var report = ImageDatasetInspector.Inspect(s.Manifest, s.Source);
        Assert.True(report.Findings.Count == 0, PlantedDataset.Show(PlantedDataset.Found(report)));
        Assert.Equal(300, report.Items);
        Assert.All(report.ClassCounts.Values, n => Assert.Equal(100, n));
    }

    [Fact]
    public void Inspect_PlantedProblems_ReportsExactlyThePlantedOnes()
    {
        var (s, expected) = PlantedDataset.Build();
        var report = ImageDatasetInspector.Inspect(s.Manifest, s.Source);
        var found = PlantedDataset.Found(report);
        var key = ((string Kind, string[] Files) f) => f.Kind + ":" + string.Join(",", f.Files);
        Assert.True(expected.Select(key).Order().SequenceEqual(found.Select(key).Order()),
            $"expected:\n{PlantedDataset.Show(expected)}\nfound:\n{PlantedDataset.Show(found)}");
    }

    [Fact]
    public void Inspect_SmallClass_ReportsImbalanceNamingTheClass()
    {
        var s = new SyntheticImages(2, ["big", "small", "medium"]);
        for (int i = 0; i < 50; i++) s.Add($"big/{i}.png", s.Random(), "big", null);
        for (int i = 0; i < 9; i++) s.Add($"small/{i}.png", s.Random(), "small", null);
        for (int i = 0; i < 10; i++) s.Add($"medium/{i}.png", s.Random(), "medium", null);
        var report = ImageDatasetInspector.Inspect(s.Manifest, s.Source);
        var finding = Assert.Single(report.Findings);
        Assert.Equal(InspectionKinds.ClassImbalance, finding.Kind);
        Assert.Equal("small", finding.Class);
        Assert.Contains("'big' (50)", finding.Message);
    }

    [Fact]
    public void Inspect_SameImageInTwoSplitsWithTwoLabels_ReportsLeakageAndConflict()
    {
        var s = new SyntheticImages(3).AddClean(20);
        s.Add("validation/dog/x.png", s.PixelsOf("train/cat/img0000.png"), "dog", "validation");
        var report = ImageDatasetInspector.Inspect(s.Manifest, s.Source);
        Assert.Equal([InspectionKinds.SplitLeakage, InspectionKinds.ConflictingLabels], report.Findings.Select(f => f.Kind));
        Assert.All(report.Findings, f => Assert.Equal(["train/cat/img0000.png", "validation/dog/x.png"], f.Files.Order()));
    }

    [Fact]
    public void Inspect_PredictedProbabilities_ReportsConfidentLabelErrorsFirstBySelfConfidence()
    {
        var s = new SyntheticImages(4, ["a", "b"]);
        var probs = new Dictionary<string, float[]>();
        var rng = new Random(4);
        for (int i = 0; i < 60; i++)
        {
            var label = i % 2 == 0 ? "a" : "b";
            var path = $"{label}/{i}.png";
            s.Add(path, s.Random(), label, null);
            float pa = (float)(label == "a" ? 0.8 + 0.15 * rng.NextDouble() : 0.05 + 0.15 * rng.NextDouble());
            probs[path] = [pa, 1 - pa];
        }
        probs["a/0.png"] = [0.05f, 0.95f];
        probs["b/1.png"] = [0.9f, 0.1f];
        var report = ImageDatasetInspector.Inspect(s.Manifest, s.Source, new InspectionOptions(PredictedProbabilities: probs));
        Assert.Equal(["a/0.png", "b/1.png"], report.OfKind(InspectionKinds.LabelError).Select(f => f.Files[0]));
    }

    [Fact]
    public void ToJson_Report_HasKindsCountsAndFiles()
    {
        var (s, _) = PlantedDataset.Build();
        var json = ImageDatasetInspector.Inspect(s.Manifest, s.Source, dataset: "pets@1").ToJson();
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal("pets@1", doc.RootElement.GetProperty("dataset").GetString());
        Assert.Equal(2, doc.RootElement.GetProperty("counts").GetProperty("unreadable").GetInt32());
        var first = doc.RootElement.GetProperty("findings")[0];
        Assert.Equal("unreadable", first.GetProperty("kind").GetString());
        Assert.Equal("train/cat/broken.jpg", first.GetProperty("files")[0].GetString());
    }
}
