namespace Lepton.Data.Tables.Inspection;

/// <summary>
/// The statistics the table inspection needs, written out because they are a few lines each: quantiles, the
/// two-sample Kolmogorov-Smirnov test, the chi-square survival function (regularized incomplete gamma), the population
/// stability index, Pearson and Spearman correlation.
/// </summary>
public static class TableStatistics
{
    /// <summary>The p-quantile of sorted values, interpolating linearly between order statistics.</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return double.NaN;
        double at = p * (sorted.Count - 1);
        int lo = (int)Math.Floor(at);
        int hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>Two-sample KS statistic D = max |F_a - F_b| over sorted samples, and its asymptotic p-value.</summary>
    public static (double D, double P) KolmogorovSmirnov(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        int n1 = a.Count, n2 = b.Count;
        if (n1 == 0 || n2 == 0) return (0, 1);
        int i = 0, j = 0;
        double d = 0;
        while (i < n1 && j < n2)
        {
            double v = Math.Min(a[i], b[j]);
            while (i < n1 && a[i] <= v) i++;
            while (j < n2 && b[j] <= v) j++;
            d = Math.Max(d, Math.Abs((double)i / n1 - (double)j / n2));
        }
        double ne = (double)n1 * n2 / (n1 + n2);
        double sq = Math.Sqrt(ne);
        return (d, KolmogorovSurvival((sq + 0.12 + 0.11 / sq) * d));
    }

    /// <summary>P(K &gt; lambda) for the Kolmogorov distribution: 2 Σ (-1)^(k-1) exp(-2 k² λ²).</summary>
    public static double KolmogorovSurvival(double lambda)
    {
        if (lambda < 0.2) return 1;
        double sum = 0, sign = 1;
        for (int k = 1; k <= 100; k++)
        {
            double term = sign * Math.Exp(-2 * k * k * lambda * lambda);
            sum += term;
            if (Math.Abs(term) < 1e-12) break;
            sign = -sign;
        }
        return Math.Clamp(2 * sum, 0, 1);
    }

    /// <summary>P(X² &gt; x) for a chi-square variable with <paramref name="dof"/> degrees of freedom.</summary>
    public static double ChiSquareSurvival(double x, int dof) => x <= 0 ? 1 : UpperGammaRegularized(dof / 2.0, x / 2.0);

    /// <summary>Q(a, x) = Γ(a, x) / Γ(a): a series below a + 1, a continued fraction (modified Lentz) above.</summary>
    public static double UpperGammaRegularized(double a, double x)
    {
        if (a <= 0 || x < 0) throw new ArgumentOutOfRangeException(nameof(a), $"Q(a, x) needs a > 0 and x >= 0, got a={a}, x={x}.");
        if (x == 0) return 1;
        double logPrefix = -x + a * Math.Log(x) - LogGamma(a);
        const double eps = 1e-15, tiny = 1e-300;
        if (x < a + 1)
        {
            double term = 1 / a, sum = term;
            for (int n = 1; n < 10_000; n++)
            {
                term *= x / (a + n);
                sum += term;
                if (Math.Abs(term) < Math.Abs(sum) * eps) break;
            }
            return Math.Clamp(1 - sum * Math.Exp(logPrefix), 0, 1);
        }
        double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
        for (int i = 1; i < 10_000; i++)
        {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.Abs(d) < tiny) d = tiny;
            c = b + an / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < eps) break;
        }
        return Math.Clamp(Math.Exp(logPrefix) * h, 0, 1);
    }

    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    /// <summary>ln Γ(x) by the Lanczos approximation (g = 7), with the reflection formula below 0.5.</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5) return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        x -= 1;
        double s = Lanczos[0];
        for (int i = 1; i < Lanczos.Length; i++) s += Lanczos[i] / (x + i);
        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(s);
    }

    /// <summary>PSI = Σ (a - e)·ln(a / e) over bins of two count vectors (shares floored at 1e-4 so empty bins stay finite).</summary>
    public static double PopulationStability(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        double te = expected.Sum(), ta = actual.Sum();
        if (te <= 0 || ta <= 0) return 0;
        double psi = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            double e = Math.Max(expected[i] / te, 1e-4), a = Math.Max(actual[i] / ta, 1e-4);
            psi += (a - e) * Math.Log(a / e);
        }
        return psi;
    }

    /// <summary>Pearson correlation of paired values (0 when either is constant).</summary>
    /// <summary>
    /// Kelly's quantile skewness of sorted values, (P90 + P10 − 2·P50) / (P90 − P10), in [−1, 1]: 0 for a symmetric column,
    /// about 0.6 for a log-normal one of σ 1.1; unlike the third moment, one wild value does not move it.
    /// </summary>
    public static double QuantileSkewness(IReadOnlyList<double> sorted)
    {
        double p10 = Quantile(sorted, 0.1), p50 = Quantile(sorted, 0.5), p90 = Quantile(sorted, 0.9);
        return p90 > p10 ? (p90 + p10 - 2 * p50) / (p90 - p10) : 0;
    }

    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        int n = x.Count;
        if (n < 2) return 0;
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxx <= 0 || syy <= 0 ? 0 : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>Spearman correlation: Pearson of ranks (ties share their average rank).</summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y) => Pearson(Ranks(x), Ranks(y));

    public static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]]) j++;
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) ranks[order[k]] = rank;
            i = j + 1;
        }
        return ranks;
    }
}
