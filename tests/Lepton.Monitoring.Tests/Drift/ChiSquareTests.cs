using Lepton.Monitoring.Drift;

namespace Lepton.Monitoring.Tests.Drift;

public class ChiSquareTests
{
    [Fact]
    public void Goodness_of_fit_sums_squared_gaps_over_expected()
    {
        // 100 observations, expected 50/50: (30-50)^2/50 + (70-50)^2/50 = 8 + 8 = 16, df = 1,
        // p = erfc(sqrt(16/2)) = erfc(2.828427) = 6.334e-5.
        var result = ChiSquare.GoodnessOfFit([30, 70], [0.5, 0.5]);
        Assert.Equal((16.0, 1), (result.Statistic, result.DegreesOfFreedom));
        Assert.Equal(6.334248e-5, result.PValue, 9);
    }

    [Fact]
    public void Four_categories_have_three_degrees_of_freedom()
    {
        // E = 25 each: (225 + 25 + 25 + 225) / 25 = 20, df = 3;
        // p = erfc(sqrt(10)) + sqrt(2 * 20 / pi) * exp(-10) = 7.7442e-6 + 3.5682 * 4.53999e-5 = 1.697424e-4.
        var result = ChiSquare.GoodnessOfFit([10, 20, 30, 40], [0.25, 0.25, 0.25, 0.25]);
        Assert.Equal((20.0, 3), (result.Statistic, result.DegreesOfFreedom));
        Assert.Equal(1.697424e-4, result.PValue, 9);
    }

    [Fact]
    public void Categories_with_nothing_expected_and_nothing_observed_are_skipped()
    {
        // The middle category drops out: 2 categories, df = 1, a perfect fit.
        var result = ChiSquare.GoodnessOfFit([10, 0, 10], [0.5, 0, 0.5]);
        Assert.Equal((0.0, 1, 1.0), (result.Statistic, result.DegreesOfFreedom, result.PValue));
    }

    [Fact]
    public void A_count_where_nothing_was_expected_is_infinitely_unlikely()
    {
        var result = ChiSquare.GoodnessOfFit([10, 1], [1, 0]);
        Assert.True(double.IsPositiveInfinity(result.Statistic));
        Assert.Equal(0, result.PValue);
    }

    [Theory]
    // df = 1: Q = erfc(sqrt(x/2)); erfc(sqrt(1.92)) = 0.0500435, the 5% critical value 3.84.
    [InlineData(3.84, 1, 0.05004352)]
    // df = 2: Q = exp(-x/2); exp(-10) = 4.539993e-5.
    [InlineData(20, 2, 4.539993e-5)]
    // df = 4: Q = exp(-x/2) * (1 + x/2); exp(-5) * 6 = 0.04042768.
    [InlineData(10, 4, 0.04042768)]
    [InlineData(0, 3, 1.0)]
    public void P_values_come_from_the_upper_incomplete_gamma(double statistic, int df, double expected)
    {
        Assert.Equal(expected, ChiSquare.PValue(statistic, df), 8);
    }

    [Fact]
    public void Log_gamma_matches_factorials()
    {
        // Gamma(5) = 4! = 24; Gamma(0.5) = sqrt(pi).
        Assert.Equal(Math.Log(24), IncompleteGamma.LogGamma(5), 12);
        Assert.Equal(0.5 * Math.Log(Math.PI), IncompleteGamma.LogGamma(0.5), 12);
    }
}
