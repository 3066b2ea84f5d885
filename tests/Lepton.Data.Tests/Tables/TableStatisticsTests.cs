using Lepton.Data.Tables.Inspection;

namespace Lepton.Data.Tests.Tables;

/// <summary>The hand-written statistics against textbook values (tables of the chi-square and Kolmogorov distributions).</summary>
public sealed class TableStatisticsTests
{
    [Theory]
    [InlineData(3.841459, 1, 0.05)]
    [InlineData(6.634897, 1, 0.01)]
    [InlineData(18.307038, 10, 0.05)]
    [InlineData(1.0, 2, 0.6065306597)]
    [InlineData(67.504807, 50, 0.05)]
    public void ChiSquareSurvival_KnownQuantiles_MatchTables(double x, int dof, double p) =>
        Assert.Equal(p, TableStatistics.ChiSquareSurvival(x, dof), 1e-6 + p * 1e-3);

    [Theory]
    [InlineData(0.3)]
    [InlineData(1.7)]
    [InlineData(10.0)]
    public void UpperGammaRegularized_OfOne_IsExpMinusX(double x) =>
        Assert.Equal(Math.Exp(-x), TableStatistics.UpperGammaRegularized(1, x), 1e-12);

    [Fact]
    public void LogGamma_Integers_LogFactorials()
    {
        Assert.Equal(Math.Log(24), TableStatistics.LogGamma(5), 1e-10);
        Assert.Equal(0.5 * Math.Log(Math.PI), TableStatistics.LogGamma(0.5), 1e-10);
    }

    [Theory]
    [InlineData(1.358, 0.05)]
    [InlineData(1.628, 0.01)]
    [InlineData(1.224, 0.10)]
    public void KolmogorovSurvival_CriticalValues_MatchTables(double lambda, double p) =>
        Assert.Equal(p, TableStatistics.KolmogorovSurvival(lambda), 2e-3);

    [Fact]
    public void KolmogorovSmirnov_SameSample_ZeroDistance_DisjointSamples_One()
    {
        double[] a = [1, 2, 3, 4, 5];
        Assert.Equal((0.0, 1.0), TableStatistics.KolmogorovSmirnov(a, a));
        Assert.Equal(1.0, TableStatistics.KolmogorovSmirnov(a, [10, 11, 12]).D);
    }

    [Fact]
    public void Spearman_MonotoneNonLinear_One_PearsonBelowOne()
    {
        double[] x = [1, 2, 3, 4, 5, 6];
        double[] y = [.. x.Select(v => Math.Exp(v))];
        Assert.Equal(1.0, TableStatistics.Spearman(x, y), 12);
        Assert.True(TableStatistics.Pearson(x, y) < 0.95);
    }

    [Fact]
    public void PopulationStability_SameShares_Zero_DifferentShares_Positive()
    {
        Assert.Equal(0, TableStatistics.PopulationStability([10, 20, 30], [1, 2, 3]), 12);
        // 0.5/0.5 against 0.9/0.1: (0.9-0.5)ln(1.8) + (0.1-0.5)ln(0.2).
        Assert.Equal(0.4 * Math.Log(1.8) + 0.4 * Math.Log(5), TableStatistics.PopulationStability([50, 50], [90, 10]), 12);
    }
}
