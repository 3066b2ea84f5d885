using System.Text.Json.Nodes;
using Lepton.Reports.Statistics;
using Lepton.Runtime;
using Lepton.Training.Metrics;
using Lepton.Training.Workflows;

namespace Lepton.Reports.Tests;

/// <summary>The report's numbers are Training's: the same evaluation <c>lepton eval</c> and training write, on the headline examples.</summary>
public sealed class ReportMetricsTests(ReportFixture fx) : IClassFixture<ReportFixture>
{
    private ClassificationReport TrainingReport()
    {
        using var predictor = PredictorLoader.Default.Load(fx.Sharp.Folder);
        return predictor.Evaluate(fx.HeadlineSet());
    }

    [Fact]
    public void Report_Metrics_EqualTrainingsEvaluationOfTheHeadlineExamples()
    {
        var expected = TrainingReport();
        var actual = fx.Report.Metrics;
        Assert.Equal(fx.Data.HeadlineIndices.Count, actual.Count);
        Assert.Equal(expected.Accuracy, actual.Accuracy, 12);
        Assert.Equal(expected.MacroAverage.F1, actual.MacroAverage.F1, 12);
        Assert.Equal(expected.WeightedAverage.F1, actual.WeightedAverage.F1, 12);
        Assert.Equal(expected.ConfusionMatrix, actual.ConfusionMatrix);
        for (int c = 0; c < ReportFixture.Classes; c++)
        {
            Assert.Equal(expected.Classes[c].Precision, actual.Classes[c].Precision, 12);
            Assert.Equal(expected.Classes[c].Recall, actual.Classes[c].Recall, 12);
            Assert.Equal(expected.Classes[c].Support, actual.Classes[c].Support);
            Assert.Equal(expected.Classes[c].RocAuc!.Value, actual.Classes[c].RocAuc!.Value, 9);
            // The drawn curves carry Training's AUC too.
            Assert.Equal(expected.Classes[c].RocAuc!.Value, fx.Report.Curves[c].RocAuc, 9);
        }
        Assert.Equal(expected.RocAucMacro!.Value, actual.RocAucMacro!.Value, 9);
        // Training's loss is float32 cross-entropy; the report's is the same in double.
        Assert.Equal(expected.Loss!.Value, actual.Loss!.Value, 4);
        // The model makes mistakes, so the gallery and the intervals have something to show.
        Assert.InRange(actual.Accuracy, 0.6, 0.98);
    }

    [Fact]
    public void Report_EvaluationJson_IsWhatModelReportsWrites()
    {
        string dir = Path.Combine(fx.Root, "evaluation-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        ModelReports.WriteEvaluation(dir, fx.Report.Metrics);
        var written = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "evaluation.json")))!;
        Assert.Equal(written.ToJsonString(), fx.Report.EvaluationJson().ToJsonString());
        var training = ModelReports.EvaluationJson(TrainingReport());
        Assert.Equal(training["confusion_matrix"]!.ToJsonString(), written["confusion_matrix"]!.ToJsonString());
        Assert.Equal(training["accuracy"]!.GetValue<double>(), written["accuracy"]!.GetValue<double>(), 12);
    }

    [Fact]
    public void Slices_BySplit_AreTrainingReportsOfEachSplit()
    {
        var scores = fx.Report.Scores;
        foreach (var split in new[] { "train", "test" })
        {
            var indices = Enumerable.Range(0, fx.Data.Count).Where(i => fx.Data.Splits[i] == split).ToArray();
            var expected = ClassificationReport.FromPredictions(indices.Select(i => scores.Predicted[i]).ToArray(), indices.Select(i => scores.Labels[i]).ToArray(),
                classCount: ReportFixture.Classes);
            var slice = fx.Report.Slices.Single(s => s.Group == "split" && s.Name == split);
            Assert.Equal(indices.Length, slice.Count);
            Assert.Equal(expected.Accuracy, slice.Accuracy, 12);
            Assert.Equal(expected.MacroAverage.F1, slice.MacroF1, 12);
        }
        foreach (var group in new[] { "brightness (mean pixel)", "contrast (pixel std)" })
        {
            var quartiles = fx.Report.Slices.Where(s => s.Group == group).ToList();
            Assert.Equal(4, quartiles.Count);
            Assert.Equal(fx.Data.Count, quartiles.Sum(q => q.Count));
            Assert.All(quartiles, q => Assert.InRange(q.Count, fx.Data.Count / 4 - 2, fx.Data.Count / 4 + 2));
        }
        // The brightest quarter holds the brightest patches, which the model finds more easily than the dimmest quarter's.
        var brightness = fx.Report.Slices.Where(s => s.Group == "brightness (mean pixel)").ToList();
        Assert.True(brightness[3].Accuracy > brightness[0].Accuracy, $"Q4 {brightness[3].Accuracy} vs Q1 {brightness[0].Accuracy}");
    }

    [Fact]
    public void Gallery_HoldsTheMostConfidentMistakes_InOrder()
    {
        var scores = fx.Report.Scores;
        var all = fx.Data.HeadlineIndices.Where(i => !scores.IsCorrect(i)).Select(scores.Confidence).OrderDescending().ToList();
        var shown = fx.Report.Mistakes;
        Assert.Equal(Math.Min(all.Count, ReportFixture.Options.Mistakes), shown.Count);
        Assert.Equal(all.Take(shown.Count), shown.Select(m => m.Confidence));
        Assert.All(shown, m => Assert.Equal("test", fx.Data.Splits[m.Index]));
        var top = fx.Report.ConfusedPairs[0];
        int count = fx.Data.HeadlineIndices.Count(i => scores.Labels[i] == top.Actual && scores.Predicted[i] == top.Predicted);
        Assert.Equal(count, top.Count);
        Assert.Equal(fx.Report.Metrics.ConfusionMatrix[top.Actual][top.Predicted], top.Count);
        Assert.True(fx.Report.ConfusedPairs.All(p => p.Count <= top.Count));
    }

    [Fact]
    public void Lineage_ReadsRunCurvesDatasetAncestryAndVersion()
    {
        var lineage = fx.Report.Lineage;
        Assert.Equal(1, lineage.Version);
        Assert.Equal(fx.RunId, lineage.RunId);
        Assert.Equal("patches@2", lineage.TrainedOn);
        Assert.Equal(["patches@1"], lineage.DatasetAncestors);
        Assert.Equal(42UL, lineage.Seed);
        Assert.Equal(["accuracy", "loss", "val_accuracy"], lineage.Curves.Select(c => c.Key));
        Assert.Equal([1.2, 0.7, 0.5], lineage.Curves.Single(c => c.Key == "loss").Points.Select(p => p.Value));
        Assert.Null(fx.Comparison.Second.Lineage.RunId);
    }

    [Fact]
    public void Intervals_ContainTheEstimate_AndRepeatWithTheSeed()
    {
        foreach (var (name, interval) in fx.Report.Intervals)
        {
            Assert.True(interval.Low <= interval.Estimate && interval.Estimate <= interval.High, $"{name}: {interval}");
            Assert.True(interval.High - interval.Low > 0.01, $"{name}: {interval} is implausibly narrow for 300 examples");
        }
        var h = fx.Report.Headline;
        var again = Bootstrap.ClassificationIntervals(h.Predicted, h.Labels, h.Classes, ReportFixture.Options.BootstrapResamples, ReportFixture.Options.Seed);
        Assert.Equal(fx.Report.Intervals, again);
    }
}
