namespace Lepton.Monitoring.Drift;

/// <summary>Population stability index between two binned distributions: how far the live mix moved from the reference.</summary>
public static class PopulationStabilityIndex
{
    /// <summary>
    /// PSI = sum over bins of (a - e) * ln(a / e), where e and a are the expected and actual proportions per bin
    /// (each list is normalized to sum 1; a zero proportion is clamped to <paramref name="epsilon"/> so the log stays finite).
    /// Rules of thumb: below 0.1 stable, 0.1 to 0.2 a moderate shift, above 0.2 a significant one.
    /// </summary>
    public static double Compute(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double epsilon = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (expected.Count != actual.Count)
            throw new ArgumentException($"PSI needs the same bins on both sides, got {expected.Count} expected and {actual.Count} actual proportions.");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive.");
        double expectedTotal = Total(expected, nameof(expected)), actualTotal = Total(actual, nameof(actual));
        double psi = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            double e = Math.Max(epsilon, expected[i] / expectedTotal);
            double a = Math.Max(epsilon, actual[i] / actualTotal);
            psi += (a - e) * Math.Log(a / e);
        }
        return psi;
    }

    private static double Total(IReadOnlyList<double> values, string name)
    {
        double total = 0;
        foreach (double v in values)
        {
            if (!(v >= 0) || double.IsInfinity(v)) throw new ArgumentException($"PSI proportions must be finite and non-negative, got {v}.", name);
            total += v;
        }
        if (total <= 0) throw new ArgumentException("PSI needs at least one non-zero proportion on each side.", name);
        return total;
    }
}
