using Lepton.Data.Profiles;

namespace Lepton.Data.Tests.Profiles;

public class ExampleStatisticsTests
{
    [Fact]
    public void Of_computes_mean_population_std_min_and_max()
    {
        // [1, 2, 3, 4]: mean 2.5; E[x^2] = (1 + 4 + 9 + 16) / 4 = 7.5; variance 7.5 - 6.25 = 1.25; std sqrt(1.25) = 1.118034.
        var s = ExampleStatistics.Of([3f, 1f, 4f, 2f]);
        Assert.Equal((2.5, 1.0, 4.0), (s.Mean, s.Min, s.Max));
        Assert.Equal(1.118034, s.Std, 6);
        Assert.Equal(s.Std, s["std"]);
        Assert.Equal(s.Max, s["max"]);
    }

    [Fact]
    public void A_constant_row_has_zero_std_and_an_empty_row_is_all_zero()
    {
        Assert.Equal(new ExampleStatistics(255, 0, 255, 255), ExampleStatistics.Of([255f, 255f, 255f]));
        Assert.Equal(new ExampleStatistics(0, 0, 0, 0), ExampleStatistics.Of([]));
    }

    [Fact]
    public void Unknown_statistic_names_are_refused_with_the_known_ones()
    {
        Assert.Contains("mean, std, min, max", Assert.Throws<ArgumentException>(() => ExampleStatistics.Of([1f])["median"]).Message);
    }
}
