namespace Lepton.Monitoring.Drift;

/// <summary>The two-sample KS statistic D (largest gap between the empirical CDFs) and its asymptotic p-value.</summary>
public readonly record struct KsResult(double Statistic, double PValue);

/// <summary>Two-sample Kolmogorov–Smirnov test: do two samples come from the same continuous distribution?</summary>
public static class KolmogorovSmirnov
{
    /// <summary>
    /// Exact D = max |F_a(x) - F_b(x)| over every value of either sample (ties are stepped past together, so equal
    /// samples give 0), and the p-value from the asymptotic Kolmogorov distribution at sqrt(n_e) * D with n_e = n*m/(n+m).
    /// </summary>
    public static KsResult TwoSample(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count == 0 || b.Count == 0) throw new ArgumentException($"A KS test needs two non-empty samples, got {a.Count} and {b.Count} values.");
        double[] x = Sorted(a), y = Sorted(b);
        int i = 0, j = 0;
        double d = 0;
        while (i < x.Length && j < y.Length)
        {
            double v = Math.Min(x[i], y[j]);
            while (i < x.Length && x[i] == v) i++;
            while (j < y.Length && y[j] == v) j++;
            d = Math.Max(d, Math.Abs((double)i / x.Length - (double)j / y.Length));
        }
        double n = (double)x.Length * y.Length / (x.Length + y.Length);
        return new KsResult(d, KolmogorovDistribution.Survival(Math.Sqrt(n) * d));
    }

    private static double[] Sorted(IReadOnlyList<double> values)
    {
        var copy = values.ToArray();
        foreach (double v in copy)
            if (double.IsNaN(v)) throw new ArgumentException("A KS sample must not contain NaN.");
        Array.Sort(copy);
        return copy;
    }
}

/// <summary>The Kolmogorov distribution's upper tail, the limit law of sqrt(n) * D.</summary>
internal static class KolmogorovDistribution
{
    /// <summary>Q(t) = P(K > t) = 2 * sum_{k>=1} (-1)^(k-1) exp(-2 k^2 t^2), with the small-t series where that one converges slowly.</summary>
    public static double Survival(double t)
    {
        if (t <= 0) return 1;
        if (t < 1.18)
        {
            // Jacobi theta form: P(K <= t) = sqrt(2 pi)/t * sum_{k>=1} exp(-(2k-1)^2 pi^2 / (8 t^2)), fast for small t.
            double sum = 0;
            for (int k = 1; k <= 20; k++)
            {
                double term = Math.Exp(-(2 * k - 1) * (2 * k - 1) * Math.PI * Math.PI / (8 * t * t));
                sum += term;
                if (term < 1e-17) break;
            }
            return Math.Clamp(1 - Math.Sqrt(2 * Math.PI) / t * sum, 0, 1);
        }
        double q = 0;
        for (int k = 1; k <= 100; k++)
        {
            double term = Math.Exp(-2.0 * k * k * t * t);
            q += (k % 2 == 1 ? 2 : -2) * term;
            if (term < 1e-17) break;
        }
        return Math.Clamp(q, 0, 1);
    }
}
