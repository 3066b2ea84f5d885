namespace Lepton.Reports.Statistics;

/// <summary>
/// McNemar's test of two classifiers on the same examples: <see cref="OnlyFirstCorrect"/> and <see cref="OnlySecondCorrect"/>
/// are the discordant counts; <see cref="Exact"/> says whether the p-value is the exact two-sided binomial one (few
/// discordant pairs) or the chi-square one with continuity correction.
/// </summary>
public sealed record McNemarResult(int OnlyFirstCorrect, int OnlySecondCorrect, double Statistic, double PValue, bool Exact)
{
    /// <summary>Whether the accuracies differ at level <paramref name="alpha"/>.</summary>
    public bool IsSignificant(double alpha = 0.05) => PValue < alpha;
}

/// <summary>McNemar's paired test for a difference in accuracy.</summary>
public static class McNemar
{
    /// <summary>Below this many discordant pairs the exact binomial test is used (the chi-square approximation is poor there).</summary>
    public const int ExactBelow = 25;

    public static McNemarResult Test(ReadOnlySpan<bool> firstCorrect, ReadOnlySpan<bool> secondCorrect)
    {
        if (firstCorrect.Length != secondCorrect.Length)
            throw new ArgumentException($"McNemar: {firstCorrect.Length} outcomes of the first model for {secondCorrect.Length} of the second; both must score the same examples.");
        int b = 0, c = 0;
        for (int i = 0; i < firstCorrect.Length; i++)
        {
            if (firstCorrect[i] && !secondCorrect[i]) b++;
            else if (!firstCorrect[i] && secondCorrect[i]) c++;
        }
        return FromCounts(b, c);
    }

    /// <summary>The test from the discordant counts: <paramref name="b"/> first right and second wrong, <paramref name="c"/> the reverse.</summary>
    public static McNemarResult FromCounts(int b, int c)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(b);
        ArgumentOutOfRangeException.ThrowIfNegative(c);
        int n = b + c;
        if (n < ExactBelow)
        {
            // Two-sided exact binomial test of min(b, c) successes in n trials with p = 1/2 (n < 25, so no underflow).
            double tail = 0, term = Math.Pow(0.5, n);
            for (int i = 0; i <= Math.Min(b, c); i++)
            {
                tail += term;
                term = term * (n - i) / (i + 1);
            }
            return new McNemarResult(b, c, Math.Min(b, c), Math.Min(1, 2 * tail), Exact: true);
        }
        double d = Math.Max(0, Math.Abs(b - c) - 1.0);
        double chi2 = d * d / n;
        return new McNemarResult(b, c, chi2, ChiSquareOneDofSurvival(chi2), Exact: false);
    }

    /// <summary>P(X ≥ x) for a chi-square variable with one degree of freedom: erfc(√(x/2)).</summary>
    public static double ChiSquareOneDofSurvival(double x) => x <= 0 ? 1 : Erfc(Math.Sqrt(x / 2));

    /// <summary>
    /// The complementary error function for x ≥ 0: the Maclaurin series of erf below 2, Laplace's continued fraction above
    /// (both accurate to about 1e-13 relative here); .NET has no erfc.
    /// </summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (x < 0) return 2 - Erfc(-x);
        if (x < 2)
        {
            double sum = 0, power = x, factorial = 1;
            for (int n = 0; n < 60; n++)
            {
                if (n > 0)
                {
                    factorial *= n;
                    power *= x * x;
                }
                double term = power / (factorial * (2 * n + 1));
                sum += n % 2 == 0 ? term : -term;
                if (term < 1e-17 * Math.Abs(sum)) break;
            }
            return 1 - 2 / Math.Sqrt(Math.PI) * sum;
        }
        if (x > 27) return 0;
        // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), evaluated from the tail.
        double k = x;
        for (int n = 200; n >= 1; n--) k = x + n / 2.0 / k;
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / k;
    }
}
