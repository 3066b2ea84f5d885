namespace Lepton.Monitoring.Drift;

/// <summary>The regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 - P(a, x) (Numerical Recipes' gser/gcf).</summary>
internal static class IncompleteGamma
{
    private const int MaxIterations = 500;
    private const double Epsilon = 1e-15;
    private const double Tiny = 1e-300;

    /// <summary>Q(a, x) = Gamma(a, x) / Gamma(a): the series for x &lt; a + 1, the continued fraction otherwise (each converges fast there).</summary>
    public static double UpperRegularized(double a, double x)
    {
        if (!(a > 0)) throw new ArgumentOutOfRangeException(nameof(a), a, "The shape a must be positive.");
        if (x <= 0) return 1;
        return x < a + 1 ? 1 - LowerSeries(a, x) : UpperContinuedFraction(a, x);
    }

    /// <summary>P(a, x) = 1 - Q(a, x).</summary>
    public static double LowerRegularized(double a, double x) => 1 - UpperRegularized(a, x);

    private static double LowerSeries(double a, double x)
    {
        double ap = a, sum = 1 / a, term = sum;
        for (int n = 0; n < MaxIterations; n++)
        {
            ap++;
            term *= x / ap;
            sum += term;
            if (Math.Abs(term) < Math.Abs(sum) * Epsilon) break;
        }
        return Math.Clamp(sum * Math.Exp(-x + a * Math.Log(x) - LogGamma(a)), 0, 1);
    }

    private static double UpperContinuedFraction(double a, double x)
    {
        // Modified Lentz evaluation of the continued fraction for Gamma(a, x).
        double b = x + 1 - a, c = 1 / Tiny, d = 1 / b, h = d;
        for (int i = 1; i <= MaxIterations; i++)
        {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.Abs(d) < Tiny) d = Tiny;
            c = b + an / c;
            if (Math.Abs(c) < Tiny) c = Tiny;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < Epsilon) break;
        }
        return Math.Clamp(Math.Exp(-x + a * Math.Log(x) - LogGamma(a)) * h, 0, 1);
    }

    /// <summary>ln Gamma(x) for x &gt; 0 by the Lanczos approximation (g = 7, 9 terms; about 15 digits).</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        ReadOnlySpan<double> c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        x -= 1;
        double sum = c[0];
        for (int i = 1; i < c.Length; i++) sum += c[i] / (x + i);
        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
