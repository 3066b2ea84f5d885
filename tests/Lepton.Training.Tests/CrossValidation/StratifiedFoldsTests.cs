using Lepton.Data;
using Lepton.Engine;
using Lepton.Training.Workflows.CrossValidation;

namespace Lepton.Training.Tests.CrossValidation;

/// <summary>Stratified folds, a fold's view of a data set, and the spread of a metric over folds.</summary>
public sealed class StratifiedFoldsTests
{
    [Fact]
    public void Assign_BalancesEveryClassAcrossFolds_AndIsSeeded()
    {
        // Classes of 50, 31 and 7 examples, interleaved.
        var labels = Enumerable.Range(0, 50).Select(_ => 0).Concat(Enumerable.Range(0, 31).Select(_ => 1)).Concat(Enumerable.Range(0, 7).Select(_ => 2))
            .OrderBy(i => i).ToArray();
        var folds = StratifiedFolds.Assign(labels, 5, seed: 3);
        for (int c = 0; c < 3; c++)
        {
            var perFold = Enumerable.Range(0, 5).Select(f => Enumerable.Range(0, labels.Length).Count(i => labels[i] == c && folds[i] == f)).ToArray();
            Assert.True(perFold.Max() - perFold.Min() <= 1, $"class {c}: {string.Join(",", perFold)}");
        }
        var sizes = Enumerable.Range(0, 5).Select(f => folds.Count(x => x == f)).ToArray();
        Assert.True(sizes.Max() - sizes.Min() <= 1, string.Join(",", sizes));
        Assert.Equal(folds, StratifiedFolds.Assign(labels, 5, seed: 3));
        Assert.NotEqual(folds, StratifiedFolds.Assign(labels, 5, seed: 4));
    }

    [Fact]
    public void Assign_RefusesTooFewExamplesOrFolds()
    {
        Assert.Contains("cannot fill 5 folds", Assert.Throws<ArgumentException>(() => StratifiedFolds.Assign([0, 1, 0], 5, 0)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => StratifiedFolds.Assign([0, 1, 0], 1, 0));
    }

    [Fact]
    public void IndexedDataset_GathersTheMappedExamples()
    {
        var inner = new InMemoryDataset(Tensor.FromArray([0f, 1f, 2f, 3f, 4f], 5, 1), Tensor.FromArray([0, 1, 0, 1, 0], 5), ["a", "b"]);
        var view = new IndexedDataset(inner, [4, 1, 3]);
        Assert.Equal(3, view.Count);
        var batch = view.GetBatch([2, 0]);
        Assert.Equal([3f, 4f], batch.Inputs.ToArray());
        Assert.Equal([1, 0], batch.Targets.ToIntArray());
    }

    [Fact]
    public void MetricSpread_IsTheSampleStd_AndSkipsUndefinedValues()
    {
        var spread = MetricSpread.Of("auc", [0.8, double.NaN, 0.9, 0.7]);
        Assert.Equal(0.8, spread.Mean, 12);
        Assert.Equal(0.1, spread.Std, 12);
        Assert.Equal((0.7, 0.9), (spread.Min, spread.Max));
        var result = new CrossValidationResult(2, 0, [new FoldOutcome(0, 1, 1, new Dictionary<string, double> { ["accuracy"] = 0.5, ["only_here"] = 1 }),
            new FoldOutcome(1, 1, 1, new Dictionary<string, double> { ["accuracy"] = 0.7 })]);
        var metric = Assert.Single(result.Metrics);
        Assert.Equal("accuracy", metric.Name);
        Assert.Equal(0.6, metric.Mean, 12);
    }
}
