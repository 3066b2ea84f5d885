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
}
