using Lepton.Monitoring.Drift;

namespace Lepton.Monitoring.Tests.Drift;

public class PopulationStabilityIndexTests
{
    [Fact]
    public void Psi_sums_the_gap_times_the_log_ratio_per_bin()
    {
        // (0.25 - 0.5) * ln(0.25 / 0.5) + (0.75 - 0.5) * ln(0.75 / 0.5) = 0.25 * ln 2 + 0.25 * ln 1.5
        //   = 0.25 * (0.693147 + 0.405465) = 0.274653
        Assert.Equal(0.274653, PopulationStabilityIndex.Compute([0.5, 0.5], [0.25, 0.75]), 6);
    }

    [Fact]
    public void Counts_are_normalized_like_proportions()
    {
        // Counts [1, 3] are proportions [0.25, 0.75]; expected counts [10, 10] are [0.5, 0.5]: same 0.274653 as above.
        Assert.Equal(0.274653, PopulationStabilityIndex.Compute([10, 10], [1, 3]), 6);
    }

    [Fact]
    public void Identical_distributions_have_zero_psi()
    {
        Assert.Equal(0, PopulationStabilityIndex.Compute([0.1, 0.2, 0.7], [0.1, 0.2, 0.7]), 12);
    }

    [Fact]
    public void An_empty_bin_is_clamped_to_epsilon_so_the_psi_stays_finite()
    {
        // actual [0, 1] -> [1e-4, 1]: (1e-4 - 0.5) * ln(1e-4 / 0.5) + (1 - 0.5) * ln(1 / 0.5)
        //   = (-0.4999) * (-8.517193) + 0.5 * 0.693147 = 4.257744 + 0.346574 = 4.604318
        Assert.Equal(4.604318, PopulationStabilityIndex.Compute([0.5, 0.5], [0, 1]), 6);
    }

    [Fact]
    public void Mismatched_bins_are_refused_with_both_counts()
    {
        var error = Assert.Throws<ArgumentException>(() => PopulationStabilityIndex.Compute([0.5, 0.5], [1.0]));
        Assert.Contains("2 expected and 1 actual", error.Message);
        Assert.Throws<ArgumentException>(() => PopulationStabilityIndex.Compute([0, 0], [1, 1]));
    }
}
