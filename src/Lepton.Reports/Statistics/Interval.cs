namespace Lepton.Reports.Statistics;

/// <summary>A metric on the whole set and its bootstrap confidence interval [<see cref="Low"/>, <see cref="High"/>].</summary>
public readonly record struct Interval(double Estimate, double Low, double High)
{
    /// <summary>The percentile interval of <paramref name="draws"/> (sorted in place) at <paramref name="level"/>, around <paramref name="estimate"/>.</summary>
    public static Interval Percentile(double estimate, double[] draws, double level)
    {
        if (draws.Length == 0) return new Interval(estimate, double.NaN, double.NaN);
        Array.Sort(draws);
        double tail = (1 - level) / 2;
        return new Interval(estimate, Quantile(draws, tail), Quantile(draws, 1 - tail));
    }

    /// <summary>Linear interpolation between order statistics (NumPy's default quantile) of sorted values.</summary>
    public static double Quantile(double[] sorted, double q)
    {
        if (sorted.Length == 1) return sorted[0];
        double position = Math.Clamp(q, 0, 1) * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    }

    /// <summary>
    /// The Wilson score interval of a proportion, <paramref name="successes"/> of <paramref name="trials"/>, at <paramref name="level"/>:
    /// unlike the bootstrap it stays inside (0, 1) and is not degenerate at 0 or n successes, which small groups often show.
    /// </summary>
    public static Interval Wilson(int successes, int trials, double level)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        if (trials == 0) return new Interval(double.NaN, double.NaN, double.NaN);
        double z = NormalQuantile(1 - (1 - level) / 2), p = (double)successes / trials, z2n = z * z / trials;
        double centre = (p + z2n / 2) / (1 + z2n);
        double half = z * Math.Sqrt(p * (1 - p) / trials + z2n / (4.0 * trials)) / (1 + z2n);
        return new Interval(p, Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>The standard normal distribution's quantile at <paramref name="p"/> in (0, 1), by bisection on its tail (to 1e-12).</summary>
    public static double NormalQuantile(double p)
    {
        if (p is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(p), p, "a normal quantile needs a probability in (0, 1).");
        double low = -40, high = 40;
        while (high - low > 1e-12)
        {
            double mid = (low + high) / 2;
            // P(Z <= mid) = erfc(-mid/√2)/2
            if (McNemar.Erfc(-mid / Math.Sqrt(2)) / 2 < p) low = mid;
            else high = mid;
        }
        return (low + high) / 2;
    }
}
