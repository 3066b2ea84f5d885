using Lepton.Serving.Batching;
using Lepton.Serving.Http.Dashboard;

namespace Lepton.Serving.Tests.Dashboard;

public sealed class HistogramQuantileTests
{
    private static Histogram Observed(params double[] values)
    {
        var h = new Histogram([1, 2, 4]);
        foreach (var v in values) h.Observe(v);
        return h;
    }

    [Fact]
    public void Quantiles_InterpolateInsideTheBucket()
    {
        // Buckets <=1: 2, <=2: 1, <=4: 1 → cumulative 2, 3, 4.
        var s = Observed(0.5, 1, 1.5, 3).Snapshot();
        Assert.Equal(1.0, HistogramQuantile.Estimate(s, 0.5)!.Value, 9);   // rank 2: end of bucket 1 → 0 + 1·2/2
        Assert.Equal(2.0, HistogramQuantile.Estimate(s, 0.75)!.Value, 9);  // rank 3: 1 + 1·(3-2)/(3-2)
        Assert.Equal(3.92, HistogramQuantile.Estimate(s, 0.99)!.Value, 9); // rank 3.96: 2 + 2·0.96/1
        Assert.Equal(0.25, HistogramQuantile.Estimate(s, 0.125)!.Value, 9); // rank 0.5: 0 + 1·0.5/2
    }

    [Fact]
    public void RanksAboveTheLastBound_AnswerTheLastBound_AndEmptyIsNull()
    {
        var s = Observed(0.5, 1, 1.5, 3, 10).Snapshot();
        Assert.Equal(4.0, HistogramQuantile.Estimate(s, 0.99)!.Value, 9); // rank 4.95 lies in +Inf
        Assert.Null(HistogramQuantile.Estimate(Observed().Snapshot(), 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => HistogramQuantile.Estimate(s, 99));
    }

    [Fact]
    public void Merge_AddsCountsAndSums()
    {
        var merged = HistogramQuantile.Merge([Observed(0.5, 3).Snapshot(), Observed(1.5).Snapshot()])!;
        Assert.Equal([1L, 2L, 3L], merged.CumulativeCounts);
        Assert.Equal(3, merged.Count);
        Assert.Equal(5.0, merged.Sum, 9);
        Assert.Null(HistogramQuantile.Merge([]));
        Assert.Throws<ArgumentException>(() => HistogramQuantile.Merge([Observed(1).Snapshot(), new Histogram([1, 3]).Snapshot()]));
    }
}
