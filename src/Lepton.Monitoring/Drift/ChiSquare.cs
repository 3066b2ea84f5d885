namespace Lepton.Monitoring.Drift;

/// <summary>Pearson's chi-square statistic, its degrees of freedom and the upper-tail p-value.</summary>
public readonly record struct ChiSquareResult(double Statistic, int DegreesOfFreedom, double PValue);

/// <summary>Chi-square goodness of fit: do observed category counts follow the expected proportions?</summary>
public static class ChiSquare
{
    /// <summary>
    /// Statistic = sum (O - E)^2 / E with E = total * p (proportions normalized to sum 1); categories where both E and O
    /// are 0 are skipped; df = categories used - 1; p = Q(df/2, statistic/2), the regularized upper incomplete gamma.
    /// An observed count in a category the reference never saw (E = 0) makes the statistic infinite and p = 0.
    /// </summary>
    public static ChiSquareResult GoodnessOfFit(IReadOnlyList<long> observed, IReadOnlyList<double> expectedProportions)
    {
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentNullException.ThrowIfNull(expectedProportions);
        if (observed.Count != expectedProportions.Count)
            throw new ArgumentException($"Chi-square needs one expected proportion per category, got {observed.Count} counts and {expectedProportions.Count} proportions.");
        double total = 0, proportionTotal = 0;
        for (int i = 0; i < observed.Count; i++)
        {
            if (observed[i] < 0) throw new ArgumentException($"Observed counts must be non-negative, got {observed[i]}.", nameof(observed));
            if (!(expectedProportions[i] >= 0) || double.IsInfinity(expectedProportions[i]))
                throw new ArgumentException($"Expected proportions must be finite and non-negative, got {expectedProportions[i]}.", nameof(expectedProportions));
            total += observed[i];
            proportionTotal += expectedProportions[i];
        }
        if (total == 0 || proportionTotal == 0) return new ChiSquareResult(0, 0, 1);
        double statistic = 0;
        int used = 0;
        for (int i = 0; i < observed.Count; i++)
        {
            double expected = total * expectedProportions[i] / proportionTotal;
            if (expected == 0 && observed[i] == 0) continue;
            used++;
            statistic += expected == 0 ? double.PositiveInfinity : (observed[i] - expected) * (observed[i] - expected) / expected;
        }
        int df = Math.Max(0, used - 1);
        return new ChiSquareResult(statistic, df, PValue(statistic, df));
    }

    /// <summary>P(X >= statistic) for a chi-square variable with <paramref name="degreesOfFreedom"/> degrees of freedom.</summary>
    public static double PValue(double statistic, int degreesOfFreedom)
    {
        if (double.IsPositiveInfinity(statistic)) return 0;
        if (degreesOfFreedom <= 0 || statistic <= 0) return 1;
        return IncompleteGamma.UpperRegularized(degreesOfFreedom / 2.0, statistic / 2.0);
    }
}
