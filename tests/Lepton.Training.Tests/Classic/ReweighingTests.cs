using Lepton.Training.Classic;

namespace Lepton.Training.Tests.Classic;

/// <summary>Reweighing's weights: P(group)·P(class) / P(group, class), mean 1, and the weighted class rate alike in every group.</summary>
public sealed class ReweighingTests
{
    [Fact]
    public void Weights_MakeTheClassIndependentOfTheGroup()
    {
        // 10 rows: group a has 4 rows, 3 of class 1; group b has 6 rows, 1 of class 1.
        string[] groups = ["a", "a", "a", "a", "b", "b", "b", "b", "b", "b"];
        float[] labels = [1, 1, 1, 0, 1, 0, 0, 0, 0, 0];
        var w = Reweighing.Weights(groups, labels);
        // a,1: (4 · 4) / (10 · 3) = 0.5333; a,0: (4 · 6) / (10 · 1) = 2.4; b,1: (6 · 4) / (10 · 1) = 2.4; b,0: (6 · 6) / (10 · 5) = 0.72.
        Assert.Equal([16f / 30, 16f / 30, 16f / 30, 2.4f, 2.4f, 0.72f, 0.72f, 0.72f, 0.72f, 0.72f], w, (x, y) => Math.Abs(x - y) < 1e-6);
        Assert.Equal(1.0, w.Average(), 6);
        foreach (var g in new[] { "a", "b" })
        {
            double positive = Enumerable.Range(0, 10).Where(i => groups[i] == g && labels[i] == 1).Sum(i => w[i]);
            double all = Enumerable.Range(0, 10).Where(i => groups[i] == g).Sum(i => w[i]);
            Assert.Equal(0.4, positive / all, 6); // the overall class rate, in both groups
        }
        Assert.Null(Reweighing.Combine(null, null));
        Assert.Equal([1f, 2f], Reweighing.Combine(null, [1f, 2f])!);
        Assert.Equal([2f, 6f], Reweighing.Combine([1f, 2f], [2f, 3f])!);
        Assert.Throws<ArgumentException>(() => Reweighing.Weights(["a"], [1, 0]));
    }
}
