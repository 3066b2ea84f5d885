using Lepton.Monitoring.Drift;

namespace Lepton.Monitoring.Tests.Drift;

public class KolmogorovSmirnovTests
{
    [Fact]
    public void D_is_the_largest_gap_between_the_empirical_cdfs_and_p_uses_the_effective_n()
    {
        // a = 1..4, b = 3..8. F_a - F_b at 1: 1/4 - 0, 2: 2/4 - 0, 3: 3/4 - 1/6, 4: 1 - 2/6 = 2/3 (largest), then it shrinks.
        // n_e = 4 * 6 / 10 = 2.4; t = sqrt(2.4) * 2/3 = 1.032796;
        // Q(t) = 2 * (exp(-2 t^2) - exp(-8 t^2) + ...) = 2 * (0.118442 - 0.000196 + ...) = 0.236490.
        var result = KolmogorovSmirnov.TwoSample([1, 2, 3, 4], [3, 4, 5, 6, 7, 8]);
        Assert.Equal(2.0 / 3, result.Statistic, 12);
        Assert.Equal(0.236490, result.PValue, 5);
    }

    [Fact]
    public void Ties_are_stepped_past_together()
    {
        // a = [1, 1, 2], b = [1, 2, 2]: after all 1s F_a = 2/3, F_b = 1/3 (gap 1/3); after the 2s both are 1.
        // Stepping one value at a time would report a spurious 2/3 after the two 1s of a alone.
        Assert.Equal(1.0 / 3, KolmogorovSmirnov.TwoSample([1, 1, 2], [1, 2, 2]).Statistic, 12);
        var same = KolmogorovSmirnov.TwoSample([5, 5, 5], [5, 5]);
        Assert.Equal((0.0, 1.0), (same.Statistic, same.PValue));
    }

    [Theory]
    // Q(t) = 2 * sum (-1)^(k-1) exp(-2 k^2 t^2): Q(1) = 2 * (e^-2 - e^-8 + e^-18) = 2 * (0.1353353 - 0.0003355 + 0.0000000) = 0.2699997;
    // Q(1.36) = 2 * (e^-3.6992 - e^-14.7968) = 0.0494859 (the classic 5% critical value); Q(0.5) = 0.9639452 (small-t series).
    [InlineData(1.0, 0.2699997)]
    [InlineData(1.36, 0.0494859)]
    [InlineData(0.5, 0.9639452)]
    [InlineData(0.0, 1.0)]
    public void The_kolmogorov_tail_matches_its_series(double t, double expected)
    {
        Assert.Equal(expected, KolmogorovDistribution.Survival(t), 6);
    }

    [Fact]
    public void Empty_samples_are_refused()
    {
        Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSample([], [1.0]));
    }
}
