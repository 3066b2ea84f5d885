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

    [Theory]
    [InlineData(784, 0)]
    [InlineData(17, 1)]
    [InlineData(16, 2)]
    [InlineData(1000, 3)]
    public void The_vector_loop_matches_the_reference_loop(int length, int seed)
    {
        var random = new Random(seed);
        var values = Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() - 0.3) * 300)).ToArray();
        AssertClose(ExampleStatistics.OfReference(values), ExampleStatistics.Of(values));
        var pixels = Enumerable.Range(0, length).Select(_ => (float)random.Next(256)).ToArray();
        Assert.Equal(ExampleStatistics.OfReference(pixels), ExampleStatistics.Of(pixels)); // whole numbers: exact sums in any order
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    [InlineData(-0f)]
    public void Special_values_give_the_reference_results(float special)
    {
        foreach (int at in new[] { 0, 5, 16, 39 })
        {
            var values = Enumerable.Range(0, 40).Select(i => (float)(i % 7)).ToArray();
            values[at] = special;
            var expected = ExampleStatistics.OfReference(values);
            var actual = ExampleStatistics.Of(values);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected.Min), BitConverter.DoubleToInt64Bits(actual.Min));
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected.Max), BitConverter.DoubleToInt64Bits(actual.Max));
            Assert.Equal(double.IsNaN(expected.Mean), double.IsNaN(actual.Mean));
            Assert.Equal(double.IsNaN(expected.Std), double.IsNaN(actual.Std));
        }
    }

    private static void AssertClose(ExampleStatistics expected, ExampleStatistics actual)
    {
        Assert.Equal(expected.Min, actual.Min);
        Assert.Equal(expected.Max, actual.Max);
        Assert.Equal(expected.Mean, actual.Mean, 1e-9 * Math.Max(1, Math.Abs(expected.Mean)));
        Assert.Equal(expected.Std, actual.Std, 1e-9 * Math.Max(1, expected.Std));
    }

    [Fact]
    public void Unknown_statistic_names_are_refused_with_the_known_ones()
    {
        Assert.Contains("mean, std, min, max", Assert.Throws<ArgumentException>(() => ExampleStatistics.Of([1f])["median"]).Message);
    }
}
