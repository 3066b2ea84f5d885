namespace Lepton.Compression.Tuning.Sampling;

/// <summary>The standard normal distribution: draws (Box-Muller) and the CDF (through a Chebyshev fit of erfc).</summary>
internal static class Normal
{
    public static readonly double LogSqrtTwoPi = 0.5 * Math.Log(2 * Math.PI);

    public static double Sample(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(); // (0, 1]: the log stays finite
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public static double Cdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));

    // Numerical Recipes' erfc (Chebyshev fit, relative error below 1.2e-7 everywhere): enough for truncation masses.
    private static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }
}
